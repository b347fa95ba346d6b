"""Every page the platform serves to people, rendered with realistic data, each at its own URL.

The pages are rendered straight through the page functions the routers call, so the browser
tests measure exactly what people get without a running platform.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from badgehub.domain.urls import PublicUrls
from badgehub.domain.verification.report import Check, Report, Summary, Verdict
from badgehub.web import pages
from badgehub.web.cards import BackpackItem, BadgeCard
from badgehub.web.pages import Page
from badgehub.web.recipient_pages import (
    backpack_page,
    claim_page,
    link_problem_page,
    signin_confirm_page,
    signin_page,
)
from badgehub.web.verify_views import document_links, page_report

from .builders import png_bytes

BASE = "https://badges.example"
ASSETS = "https://assets.example"
VERIFY = BASE + "/verify"
CSRF = "csrf-token-1"
BADGE_IMAGE = ASSETS + "/badges/data-science.png"
FOREIGN_IMAGE = "https://elsewhere.example/img/b7f3c2.png"
IMAGES = {BADGE_IMAGE: png_bytes((240, 240), "#0b4f9c"), FOREIGN_IMAGE: png_bytes((240, 240))}


def a_card(**overrides: Any) -> BadgeCard:
    values: dict[str, Any] = {
        "name": "Data Science Fundamentals",
        "description": (
            "Completed the 120-hour programme in applied data science.\n\n"
            "Statistics, Python, data visualisation and the ethics of working with data."
        ),
        "image_url": BADGE_IMAGE,
        "issuer_name": "Università di Esempio",
        "issuer_url": "https://uni.example/",
        "issued_on": datetime(2026, 6, 1, tzinfo=UTC),
        "expires": datetime(2029, 6, 1, tzinfo=UTC),
        "criteria_narrative": "Pass all four modules and the final project.",
        "verify_url": BASE + "/assertions/a1",
    }
    return BadgeCard(**{**values, **overrides})


def an_item(n: int, claim: str, **overrides: Any) -> BackpackItem:
    names = {1: "Data Science Fundamentals", 2: "Public Speaking", 3: "First Aid at Work"}
    values: dict[str, Any] = {
        "card": a_card(name=names.get(n, f"Workshop {n}"), verify_url=f"{BASE}/assertions/a{n}"),
        "assertion_id": f"a{n}",
        "claim": claim,
        "visibility": "public",
        "show_name": False,
        "verdict": "valid",
        "download_png_url": f"{BASE}/assertions/a{n}/baked",
        "download_ob3_url": f"{BASE}/assertions/a{n}/credential/baked",
        "update_url": f"/backpack/a{n}",
    }
    return BackpackItem(**{**values, **overrides})


def a_full_backpack() -> list[BackpackItem]:
    """A badge in every group, and every verdict a held badge can have."""
    return [
        an_item(1, "pending"),
        an_item(2, "accepted", visibility="private", show_name=True),
        an_item(
            3,
            "accepted",
            verdict="expired",
            card=a_card(name="First Aid at Work", expires=datetime(2026, 1, 1, tzinfo=UTC)),
        ),
        an_item(4, "accepted", verdict="revoked"),
        an_item(5, "declined"),
    ]


def a_summary(**overrides: Any) -> Summary:
    values: dict[str, Any] = {
        "issuer_name": "Università di Esempio",
        "issuer_url": "https://uni.example/",
        "issuer_id": "did:web:badges.example:issuers:i1",
        "achievement_name": "Data Science Fundamentals",
        "achievement_description": "Completed the 120-hour programme in applied data science.",
        "criteria_narrative": "Pass all four modules and the final project.",
        "criteria_url": "https://uni.example/criteria/data-science",
        "image_url": BADGE_IMAGE,
        "issued_on": datetime(2026, 6, 1, tzinfo=UTC),
        "expires": datetime(2029, 6, 1, tzinfo=UTC),
        "format": "ob3-data-integrity",
        "hosted_here": True,
    }
    return Summary(**{**values, **overrides})


SIGNATURE = Check(
    "proof",
    True,
    "The signature matches the issuer's published key did:web:badges.example:issuers:i1#key-1.",
)
KEY = Check("key_resolution", True, "The signing key belongs to the issuer, who lists it.")
STRUCTURE = Check("structure", True, "Every field in the badge is defined by its contexts.")
SCHEMA = Check("schema", True, "The badge follows the Open Badges 3.0 schema.")
NOT_REVOKED = Check("revocation", True, "The issuer's revocation list does not include this badge.")
DATES = Check("dates", True, "Issued on 1 June 2026 and is valid until 1 June 2029.")


def a_report(verdict: str) -> dict[str, Any]:
    """The report the verifier gives for a badge ending in `verdict`, as the page reads it."""
    summary = a_summary()
    checks = [STRUCTURE, SCHEMA, SIGNATURE, KEY, NOT_REVOKED, DATES]
    if verdict == "revoked":
        summary = a_summary(revocation_reason="Issued to the wrong student")
        checks[4] = Check(
            "revocation",
            False,
            "The issuer revoked this badge: Issued to the wrong student",
            outcome=Verdict.REVOKED,
        )
    elif verdict == "expired":
        summary = a_summary(expires=datetime(2026, 9, 1, tzinfo=UTC))
        checks[5] = Check(
            "dates", False, "This badge expired on 1 September 2026.", outcome=Verdict.EXPIRED
        )
    elif verdict == "invalid":
        checks[2] = Check("proof", False, "The signature does not match the badge's content.")
    elif verdict == "foreign":
        summary = a_summary(
            issuer_name="Example Training Ltd",
            issuer_url="https://training.example/",
            issuer_id="https://training.example/issuer.json",
            achievement_name="Kitchen Safety",
            achievement_description="Knows how to work safely in a professional kitchen.",
            criteria_narrative=None,
            criteria_url="https://training.example/badges/kitchen-safety",
            image_url=FOREIGN_IMAGE,
            format="ob2-hosted",
            hosted_here=False,
            expires=None,
        )
        checks = [
            Check("structure", True, "The badge is a well-formed Open Badges 2.0 assertion."),
            Check(
                "hosted", True, "The badge is hosted on its issuer's website (training.example)."
            ),
            Check(
                "structure",
                False,
                "The issuer's profile gives no contact e-mail (email).",
                severity="warning",
            ),
            Check("dates", True, "Issued on 1 June 2026 and does not expire."),
        ]
    elif verdict == "not_yet_valid":
        checks[5] = Check(
            "dates",
            False,
            "This badge only becomes valid on 1 September 2027.",
            outcome=Verdict.NOT_YET_VALID,
        )
    elif verdict == "unverifiable":
        checks[4] = Check(
            "revocation",
            False,
            "The issuer's status list could not be fetched.",
            severity="warning",
            outcome=Verdict.UNVERIFIABLE,
        )
    report = Report.of(checks, summary)
    if verdict == "result":  # the form's answer: the recipient checked as well
        report = Report.of(
            [
                *checks,
                Check(
                    "recipient", True, "This badge was issued to the e-mail address you entered."
                ),
            ],
            summary,
        )
    return page_report(report)


def _badge_page(verdict: str, lang: str) -> Page:
    links = document_links(PublicUrls(base=BASE, assets=ASSETS), "a1")
    return pages.report_page(
        a_report(verdict), lang, VERIFY, ASSETS, links, recipient_name="Ana Rossi"
    )


def _claim(lang: str, **kw: Any) -> Page:
    return claim_page(
        lang,
        card=a_card(),
        recipient_name="Ana Rossi",
        csrf=CSRF,
        action_url=BASE + "/claim/tok",
        verify_url=VERIFY,
        image_origins=ASSETS,
        signin_url=BASE + "/signin",
        **kw,
    )


def _link_problem(reason: str) -> Callable[[str], Page]:
    def render(lang: str) -> Page:
        return link_problem_page(
            lang,
            reason=reason,
            signin_url=BASE + "/signin",
            verify_url=VERIFY,
            image_origins=ASSETS,
        )

    return render


def _signin(lang: str, **kw: Any) -> Page:
    return signin_page(
        lang, csrf=CSRF, action_url=BASE + "/signin", verify_url=VERIFY, image_origins=ASSETS, **kw
    )


def _signin_confirm(lang: str) -> Page:
    return signin_confirm_page(
        lang,
        csrf=CSRF,
        action_url=BASE + "/signin/tok",
        next_path="/backpack",
        verify_url=VERIFY,
        image_origins=ASSETS,
    )


def _backpack(items: list[BackpackItem], **kw: Any) -> Callable[[str], Page]:
    def render(lang: str) -> Page:
        return backpack_page(
            lang,
            email="ana.rossi@example.org",
            items=items,
            csrf=CSRF,
            signout_url=BASE + "/signout",
            verify_url=VERIFY,
            image_origins=ASSETS,
            **kw,
        )

    return render


def _revoked_from_records(lang: str) -> Page:
    """A revoked badge hosted here: its document says only "revoked"; our records say the rest."""
    hosted = "https://badges.example/assertions/a1"
    summary = Summary(
        format="ob2-hosted",
        hosted_here=True,
        revocation_reason="Issued to the wrong student",
    )
    revoked = Check("revocation", False, "The issuer revoked this badge.", outcome=Verdict.REVOKED)
    report = Report.of([revoked], summary, {"id": hosted, "revoked": True})
    full = a_summary().to_json()
    recorded = {k: full[k] for k in ("issuer_name", "achievement_name", "image_url", "issued_on")}
    links = document_links(PublicUrls(base=BASE, assets=ASSETS), "a1")
    return pages.report_page(page_report(report, recorded), lang, VERIFY, ASSETS, links)


def _verdict(verdict: str) -> Callable[[str], Page]:
    return lambda lang: _badge_page(verdict, lang)


@dataclass(frozen=True)
class PeoplePage:
    path: str  # where the platform serves it
    render: Callable[[str], Page]

    def url(self, lang: str) -> str:
        return f"{BASE}{self.path}{'&' if '?' in self.path else '?'}lang={lang}"


PAGES: dict[str, PeoplePage] = {
    "badge-valid": PeoplePage("/assertions/a1", _verdict("valid")),
    "badge-revoked": PeoplePage("/assertions/a1", _verdict("revoked")),
    "badge-expired": PeoplePage("/assertions/a1", _verdict("expired")),
    "badge-invalid": PeoplePage("/assertions/a1", _verdict("invalid")),
    "badge-unverifiable": PeoplePage("/assertions/a1", _verdict("unverifiable")),
    "badge-not-yet-valid": PeoplePage("/assertions/a1", _verdict("not_yet_valid")),
    "badge-foreign": PeoplePage(
        "/verify", lambda lang: pages.report_page(a_report("foreign"), lang, VERIFY, ASSETS)
    ),
    "verify": PeoplePage("/verify", lambda lang: pages.verify_form_page(lang, VERIFY, ASSETS)),
    "verify-result": PeoplePage(
        "/verify", lambda lang: pages.report_page(a_report("result"), lang, VERIFY, ASSETS)
    ),
    "verify-error": PeoplePage(
        "/verify",
        lambda lang: pages.verify_form_page(
            lang,
            VERIFY,
            ASSETS,
            error="The file is neither a PNG nor an SVG image.",
            url="https://uni.example/badges/42",
            email="ana.rossi@example.org",
        ),
    ),
    "claim": PeoplePage("/claim/tok", _claim),
    "claim-decline": PeoplePage("/claim/tok", lambda lang: _claim(lang, confirm_decline=True)),
    "link-used": PeoplePage("/claim/tok", _link_problem("used")),
    "link-expired": PeoplePage("/claim/tok", _link_problem("expired")),
    "link-unknown": PeoplePage("/signin/tok", _link_problem("unknown")),
    "signin": PeoplePage("/signin", lambda lang: _signin(lang, next_path="/backpack")),
    "signin-error": PeoplePage(
        "/signin", lambda lang: _signin(lang, email="ana.rossi@", error="invalid_email")
    ),
    "signin-sent": PeoplePage("/signin", lambda lang: _signin(lang, sent=True)),
    "signin-confirm": PeoplePage("/signin/tok", _signin_confirm),
    "backpack": PeoplePage("/backpack", _backpack(a_full_backpack(), notice="saved")),
    "backpack-empty": PeoplePage("/backpack", _backpack([])),
    "accessibility": PeoplePage(
        "/accessibility", lambda lang: pages.accessibility_page(lang, VERIFY, ASSETS)
    ),
    "badge-revoked-from-records": PeoplePage("/assertions/a1", _revoked_from_records),
    "landing": PeoplePage(
        "/", lambda lang: pages.landing_page(lang, VERIFY, ASSETS, BASE + "/openapi.yaml")
    ),
    "not-found": PeoplePage(
        "/assertions/lost", lambda lang: pages.not_found_page(lang, VERIFY, ASSETS, BASE + "/")
    ),
}
