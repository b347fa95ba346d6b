"""The recipient's answers and choices: claim links, the backpack, visibility and name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal, Protocol

from ..domain import events, tokens
from ..domain.errors import ConcurrentUpdate, Conflict, Forbidden, InvalidInput, NotFound
from ..domain.models import Assertion, BadgeClass, Issuer
from ..domain.recipients import (
    ClaimState,
    LinkPurpose,
    LinkToken,
    RecipientEntry,
    Session,
    Viewer,
    Visibility,
    disclose,
)
from ..ports import (
    AssertionStore,
    BadgeStore,
    Clock,
    IssuerStore,
    RecipientStore,
    SessionStore,
    SupplementReader,
)
from .sessions import Opened, new_session

RETRIES = 3


class RecipientPorts(Protocol):
    def secret_for(self, purpose: str) -> bytes: ...
    @property
    def recipients(self) -> RecipientStore: ...
    @property
    def sessions(self) -> SessionStore: ...
    @property
    def assertions(self) -> AssertionStore: ...
    @property
    def badges(self) -> BadgeStore: ...
    @property
    def issuers(self) -> IssuerStore: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def supplements(self) -> SupplementReader: ...


@dataclass(frozen=True)
class Held:
    """One badge with everything its pages need."""

    entry: RecipientEntry
    assertion: Assertion
    badge: BadgeClass
    issuer: Issuer

    def verdict(self, now: datetime) -> Literal["valid", "revoked", "expired"]:
        if self.assertion.revoked:
            return "revoked"
        return "expired" if self.assertion.is_expired(now) else "valid"


class LinkProblem(StrEnum):
    USED = "used"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


def _held(entry: RecipientEntry, ports: RecipientPorts) -> Held | None:
    assertion = ports.assertions.get_assertion(entry.assertion_id)
    badge = ports.badges.get_badge(entry.badge_id)
    issuer = ports.issuers.get_issuer(entry.issuer_id)
    if assertion is None or badge is None or issuer is None:
        return None
    return Held(entry, assertion, badge, issuer)


# Claim links ---------------------------------------------------------------------------


def claim_link(entry: RecipientEntry, now: datetime) -> tuple[str, LinkToken]:
    raw = tokens.new_token()
    link = LinkToken(
        token_hash=tokens.token_hash(raw),
        purpose=LinkPurpose.CLAIM,
        expires_at=now + tokens.CLAIM_LINK_LIFETIME,
        assertion_id=entry.assertion_id,
    )
    return raw, link


def open_claim(raw_token: str, *, ports: RecipientPorts) -> tuple[LinkToken, Held] | LinkProblem:
    """The badge a claim link opens, or why it opens nothing (changing nothing either way)."""
    link = (
        ports.recipients.get_link(LinkPurpose.CLAIM, tokens.token_hash(raw_token))
        if tokens.looks_like_token(raw_token)
        else None
    )
    if link is None or link.assertion_id is None:
        return LinkProblem.UNKNOWN
    if link.used_at is not None:
        return LinkProblem.USED
    entry = ports.recipients.get_entry(link.assertion_id)
    if entry is None or entry.claim_token_hash != link.token_hash:
        return LinkProblem.USED  # a newer e-mail replaced this link
    if not link.usable(ports.clock.now()):
        return LinkProblem.EXPIRED
    held = _held(entry, ports)
    return LinkProblem.UNKNOWN if held is None else (link, held)


def claim_csrf(link: LinkToken, *, ports: RecipientPorts) -> str:
    return tokens.csrf_token(ports.secret_for("csrf"), f"claim:{link.token_hash}")


def answer_claim(
    raw_token: str, accept: bool, presented_csrf: str | None, *, ports: RecipientPorts
) -> Opened:
    """Accepts or declines through the link, spends it, and signs the recipient in: the link
    proved the address. A used, replaced, expired or forged link changes nothing."""
    opened = open_claim(raw_token, ports=ports)
    if isinstance(opened, LinkProblem):
        raise NotFound(f"this link cannot be used ({opened.value})", field="token")
    link, held = opened
    if not tokens.csrf_matches(
        ports.secret_for("csrf"), f"claim:{link.token_hash}", presented_csrf
    ):
        raise Forbidden("the form expired or did not come from this site; please try again")
    now = ports.clock.now()
    state = ClaimState.ACCEPTED if accept else ClaimState.DECLINED
    entry = held.entry.model_copy(update={"claim": state, "claim_changed_at": now})
    session = new_session(held.assertion.recipient_email, entry.recipient_key, now)
    event = events.claim_changed(entry.issuer_id, entry.assertion_id, accept, now)
    try:
        ports.recipients.use_claim_link(link, entry, session.session, now, [event])
    except ConcurrentUpdate as exc:
        raise NotFound("this link was used meanwhile", field="token") from exc
    return session


# The backpack --------------------------------------------------------------------------


def backpack(session: Session, *, ports: RecipientPorts) -> list[Held]:
    """Every badge issued to the signed-in address here, newest first."""
    found = []
    for entry in ports.recipients.list_entries(session.recipient_key):
        held = _held(entry, ports)
        if held is not None:
            found.append(held)
    return found


@dataclass(frozen=True)
class Changes:
    visibility: Visibility | None = None
    show_name: bool | None = None
    claim: ClaimState | None = None
    supplement_visible: bool | None = None


def owned(session: Session, assertion_id: str, *, ports: RecipientPorts) -> Held:
    """The recipient's own badge; anyone else's is a 404, as if it did not exist."""
    entry = ports.recipients.get_entry(assertion_id)
    if entry is None or entry.recipient_key != session.recipient_key:
        raise NotFound("no badge with this id in your backpack", field="assertionId")
    held = _held(entry, ports)
    if held is None:
        raise NotFound("no badge with this id in your backpack", field="assertionId")
    return held


def change(session: Session, assertion_id: str, changes: Changes, *, ports: RecipientPorts) -> Held:
    """Applies the recipient's choices; a claim answer is announced to the issuer."""
    if changes.claim is ClaimState.PENDING:
        raise InvalidInput("a badge can be accepted or declined, not made pending", field="claim")
    for _ in range(RETRIES):
        held = owned(session, assertion_id, ports=ports)
        entry, now = held.entry, ports.clock.now()
        update: dict[str, object] = {}
        if changes.visibility is not None:
            update["visibility"] = changes.visibility
        if changes.show_name is not None:
            update["show_name"] = changes.show_name
        announced = _supplement_switch(entry, changes.supplement_visible, now, ports)
        if announced:
            update["supplement_visible"] = changes.supplement_visible
        if changes.claim is not None and changes.claim is not entry.claim:
            update.update(claim=changes.claim, claim_changed_at=now)
            accepted = changes.claim is ClaimState.ACCEPTED
            announced.append(
                events.claim_changed(entry.issuer_id, entry.assertion_id, accepted, now)
            )
        if not update:
            return held
        try:
            saved = ports.recipients.save_entry(entry.model_copy(update=update), announced)
        except ConcurrentUpdate:
            continue
        return Held(saved, held.assertion, held.badge, held.issuer)
    raise ConcurrentUpdate("the badge changed meanwhile; please try again")


