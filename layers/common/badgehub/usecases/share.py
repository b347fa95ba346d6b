"""A badge as its owner shares it: found only when the policy lists it for anyone, with the
pictures it travels as (drawn once per look, kept in the blob store)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..domain import previews
from ..domain.errors import NotFound
from ..domain.models import Assertion, BadgeClass, Issuer
from ..domain.previews import CardText, Shape
from ..domain.recipients import RecipientEntry, Viewer, disclose
from ..ports import AssertionStore, BadgeStore, BlobStore, Clock, IssuerStore, RecipientStore

# One answer for private, declined, pending, revoked and unknown: nothing tells them apart.
NOT_SHARED = "no shared badge with this id"


class SharePorts(Protocol):
    @property
    def recipients(self) -> RecipientStore: ...
    @property
    def assertions(self) -> AssertionStore: ...
    @property
    def badges(self) -> BadgeStore: ...
    @property
    def issuers(self) -> IssuerStore: ...
    @property
    def blobs(self) -> BlobStore: ...
    @property
    def clock(self) -> Clock: ...


@dataclass(frozen=True)
class Shared:
    entry: RecipientEntry
    assertion: Assertion
    badge: BadgeClass
    issuer: Issuer
    recipient_name: str | None  # only when the recipient chose to show it


def shared(assertion_id: str, *, ports: SharePorts) -> Shared:
    """The badge, if its recipient accepted it and keeps it public (and it is not revoked)."""
    entry = ports.recipients.get_entry(assertion_id)
    assertion = ports.assertions.get_assertion(assertion_id) if entry else None
    if entry is None or assertion is None:
        raise NotFound(NOT_SHARED, field="assertionId")
    shown = disclose(Viewer.ANYONE, entry, revoked=assertion.revoked)
    if not shown.listed:
        raise NotFound(NOT_SHARED, field="assertionId")
    badge = ports.badges.get_badge(assertion.badge_id)
    issuer = ports.issuers.get_issuer(assertion.issuer_id)
    if badge is None or issuer is None:
        raise NotFound(NOT_SHARED, field="assertionId")
    name = assertion.recipient_name if shown.recipient_name else None
    return Shared(entry, assertion, badge, issuer, name)


def picture(found: Shared, shape: Shape, *, ports: SharePorts) -> bytes:
    """The preview (or Instagram square) of a shared badge: from the cache, or drawn and kept.

    Keyed by what it shows, never by the assertion: one picture serves every recipient of the
    badge, and it says nothing about any of them."""
    text = CardText(found.badge.name, found.issuer.name)
    key = previews.cache_key(shape, found.badge.image.sha256, text)
    try:
        return ports.blobs.get_public(key)
    except NotFound:
        pass
    try:
        image: bytes | None = ports.blobs.get_public(found.badge.image.key)
    except NotFound:
        image = None
    drawn = previews.draw_card(shape, image, text)
    ports.blobs.put_public(key, drawn, "image/png")
    return drawn
