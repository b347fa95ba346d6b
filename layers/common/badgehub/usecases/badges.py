"""Badge classes: an issuer defines what it awards."""

from __future__ import annotations

import uuid
from typing import Protocol

from ..domain.errors import NotFound
from ..domain.images import read_badge_image
from ..domain.models import Alignment, BadgeClass, BadgeClassInput
from ..ports import BadgeStore, BlobStore, Clock, IssuerStore
from .auth import Principal, require_issuer
from .issuers import store_image


class BadgePorts(Protocol):
    @property
    def issuers(self) -> IssuerStore: ...
    @property
    def badges(self) -> BadgeStore: ...
    @property
    def blobs(self) -> BlobStore: ...
    @property
    def clock(self) -> Clock: ...


def create_badge(
    principal: Principal, issuer_id: str, data: BadgeClassInput, *, ports: BadgePorts
) -> BadgeClass:
    require_issuer(principal, issuer_id)
    blobs = ports.blobs
    if ports.issuers.get_issuer(issuer_id) is None:
        raise NotFound("no issuer with this id", field="issuerId")
    image = read_badge_image(data.image)
    badge_id = str(uuid.uuid4())
    stored = store_image(blobs, f"badges/{badge_id}", image)
    badge = BadgeClass(
        id=badge_id,
        issuer_id=issuer_id,
        name=data.name,
        description=data.description,
        criteria_narrative=data.criteria.narrative,
        criteria_url=str(data.criteria.url) if data.criteria.url else None,
        image=stored,
        tags=tuple(data.tags),
        alignments=tuple(
            Alignment(
                target_name=a.target_name,
                target_url=str(a.target_url),
                target_description=a.target_description,
                target_framework=a.target_framework,
                target_code=a.target_code,
            )
            for a in data.alignments
        ),
        created_at=ports.clock.now(),
    )
    try:
        ports.badges.put_badge(badge)
    except Exception:
        blobs.delete_public(stored.key)
        raise
    return badge


def get_owned_badge(principal: Principal, badge_id: str, badges: BadgeStore) -> BadgeClass:
    """The badge, if it exists and the caller's issuer owns it (404 before 403: ids are public)."""
    badge = badges.get_badge(badge_id)
    if badge is None:
        raise NotFound("no badge with this id", field="badgeId")
    require_issuer(principal, badge.issuer_id)
    return badge