def _supplement_switch(
    entry: RecipientEntry, wanted: bool | None, now: datetime, ports: RecipientPorts
) -> list[events.Event]:
    """`supplement.visible|hidden` when the switch really moves; on only with a supplement."""
    if wanted is None or wanted == entry.supplement_visible:
        return []
    current = ports.supplements.current(entry.assertion_id)
    if wanted and current is None:
        raise Conflict("this badge has no Diploma Supplement to show", field="supplementVisible")
    kind = events.EventType.SUPPLEMENT_VISIBLE if wanted else events.EventType.SUPPLEMENT_HIDDEN
    version = current.version if current else 0
    return [events.supplement_changed(kind, entry.issuer_id, entry.assertion_id, version, now)]


class NamePorts(Protocol):
    @property
    def recipients(self) -> RecipientStore: ...
    @property
    def assertions(self) -> AssertionStore: ...


def public_name(assertion_id: str, *, ports: NamePorts) -> str | None:
    """The recipient's name for anyone's eyes, only when the recipient chose to show it."""
    entry = ports.recipients.get_entry(assertion_id)
    assertion = ports.assertions.get_assertion(assertion_id)
    if entry is None or assertion is None:
        return None
    if not disclose(Viewer.ANYONE, entry, revoked=assertion.revoked).recipient_name:
        return None
    return assertion.recipient_name
