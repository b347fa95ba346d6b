"""Issuing, reading, listing and revoking assertions (an issuer's own only)."""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from ..domain import events, hashing, statuslist, tokens
from ..domain.errors import (
    Conflict,
    DomainError,
    Gone,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
    TooManyRequests,
)
from ..domain.events import Event
from ..domain.models import Assertion, AssertionInput, BadgeClass, Evidence, Issuer, RevokeInput
from ..domain.recipients import Delivery, DeliveryState, RecipientEntry
from ..domain.urls import PublicUrls
from ..ports import (
    AssertionStore,
    BadgeStore,
    Clock,
    ConcurrentUpdate,
    IdempotencyKeyTaken,
    IdempotencyRecord,
    IssuerStore,
    KeyService,
    KeyStore,
    NewAssertion,
    Page,
    RateLimiter,
    RecipientStore,
    StatusList,
    StatusStore,
)
from .auth import Principal, require_issuer
from .badges import get_owned_badge
from .signing import IssuerKeys, load_keys, sign_assertion
from .status import allocate_index, signed_list

CLOCK_SKEW = timedelta(minutes=5)
MAX_PAGE = 100


class AssertionPorts(Protocol):
    def secret_for(self, purpose: str) -> bytes: ...
    @property
    def recipients(self) -> RecipientStore: ...
    @property
    def issuers(self) -> IssuerStore: ...
    @property
    def keys(self) -> KeyStore: ...
    @property
    def status_lists(self) -> StatusStore: ...
    @property
    def badges(self) -> BadgeStore: ...
    @property
    def assertions(self) -> AssertionStore: ...
    @property
    def key_service(self) -> KeyService: ...
    @property
    def clock(self) -> Clock: ...


class ReadPorts(Protocol):
    @property
    def recipients(self) -> RecipientStore: ...
    @property
    def badges(self) -> BadgeStore: ...
    @property
    def assertions(self) -> AssertionStore: ...


@dataclass(frozen=True)
class Issued:
    assertion: Assertion
    badge: BadgeClass
    replayed: bool  # a retried Idempotency-Key: the first request's assertion
    mail: Event | None = None  # the recipient's e-mail, to send right away


@dataclass(frozen=True)
class Once:
    """A bulk row's identity, and a tag saying which row of which batch first issued it."""

    identity: str
    tag: str


@dataclass(frozen=True)
class Issuing:
    """What every row of one batch message is issued with, read once for the message: the
    badge (its ownership checked), its issuer and the issuer's keys. Keys are only ever added
    (a rotation keeps the old ones published), so a row signed with keys read a few seconds
    earlier still verifies."""

    badge: BadgeClass
    issuer: Issuer
    keys: IssuerKeys


def prepare_issuing(principal: Principal, badge_id: str, *, ports: AssertionPorts) -> Issuing:
    badge = get_owned_badge(principal, badge_id, ports.badges)
    issuer = ports.issuers.get_issuer(badge.issuer_id)
    if issuer is None:
        raise NotFound("no issuer with this id", field="issuerId")
    return Issuing(badge, issuer, load_keys(issuer.id, ports.keys))


def once_key(issuer_id: str, identity: str) -> str:
    """Where a row identity's record lives: beside the issuer's Idempotency-Keys."""
    return f"{issuer_id}#once#{identity}"


def check_dates(data: AssertionInput, now: datetime) -> datetime:
    """The issue date (now when not given), if it and the expiry make sense at `now`."""
    issued_on = data.issued_on or now
    if issued_on > now + CLOCK_SKEW:
        raise InvalidInput("issuedOn may not be in the future", field="issuedOn")
    if data.expires is not None and data.expires <= max(issued_on, now):
        raise InvalidInput("expires must be in the future and after issuedOn", field="expires")
    return issued_on


def _request_hash(badge_id: str, data: AssertionInput) -> str:
    body = data.model_dump_json(by_alias=True, exclude_none=True)
    return hashlib.sha256(f"{badge_id}\n{body}".encode()).hexdigest()


