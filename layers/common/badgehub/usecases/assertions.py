"""Issuing, reading, listing and revoking assertions (an issuer's own only)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

from ..domain import hashing, statuslist
from ..domain.errors import Conflict, InvalidInput, NotFound, ServiceUnavailable
from ..domain.models import Assertion, AssertionInput, Evidence, RevokeInput
from ..domain.urls import PublicUrls
from ..ports import (
    Clock,
    ConcurrentUpdate,
    IdempotencyKeyTaken,
    IdempotencyRecord,
    KeyService,
    Page,
    StatusList,
    Store,
)
from .auth import Principal, require_issuer
from .badges import get_owned_badge
from .signing import load_keys, sign_assertion
from .status import allocate_index, signed_list

CLOCK_SKEW = timedelta(minutes=5)
MAX_PAGE = 100


def _request_hash(badge_id: str, data: AssertionInput) -> str:
    body = data.model_dump_json(by_alias=True, exclude_none=True)
    return hashlib.sha256(f"{badge_id}\n{body}".encode()).hexdigest()


def issue(
    principal: Principal,
    badge_id: str,
    data: AssertionInput,
    idempotency_key: str | None,
    store: Store,
    key_service: KeyService,
    urls: PublicUrls,
    clock: Clock,
) -> tuple[Assertion, bool]:
    """Returns (assertion, replayed). A retried key returns the first assertion, not a second.

    Everything is signed before anything is stored: a key-service failure stores nothing.
    """
    badge = get_owned_badge(principal, badge_id, store)
    idempotency = None
    if idempotency_key is not None:
        if not 1 <= len(idempotency_key) <= 200:
            raise InvalidInput(
                "Idempotency-Key must be 1 to 200 characters", field="Idempotency-Key"
            )
        scoped = f"{badge.issuer_id}#{idempotency_key}"
        request_hash = _request_hash(badge_id, data)
        replay = _replay(scoped, request_hash, store)
        if replay is not None:
            return replay, True

    now = clock.now()
    issued_on = data.issued_on or now
    if issued_on > now + CLOCK_SKEW:
        raise InvalidInput("issuedOn may not be in the future", field="issuedOn")
    if data.expires is not None and data.expires <= max(issued_on, now):
        raise InvalidInput("expires must be in the future and after issuedOn", field="expires")

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
    issuer = store.get_issuer(badge.issuer_id)
    if issuer is None:
        raise NotFound("no issuer with this id", field="issuerId")
    number, index = allocate_index(issuer, store, urls, key_service, clock)
    assertion = sign_assertion(
        assertion.model_copy(update={"status_list": number, "status_index": index}),
        badge,
        issuer,
        load_keys(issuer.id, store),
        statuslist.status_entry(urls.status_list(issuer.id, number), index),
        urls,
        key_service,
        clock,
    )
    if idempotency_key is not None:
        idempotency = (scoped, IdempotencyRecord(request_hash, assertion.id))
    try:
        store.create_assertion(assertion, idempotency)
    except IdempotencyKeyTaken:
        # A concurrent retry won the race: answer with its assertion.
        replay = _replay(scoped, request_hash, store)
        if replay is None:
            raise
        return replay, True
    return assertion, False


def _replay(scoped: str, request_hash: str, store: Store) -> Assertion | None:
    record = store.get_idempotency(scoped)
    if record is None:
        return None
    if record.request_hash != request_hash:
        raise Conflict(
            "this Idempotency-Key was used with a different request", field="Idempotency-Key"
        )
    return store.get_assertion(record.assertion_id)


def get_owned_assertion(principal: Principal, assertion_id: str, store: Store) -> Assertion:
    assertion = store.get_assertion(assertion_id)
    if assertion is None:
        raise NotFound("no assertion with this id", field="assertionId")
    require_issuer(principal, assertion.issuer_id)
    return assertion


def list_assertions(
    principal: Principal, badge_id: str, limit: int, cursor: str | None, store: Store
) -> Page:
    get_owned_badge(principal, badge_id, store)
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}", field="limit")
    return store.list_assertions(badge_id, limit, cursor)


def revoke(
    principal: Principal,
    assertion_id: str,
    data: RevokeInput,
    store: Store,
    key_service: KeyService,
    urls: PublicUrls,
    clock: Clock,
) -> Assertion:
    """Revokes everywhere at once: hosted assertion, OB 2.0 list, OB 3.0 status list.

    The re-signed status list and the assertion are stored in one transaction, so no verifier
    ever sees one without the other. Revoking twice is harmless: the first reason stands.
    """
    assertion = get_owned_assertion(principal, assertion_id, store)
    for _ in range(5):
        if assertion.revoked:
            return assertion
        revoked = assertion.model_copy(
            update={"revoked": True, "revocation_reason": data.reason, "revoked_at": clock.now()}
        )
        try:
            store.revoke(revoked, _revoked_status(assertion, store, key_service, urls, clock))
        except ConcurrentUpdate:
            assertion = get_owned_assertion(principal, assertion_id, store)
            continue
        return revoked
    raise ServiceUnavailable("the status list is busy; please retry")


def _revoked_status(
    assertion: Assertion, store: Store, key_service: KeyService, urls: PublicUrls, clock: Clock
) -> StatusList | None:
    if assertion.status_list is None or assertion.status_index is None:
        return None
    current = store.get_status_list(assertion.issuer_id, assertion.status_list)
    if current is None:
        raise ServiceUnavailable("the status list is missing; please retry")
    revoked = current.revoked | {assertion.status_index}
    credential = signed_list(
        assertion.issuer_id,
        current.number,
        revoked,
        load_keys(assertion.issuer_id, store),
        urls,
        key_service,
        clock,
    )
    return StatusList(assertion.issuer_id, current.number, revoked, current.version + 1, credential)
