"""The recipient's side of a badge: claim state, privacy choices, delivery, and who sees what.

`disclose` is the one policy every surface asks (verification page, backpack, JSON APIs, and
the share and supplement pages): nothing decides visibility anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class ClaimState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Visibility(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry
    NOT_SENT = "not_sent"  # the issuer said `notify: false`


class Delivery(BaseModel):
    model_config = ConfigDict(frozen=True)

    state: DeliveryState = DeliveryState.PENDING
    attempts: int = 0
    last_attempt_at: datetime | None = None


class RecipientEntry(BaseModel):
    """One badge in one recipient's backpack: the recipient's choices and its delivery.

    Kept apart from the assertion (the issuer's signed record): the issuer reads the claim
    state and delivery, never the privacy choices.
    """

    model_config = ConfigDict(frozen=True)

    assertion_id: str
    badge_id: str
    issuer_id: str
    recipient_key: str  # keyed hash of the normalised address: the backpack's partition
    issued_on: datetime
    locale: str = "en"
    claim: ClaimState = ClaimState.PENDING
    claim_changed_at: datetime | None = None
    visibility: Visibility = Visibility.PUBLIC
    show_name: bool = False
    supplement_visible: bool = False  # "make the Diploma Supplement visible to other users"
    delivery: Delivery = Delivery()
    claim_token_hash: str | None = None  # the one claim link that works now
    version: int = 0


class Viewer(StrEnum):
    OWNER = "owner"  # the signed-in recipient
    ISSUER = "issuer"  # the issuer's API key
    ANYONE = "anyone"  # a visitor, a recruiter, a crawler


@dataclass(frozen=True)
class Disclosure:
    """What a viewer may see of one badge."""

    listed: bool  # on pages that list or share badges (issuer pages, share pages)
    recipient_name: bool  # the recipient's name next to the verdict
    claim_state: bool
    privacy_choices: bool  # visibility and show_name themselves
    delivery: bool
    supplement: bool  # the Diploma Supplement (when there is one) and every mention of it


def disclose(viewer: Viewer, entry: RecipientEntry, *, revoked: bool) -> Disclosure:
    """Who sees what. The badge's Open Badges documents are always served (it must verify
    wherever its owner sends it; the recipient is only a salted hash there): this decides
    everything around them."""
    if viewer is Viewer.OWNER:
        return Disclosure(
            listed=True,
            recipient_name=True,
            claim_state=True,
            privacy_choices=True,
            delivery=False,
            supplement=entry.claim is not ClaimState.DECLINED and not revoked,
        )
    if viewer is Viewer.ISSUER:
        return Disclosure(
            listed=True,
            recipient_name=True,
            claim_state=True,
            privacy_choices=False,
            delivery=True,
            supplement=True,
        )
    public = (
        entry.claim is ClaimState.ACCEPTED and entry.visibility is Visibility.PUBLIC and not revoked
    )
    return Disclosure(
        listed=public,
        recipient_name=entry.claim is not ClaimState.DECLINED and entry.show_name and not revoked,
        claim_state=False,
        privacy_choices=False,
        delivery=False,
        supplement=public and entry.supplement_visible,
    )


class LinkPurpose(StrEnum):
    CLAIM = "claim"
    SIGNIN = "signin"


class LinkToken(BaseModel):
    """A single-use link as stored: only its hash, what it opens, and until when."""

    model_config = ConfigDict(frozen=True)

    token_hash: str
    purpose: LinkPurpose
    expires_at: datetime
    assertion_id: str | None = None  # claim links
    email: str | None = None  # sign-in links: the address the link proves
    used_at: datetime | None = None

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at


class Session(BaseModel):
    """A signed-in recipient, behind a cookie that holds only the random session id."""

    model_config = ConfigDict(frozen=True)

    id_hash: str
    email: str
    recipient_key: str
    created_at: datetime
    last_seen_at: datetime


class SigninRequest(BaseModel):
    """Someone asked for a sign-in link; the mailer decides whether there is anything to send."""

    model_config = ConfigDict(frozen=True)

    id: str
    email: str
    recipient_key: str
    locale: str
    requested_at: datetime


class ImportedBadge(BaseModel):
    """A badge from another platform the recipient added to their backpack.

    Kept as what verifies it (the credential, token or URL; an uploaded image is kept as the
    badge it carried), so its verdict is checked again whenever it is shown."""

    model_config = ConfigDict(frozen=True)

    id: str
    recipient_key: str
    kind: str  # "credential" (JSON), "token" (JWS / VC-JWT) or "url"
    payload: str
    imported_at: datetime
    name: str | None = None
    issuer_name: str | None = None


MAX_IMPORT_CHARS = 256 * 1024  # a stored record's budget; real credentials are a few KiB