def issue(
    principal: Principal,
    badge_id: str,
    data: AssertionInput,
    idempotency_key: str | None,
    urls: PublicUrls,
    *,
    ports: AssertionPorts,
    once: Once | None = None,
    reserved: tuple[int, int] | None = None,
    issuing: Issuing | None = None,
) -> Issued:
    """The issued badge. A retried key returns the first assertion instead of a second.

    Everything is signed before anything is stored: a key-service failure stores nothing,
    and the status-list index reserved for it is given back. `once` (bulk rows) is an
    identity kept for good: a second issue with it returns the first assertion, whatever
    its body. `reserved` is a status-list entry claimed beforehand (a block for a batch's rows);
    `issuing`, the badge, issuer and keys read once for them (`prepare_issuing`).
    """
    signed = sign_new(
        principal,
        badge_id,
        data,
        idempotency_key,
        urls,
        ports=ports,
        once=once,
        reserved=reserved,
        issuing=issuing,
    )
    if isinstance(signed, Issued):
        return signed
    try:
        ports.assertions.create_assertion(
            signed.new.assertion, signed.new.idempotency, signed.new.events, signed.new.entry
        )
    except IdempotencyKeyTaken:
        return _lost_race(signed, ports)
    except Exception:
        _give_back(*signed.slot, signed.issuer_id, ports.status_lists)
        raise
    return signed.issued()


@dataclass(frozen=True)
class Signed:
    """A new badge signed in all its forms and not stored yet (`store_all` stores many at
    once), with what is written beside it and what a lost race needs to answer."""

    new: NewAssertion
    badge: BadgeClass
    slot: tuple[int, int]  # its status-list entry, given back if it is never stored
    mail: Event | None
    request_hash: str | None  # None for a bulk row: its identity is enough

    @property
    def issuer_id(self) -> str:
        return self.new.assertion.issuer_id

    def issued(self) -> Issued:
        return Issued(self.new.assertion, self.badge, False, self.mail)


def sign_new(
    principal: Principal,
    badge_id: str,
    data: AssertionInput,
    idempotency_key: str | None,
    urls: PublicUrls,
    *,
    ports: AssertionPorts,
    once: Once | None = None,
    reserved: tuple[int, int] | None = None,
    issuing: Issuing | None = None,
) -> Signed | Issued:
    """What `issue` does before it stores: the replay of a retried key or row identity
    (`Issued`), or the new badge signed (`Signed`). Nothing is written but the status-list
    index, given back if signing fails."""
    issuing = _issuing_for(principal, badge_id, issuing, ports)
    badge, issuer = issuing.badge, issuing.issuer
    scoped = request_hash = None
    if once is not None:
        scoped = once_key(badge.issuer_id, once.identity)
        found = ports.assertions.get_idempotency(scoped)
        if found is not None:
            replay = ports.assertions.get_assertion(found.assertion_id)
            if replay is not None:
                return Issued(replay, badge, True)
    elif idempotency_key is not None:
        if not 1 <= len(idempotency_key) <= 200:
            raise InvalidInput(
                "Idempotency-Key must be 1 to 200 characters", field="Idempotency-Key"
            )
        scoped = f"{badge.issuer_id}#{idempotency_key}"
        request_hash = _request_hash(badge_id, data)
        replay = _replay(scoped, request_hash, ports.assertions)
        if replay is not None:
            return Issued(replay, badge, True)

    now = ports.clock.now()
    issued_on = check_dates(data, now)

    salt = hashing.new_salt()
    assertion = Assertion(
        id=str(uuid.uuid4()),
        badge_id=badge.id,
        issuer_id=badge.issuer_id,
        recipient_email=data.recipient.email,
        recipient_name=data.recipient.name,
        salt=salt,
        identity_hash=hashing.hash_email(data.recipient.email, salt),
        issued_on=issued_on,
        expires=data.expires,
        narrative=data.narrative,
        evidence=tuple(
            Evidence(
                url=str(e.url) if e.url else None,
                narrative=e.narrative,
                name=e.name,
                description=e.description,
            )
            for e in data.evidence
        ),
        created_at=now,
    )
    number, index = reserved or allocate_index(issuer, urls, ports=ports)
    try:
        assertion = sign_assertion(
            assertion.model_copy(update={"status_list": number, "status_index": index}),
            badge,
            issuer,
            issuing.keys,
            statuslist.status_entry(urls.status_list(issuer.id, number), index),
            urls,
            ports.key_service,
            ports.clock,
        )
        idempotency = None
        if scoped is not None:
            record = IdempotencyRecord(
                once.tag if once else str(request_hash), assertion.id, permanent=once is not None
            )
            idempotency = (scoped, record)
        mail = events.mail_badge(issuer.id, assertion.id, now) if data.notify else None
        announced = [events.badge_issued(issuer.id, assertion.id, badge.id, now)]
        announced += [mail] if mail else []
        announced += notices_at_issue(assertion) if data.notify else []
        entry = RecipientEntry(
            assertion_id=assertion.id,
            badge_id=badge.id,
            issuer_id=issuer.id,
            recipient_key=tokens.recipient_key(
                ports.secret_for("recipients"), data.recipient.email
            ),
            issued_on=assertion.issued_on,
            locale=data.locale or issuer.locale,
            delivery=Delivery(
                state=DeliveryState.PENDING if data.notify else DeliveryState.NOT_SENT
            ),
        )
    except Exception:
        _give_back(number, index, issuer.id, ports.status_lists)
        raise
    new = NewAssertion(assertion, idempotency, announced, entry)
    return Signed(new, badge, (number, index), mail, request_hash)


