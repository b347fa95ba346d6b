"""What the recipient pages and e-mails show of a badge, already resolved to plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..domain.models import Assertion, BadgeClass, Issuer
from ..domain.urls import PublicUrls
from ..usecases.analytics import Summary as Analytics
from ..usecases.recipients import Held
from ..usecases.supplements import SupplementView


@dataclass(frozen=True)
class BadgeCard:
    name: str
    description: str
    image_url: str
    issuer_name: str
    issuer_url: str
    issued_on: datetime
    expires: datetime | None
    criteria_narrative: str | None
    verify_url: str  # the badge's own URL: the verification page


@dataclass(frozen=True)
class BackpackItem:
    card: BadgeCard
    assertion_id: str
    claim: str  # pending / accepted / declined
    visibility: str  # public / private
    show_name: bool
    verdict: str  # valid / revoked / expired
    download_png_url: str  # OB 2.0 baked image (PNG or SVG, as the badge class image)
    download_ob3_url: str  # OB 3.0 baked image
    update_url: str  # where this badge's forms post
    supplement_visible: bool = False  # the graduate's switch
    supplement: SupplementView | None = None  # the current one, when the owner may see it
    analytics: Analytics | None = None  # views and checks per day, for its recipient only
    share_url: str | None = None  # its share page (answers only while accepted and public)


@dataclass(frozen=True)
class ImportedItem:
    """A badge from elsewhere, as verified just now."""

    import_id: str
    name: str
    issuer_name: str
    verdict: str  # the verifier's verdict: valid, revoked, expired, invalid, unverifiable...
    imported_on: datetime
    remove_url: str


def card_of(assertion: Assertion, badge: BadgeClass, issuer: Issuer, urls: PublicUrls) -> BadgeCard:
    return BadgeCard(
        name=badge.name,
        description=badge.description,
        image_url=urls.asset(badge.image.key),
        issuer_name=issuer.name,
        issuer_url=issuer.url,
        issued_on=assertion.issued_on,
        expires=assertion.expires,
        criteria_narrative=badge.criteria_narrative,
        verify_url=urls.assertion(assertion.id),
    )


def backpack_item(
    held: Held,
    urls: PublicUrls,
    now: datetime,
    supplement: SupplementView | None = None,
    analytics: Analytics | None = None,
) -> BackpackItem:
    return BackpackItem(
        card=card_of(held.assertion, held.badge, held.issuer, urls),
        assertion_id=held.assertion.id,
        claim=held.entry.claim.value,
        visibility=held.entry.visibility.value,
        show_name=held.entry.show_name,
        verdict=held.verdict(now),
        download_png_url=urls.baked(held.assertion.id),
        download_ob3_url=urls.baked_credential(held.assertion.id),
        update_url=f"/backpack/{held.assertion.id}",
        supplement_visible=held.entry.supplement_visible,
        supplement=supplement,
        analytics=analytics,
        share_url=urls.share(held.assertion.id),
    )
