"""Realistic public issuer and badge class pages, and a backpack with analytics, for the
browser tests (imported by people_pages, which must not be imported back from here at load)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from badgehub.domain.keys import Algorithm, SigningKey
from badgehub.domain.models import Alignment, BadgeClass, Issuer, StoredImage
from badgehub.domain.urls import PublicUrls
from badgehub.usecases.analytics import Day, Summary
from badgehub.usecases.public import AwardedBadge, BadgePage, IssuerPage
from badgehub.web import public_pages
from badgehub.web.cards import BackpackItem
from badgehub.web.pages import Page

BASE = "https://badges.example"
ASSETS = "https://assets.example"
VERIFY = BASE + "/verify"
URLS = PublicUrls(base=BASE, assets=ASSETS)
CREATED = datetime(2025, 9, 1, tzinfo=UTC)
IMAGE = StoredImage(key="badges/data-science.png", content_type="image/png", sha256="0" * 64)


def an_issuer() -> Issuer:
    return Issuer(
        id="i1",
        name="Università di Esempio",
        url="https://uni.example/",
        email="registry@uni.example",
        description=(
            "A public university in northern Italy.\n\n"
            "Its registry awards Open Badges for degrees, short courses and micro-credentials."
        ),
        image=IMAGE,
        created_at=CREATED,
    )


def a_key(n: int, algorithm: Algorithm, active: bool = True) -> SigningKey:
    return SigningKey(
        issuer_id="i1",
        key_id=f"key-{n}",
        algorithm=algorithm,
        provider="kms",
        provider_ref=f"ref-{n}",
        public_key_pem="-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----",
        created_at=datetime(2025, 9, n, tzinfo=UTC),
        active=active,
    )


def a_badge(n: int, name: str, **overrides: Any) -> BadgeClass:
    values: dict[str, Any] = {
        "id": f"b{n}",
        "issuer_id": "i1",
        "name": name,
        "description": "Completed the 120-hour programme in applied data science.",
        "criteria_narrative": (
            "Pass all four modules (statistics, Python, visualisation, ethics).\n\n"
            "Present a final project to a panel of two lecturers."
        ),
        "criteria_url": "https://uni.example/criteria/data-science",
        "image": IMAGE,
        "tags": ("data", "statistics"),
        "alignments": (
            Alignment(
                target_name="ESCO: data science",
                target_url="https://esco.ec.europa.eu/en/skill/data-science",
                target_framework="ESCO",
                target_code="S1.2.3",
                target_description="Analyse data to find insight.",
            ),
        ),
        "created_at": CREATED,
    }
    return BadgeClass(**{**values, **overrides})


def issuer_page(lang: str) -> Page:
    view = IssuerPage(
        issuer=an_issuer(),
        did=URLS.did("i1"),
        keys=[
            a_key(1, Algorithm.ED25519, active=False),
            a_key(2, Algorithm.ES256),
            a_key(3, Algorithm.RS256),
            a_key(4, Algorithm.ED25519),
        ],
        badges=[
            AwardedBadge(a_badge(1, "Data Science Fundamentals"), 1284),
            AwardedBadge(a_badge(2, "Public Speaking"), 1),
            AwardedBadge(a_badge(3, "First Aid at Work"), 0),
        ],
    )
    return public_pages.issuer_page(view, lang, URLS, VERIFY, ASSETS)


def badge_class_page(lang: str) -> Page:
    view = BadgePage(a_badge(1, "Data Science Fundamentals"), an_issuer(), 1284)
    return public_pages.badge_class_page(view, lang, URLS, VERIFY, ASSETS)


def public_not_found(lang: str) -> Page:
    return public_pages.not_found_page(lang, "issuer", VERIFY, ASSETS)


def some_analytics() -> Summary:
    surfaces = ("share_view", "verification_view", "api_verification", "download")
    rows = {"2026-12-01": (4, 9, 2, 1), "2026-11-30": (12, 3, 0, 0), "2026-11-27": (0, 1, 1, 2)}
    days = [Day(day, dict(zip(surfaces, counts, strict=True))) for day, counts in rows.items()]
    totals = {s: sum(d.counts[s] for d in days) for s in days[0].counts}
    return Summary(days, totals)


def an_analytics_backpack() -> list[BackpackItem]:
    from .people_pages import an_item

    return [
        an_item(1, "accepted", analytics=some_analytics()),
        an_item(2, "accepted", analytics=Summary([], dict.fromkeys(some_analytics().totals, 0))),
    ]