def store_all(signed: Sequence[Signed], *, ports: AssertionPorts) -> list[Issued]:
    """Badges signed with `sign_new`, stored in one go (one commit on the local table), each
    answered as `issue` would answer it. A store that fails raises, and the rows come back."""
    if not signed:
        return []
    taken = ports.assertions.create_assertions([one.new for one in signed])
    return [
        one.issued() if lost is None else _lost_race(one, ports)
        for one, lost in zip(signed, taken, strict=True)
    ]


def _lost_race(signed: Signed, ports: AssertionPorts) -> Issued:
    """A concurrent retry won the key: answer with its assertion, and free our index."""
    _give_back(*signed.slot, signed.issuer_id, ports.status_lists)
    assert signed.new.idempotency is not None  # only a keyed issue can lose one
    replay = _replay(signed.new.idempotency[0], signed.request_hash, ports.assertions)
    if replay is None:
        raise ConcurrentUpdate("the request that won this Idempotency-Key left no badge")
    return Issued(replay, signed.badge, True)


def _issuing_for(
    principal: Principal, badge_id: str, issuing: Issuing | None, ports: AssertionPorts
) -> Issuing:
    if issuing is None or issuing.badge.id != badge_id:
        return prepare_issuing(principal, badge_id, ports=ports)
    require_issuer(principal, issuing.badge.issuer_id)
    return issuing


REMINDER_DAYS = (7, 30)  # "still unclaimed" reminders, each once


def notices_at_issue(assertion: Assertion) -> list[Event]:
    """The scheduled e-mails a new badge may need: reminders while it stays unclaimed (due
    from when it was stored, not from a back-dated `issuedOn`) and, when it expires, a notice
    30 days before. Written with the badge, so none is forgotten; the notifier drops those
    whose reason went away. Only for badges whose recipient we e-mail (not `notify: false`)."""
    issued = assertion.created_at
    found = [
        events.notice_unclaimed(assertion.issuer_id, assertion.id, days, issued)
        for days in REMINDER_DAYS
    ]
    if assertion.expires is not None:
        found.append(
            events.notice_expiring(assertion.issuer_id, assertion.id, assertion.expires, issued)
        )
    return found


def _give_back(number: int, index: int, issuer_id: str, status_lists: StatusStore) -> None:
    """Frees the index of a credential that was never stored; if even that fails, the index
    stays unused (harmless: a reserved index with no credential is never revoked)."""
    with contextlib.suppress(DomainError):
        status_lists.release_status_index(issuer_id, number, index)


def _replay(scoped: str, request_hash: str | None, assertions: AssertionStore) -> Assertion | None:
    record = assertions.get_idempotency(scoped)
    if record is None:
        return None
    if request_hash is not None and record.request_hash != request_hash:
        raise Conflict(
            "this Idempotency-Key was used with a different request", field="Idempotency-Key"
        )
    return assertions.get_assertion(record.assertion_id)


def get_owned_assertion(
    principal: Principal, assertion_id: str, *, ports: ReadPorts
) -> tuple[Assertion, BadgeClass]:
    """The assertion and its badge, if the caller's issuer owns them."""
    assertion = ports.assertions.get_assertion(assertion_id)
    if assertion is None:
        raise NotFound("no assertion with this id", field="assertionId")
    require_issuer(principal, assertion.issuer_id)
    badge = ports.badges.get_badge(assertion.badge_id)
    if badge is None:
        raise NotFound("no badge with this id", field="badgeId")
    return assertion, badge


