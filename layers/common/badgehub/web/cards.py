"""What the recipient pages and e-mails show of a badge, already resolved to plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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
