"""Every page the platform serves to people, rendered with realistic data, each at its own URL.

The pages are rendered straight through the page functions the routers call, so the browser
tests measure exactly what people get without a running platform.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from badgehub.domain import previews
from badgehub.domain.models import Assertion, BadgeClass, Issuer, StoredImage
from badgehub.domain.recipients import ClaimState, RecipientEntry
from badgehub.domain.urls import PublicUrls
from badgehub.domain.verification.report import Check, Report, Summary, Verdict
from badgehub.usecases.share import Shared
from badgehub.usecases.supplements import SupplementView
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
from badgehub.web.share_pages import embed_page, missing_page, print_page, share_page, share_view
from badgehub.web.verify_views import document_links, page_report

from .builders import png_bytes
from .public_views import an_analytics_backpack, badge_class_page, issuer_page, public_not_found

BASE = "https://badges.example"
ASSETS = "https://assets.example"
VERIFY = BASE + "/verify"
CSRF = "csrf-token-1"
BADGE_IMAGE = ASSETS + "/badges/data-science.png"
FOREIGN_IMAGE = "https://elsewhere.example/img/b7f3c2.png"
SHARE_QR = BASE + "/share/a1/qr.svg"
IMAGES = {
    BADGE_IMAGE: png_bytes((240, 240), "#0b4f9c"),
    FOREIGN_IMAGE: png_bytes((240, 240)),
    SHARE_QR: previews.qr_svg(BASE + "/assertions/a1", "QR code"),
}


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
        "share_url": f"{BASE}/share/a{n}",
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


def older_and_endorsed_report(kind: str) -> dict[str, Any]:
    """An Open Badges 1.1 badge ("ob1"), a badge with a valid and an invalid endorsement
    ("endorsed"), or an EndorsementCredential ("endorsement"), as the verifier reports them."""
    if kind == "ob1":
        summary = a_summary(
            issuer_name="Old Robotics Club",
            issuer_url="https://old.example/",
            issuer_id="https://old.example/issuer.json",
            achievement_name="Robotics",
            achievement_description="Built a robot that climbs stairs.",
            criteria_narrative=None,
            criteria_url="https://old.example/badges/robotics.html",
            image_url=FOREIGN_IMAGE,
            format="ob1-hosted",
            hosted_here=False,
            issued_on=datetime(2016, 12, 31, 23, 59, tzinfo=UTC),
            expires=None,
        )
        checks = [
            Check(
                "version",
                True,
                "This is an Open Badges 1.1 badge: it was read as its Open Badges 2.0 "
                "equivalent, as the 1EdTech validator does, and checked like one.",
            ),
            Check("hosted", True, "The issuer's website still serves this badge."),
            Check("revocation", True, "The issuer's website does not mark this badge as revoked."),
            Check("structure", True, "The badge contains everything Open Badges 2.0 requires."),
            Check("hosted", True, "The badge is hosted on its issuer's website (old.example)."),
            Check("dates", True, "This badge was issued on 31 December 2016 and does not expire."),
        ]
        return page_report(Report.of(checks, summary))
    if kind == "endorsement":
        summary = a_summary(
            issuer_name="Regional Skills Council",
            issuer_url="https://skills.example/",
            issuer_id="did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH",
            achievement_name="Endorsement of Data Science Fundamentals",
            achievement_description="Meets the regional data skills framework.",
            criteria_narrative=None,
            image_url=None,
            format="ob3-data-integrity",
            hosted_here=False,
            expires=None,
            endorses="https://badges.example/achievements/data-science",
        )
        checks = [
            STRUCTURE,
            SIGNATURE,
            KEY,
            Check("revocation", True, "The issuer did not make this badge revocable."),
            DATES,
        ]
        return page_report(Report.of(checks, summary))
    checks = [
        STRUCTURE,
        SCHEMA,
        SIGNATURE,
        KEY,
        NOT_REVOKED,
        DATES,
        Check(
            "endorsement",
            True,
            'Regional Skills Council endorses the achievement ("Meets the regional data '
            'skills framework."); the endorsement is valid.',
        ),
        Check(
            "endorsement",
            False,
            "An endorsement of the achievement by Rival Academy could not be confirmed, as it "
            "is not valid: The signature does not match the endorsement's content. This does "
            "not change the badge's verdict.",
            severity="warning",
        ),
    ]
    return page_report(Report.of(checks, a_summary()))


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


def a_supplement_view(statement: bool = True) -> SupplementView:
    return SupplementView(
        version=2,
        attached_at=datetime(2026, 9, 15, tzinfo=UTC),
        digest="sha384-" + "q" * 64,
        size=412_345,
        signed=True,
        download_url=f"{BASE}/assertions/a1/supplement/download?v=2&for=anyone&exp=1&sig=s",
        file_name="diploma-supplement-a1-v2.pdf",
        statement_url=f"{BASE}/assertions/a1/supplement/statement" if statement else None,
    )


def _badge_with_supplement(lang: str) -> Page:
    links = document_links(PublicUrls(base=BASE, assets=ASSETS), "a1")
    return pages.report_page(
        a_report("valid"), lang, VERIFY, ASSETS, links, "Ana Rossi", a_supplement_view()
    )


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


def a_shared(recipient_name: str | None = "Ana Rossi", name: str | None = None) -> Shared:
    """A badge as its share page sees it: accepted, public, its name shown when chosen."""
    issued = datetime(2026, 6, 1, tzinfo=UTC)
    image = StoredImage(key="badges/data-science.png", content_type="image/png", sha256="0" * 64)
    return Shared(
        entry=RecipientEntry(
            assertion_id="a1",
            badge_id="b1",
            issuer_id="i1",
            recipient_key="k1",
            issued_on=issued,
            claim=ClaimState.ACCEPTED,
            show_name=recipient_name is not None,
        ),
        assertion=Assertion(
            id="a1",
            badge_id="b1",
            issuer_id="i1",
            recipient_email="ana.rossi@example.org",
            recipient_name="Ana Rossi",
            salt="s",
            identity_hash="sha256$0",
            issued_on=issued,
            expires=datetime(2029, 6, 1, tzinfo=UTC),
            created_at=issued,
        ),
        badge=BadgeClass(
            id="b1",
            issuer_id="i1",
            name=name or a_card().name,
            description=a_card().description,
            criteria_narrative=a_card().criteria_narrative,
            criteria_url="https://uni.example/criteria/data-science",
            image=image,
            created_at=issued,
        ),
        issuer=Issuer(
            id="i1",
            name="Università di Esempio",
            url="https://uni.example/",
            email="registry@uni.example",
            created_at=issued,
        ),
        recipient_name=recipient_name,
    )


def _shared(render: Callable[..., Page], **kw: Any) -> Callable[[str], Page]:
    def page(lang: str) -> Page:
        view = share_view(a_shared(**kw), PublicUrls(base=BASE, assets=ASSETS), "valid", lang)
        return render(view, lang, VERIFY, ASSETS)

    return page


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
    "verify-ob1": PeoplePage(
        "/verify",
        lambda lang: pages.report_page(older_and_endorsed_report("ob1"), lang, VERIFY, ASSETS),
    ),
    "verify-endorsed": PeoplePage(
        "/verify",
        lambda lang: pages.report_page(older_and_endorsed_report("endorsed"), lang, VERIFY, ASSETS),
    ),
    "verify-endorsement": PeoplePage(
        "/verify",
        lambda lang: pages.report_page(
            older_and_endorsed_report("endorsement"), lang, VERIFY, ASSETS
        ),
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
    "backpack-supplement": PeoplePage(
        "/backpack",
        _backpack(
            [
                an_item(1, "accepted", supplement=a_supplement_view(False)),
                an_item(2, "accepted", supplement_visible=True, supplement=a_supplement_view()),
            ]
        ),
    ),
    "badge-with-supplement": PeoplePage("/assertions/a1", _badge_with_supplement),
    "accessibility": PeoplePage(
        "/accessibility", lambda lang: pages.accessibility_page(lang, VERIFY, ASSETS)
    ),
    # Public issuer and badge class pages, and the backpack with earner analytics.
    "issuer": PeoplePage("/issuers/i1", issuer_page),
    "badge-class": PeoplePage("/badges/b1", badge_class_page),
    "public-not-found": PeoplePage("/issuers/nope", public_not_found),
    "backpack-analytics": PeoplePage("/backpack", _backpack(an_analytics_backpack())),
    "share": PeoplePage("/share/a1", _shared(share_page)),
    "share-anonymous": PeoplePage("/share/a1", _shared(share_page, recipient_name=None)),
    "share-embed": PeoplePage("/embed/a1", _shared(embed_page)),
    "share-print": PeoplePage("/share/a1/print", _shared(print_page)),
    "share-missing": PeoplePage("/share/a9", lambda lang: missing_page(lang, VERIFY, ASSETS)),
    "badge-revoked-from-records": PeoplePage("/assertions/a1", _revoked_from_records),
    "landing": PeoplePage(
        "/", lambda lang: pages.landing_page(lang, VERIFY, ASSETS, BASE + "/docs")
    ),
    "not-found": PeoplePage(
        "/assertions/lost", lambda lang: pages.not_found_page(lang, VERIFY, ASSETS, BASE + "/")
    ),
}