def recipient_entry(assertion: Assertion, ports: ReadPorts) -> RecipientEntry | None:
    return ports.recipients.get_entry(assertion.id)


def list_assertions(
    principal: Principal, badge_id: str, limit: int, cursor: str | None, *, ports: ReadPorts
) -> tuple[Page, BadgeClass]:
    badge = get_owned_badge(principal, badge_id, ports.badges)
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}", field="limit")
    return ports.assertions.list_assertions(badge_id, limit, cursor), badge


def revoke(
    principal: Principal,
    assertion_id: str,
    data: RevokeInput,
    urls: PublicUrls,
    *,
    ports: AssertionPorts,
) -> tuple[Assertion, BadgeClass]:
    """Revokes everywhere at once: hosted assertion, OB 2.0 list, OB 3.0 status list.

    The re-signed status list, the assertion and the `badge.revoked` event are stored in one
    transaction, so no verifier ever sees one without the other. Revoking twice is harmless:
    the first reason stands.
    """
    assertion, badge = get_owned_assertion(principal, assertion_id, ports=ports)
    for _ in range(5):
        if assertion.revoked:
            return assertion, badge
        now = ports.clock.now()
        revoked = assertion.model_copy(
            update={"revoked": True, "revocation_reason": data.reason, "revoked_at": now}
        )
        event = events.badge_revoked(assertion.issuer_id, assertion.id, assertion.badge_id, now)
        try:
            ports.assertions.revoke(revoked, _revoked_status(assertion, urls, ports), [event])
        except ConcurrentUpdate:
            assertion, badge = get_owned_assertion(principal, assertion_id, ports=ports)
            continue
        return revoked, badge
    raise ServiceUnavailable("the status list is busy; please retry")


def _revoked_status(
    assertion: Assertion, urls: PublicUrls, ports: AssertionPorts
) -> StatusList | None:
    if assertion.status_list is None or assertion.status_index is None:
        return None
    current = ports.status_lists.get_status_list(assertion.issuer_id, assertion.status_list)
    if current is None:
        raise ServiceUnavailable("the status list is missing; please retry")
    revoked = current.revoked | {assertion.status_index}
    credential = signed_list(
        assertion.issuer_id,
        current.number,
        revoked,
        load_keys(assertion.issuer_id, ports.keys),
        urls,
        ports.key_service,
        ports.clock,
    )
    return StatusList(assertion.issuer_id, current.number, revoked, current.version + 1, credential)


RESENDS_PER_HOUR = 5


class ResendPorts(ReadPorts, Protocol):
    @property
    def rate_limits(self) -> RateLimiter: ...
    @property
    def clock(self) -> Clock: ...


def resend(
    principal: Principal, assertion_id: str, *, ports: ResendPorts
) -> tuple[Issued, RecipientEntry]:
    """A new e-mail with a new claim link; the link sent before stops working at once."""
    assertion, badge = get_owned_assertion(principal, assertion_id, ports=ports)
    if assertion.revoked:
        raise Gone("this badge was revoked; there is nothing to send")
    now = ports.clock.now()
    hour = int(now.timestamp()) // 3600 * 3600
    if not ports.rate_limits.hit("resend", assertion.id, hour, RESENDS_PER_HOUR):
        raise TooManyRequests(
            "this badge's e-mail was sent several times this hour; try later",
            retry_after=hour + 3600 - int(now.timestamp()),
        )
    for _ in range(3):
        entry = ports.recipients.get_entry(assertion.id)
        if entry is None:
            raise NotFound("this badge has no recipient record", field="assertionId")
        mail = events.mail_badge(assertion.issuer_id, assertion.id, now)
        fresh = entry.model_copy(
            update={
                "claim_token_hash": None,
                "delivery": Delivery(state=DeliveryState.PENDING, attempts=entry.delivery.attempts),
            }
        )
        try:
            saved = ports.recipients.save_entry(fresh, [mail])
        except ConcurrentUpdate:
            continue
        return Issued(assertion, badge, False, mail), saved
    raise ServiceUnavailable("the badge is busy; please retry")
