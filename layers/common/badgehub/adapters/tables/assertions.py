"""Assertions, their idempotency records and revocation (with the status list, atomically)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from ...domain.events import Event
from ...domain.models import Assertion
from ...domain.recipients import RecipientEntry
from ...ports import IdempotencyKeyTaken, IdempotencyRecord, NewAssertion, Page, StatusList
from . import keyscheme
from .core import Absent, Add, All, ConditionFailed, Equals, Exists, Item, Put, Table, Write
from .cursors import Cursors
from .outbox import event_put
from .recipients import new_entry_put
from .records import item, load
from .statuslists import versioned_status_put

IDEMPOTENCY_TTL_SECONDS = 24 * 3600


def awarded_add(assertion: Assertion, delta: int) -> Add:
    """The badge's awarded count moves with the assertion, in the same transaction."""
    key = keyscheme.awarded(assertion.issuer_id, assertion.badge_id, assertion.id)
    return Add(*key, (("awarded", delta),))


def assertion_item(assertion: Assertion) -> Item:
    return item(
        keyscheme.assertion(assertion.id),
        assertion,
        GSI1PK=keyscheme.assertions_of_badge(assertion.badge_id),
        GSI1SK=keyscheme.assertion_in_badge(assertion.created_at.isoformat(), assertion.id),
        revoked=assertion.revoked,
    )


def _creation(new: NewAssertion) -> list[Write]:
    """The one transaction that stores an assertion and everything that goes with it."""
    writes: list[Write] = [Put(assertion_item(new.assertion), Absent())]
    if new.idempotency is not None:
        scoped, record = new.idempotency
        pk, sk = keyscheme.idempotency(scoped)
        marker: Item = {
            "PK": pk,
            "SK": sk,
            "request_hash": record.request_hash,
            "assertion_id": record.assertion_id,
        }
        if not record.permanent:
            marker["expires_at"] = int(time.time()) + IDEMPOTENCY_TTL_SECONDS
        writes.append(Put(marker, Absent()))
    writes += [event_put(event) for event in new.events]
    if new.entry is not None:
        writes.append(new_entry_put(new.entry))
    writes.append(awarded_add(new.assertion, 1))
    return writes


def _taken(new: NewAssertion, failed: ConditionFailed) -> IdempotencyKeyTaken:
    """The idempotency record's condition failed: another request won the key. Any other
    failed condition (an assertion id taken: a UUID collision) is raised as it is."""
    if new.idempotency is not None and 1 in failed.failed:
        return IdempotencyKeyTaken(new.idempotency[0])
    raise failed


class TableAssertions:
    """Implements `AssertionStore`."""

    def __init__(self, table: Table, cursors: Cursors) -> None:
        self._table = table
        self._cursors = cursors

    def create_assertion(
        self,
        assertion: Assertion,
        idempotency: tuple[str, IdempotencyRecord] | None,
        events: Sequence[Event] = (),
        entry: RecipientEntry | None = None,
    ) -> None:
        new = NewAssertion(assertion, idempotency, events, entry)
        try:
            self._table.transact(_creation(new))
        except ConditionFailed as exc:
            raise _taken(new, exc) from exc

    def create_assertions(self, new: Sequence[NewAssertion]) -> list[IdempotencyKeyTaken | None]:
        answers = self._table.transact_each([_creation(one) for one in new])
        return [
            None if failed is None else _taken(one, failed)
            for one, failed in zip(new, answers, strict=True)
        ]

    def get_idempotency(self, scoped_key: str) -> IdempotencyRecord | None:
        found = self._table.get(*keyscheme.idempotency(scoped_key))
        if not found:
            return None
        return IdempotencyRecord(
            str(found["request_hash"]), str(found["assertion_id"]), "expires_at" not in found
        )

    def get_assertion(self, assertion_id: str) -> Assertion | None:
        return load(Assertion, self._table.get(*keyscheme.assertion(assertion_id)))

    def list_assertions(self, badge_id: str, limit: int, cursor: str | None) -> Page:
        partition = keyscheme.assertions_of_badge(badge_id)
        after = self._cursors.decode(partition, cursor) if cursor else None
        page = self._table.query(
            partition,
            prefix=keyscheme.ASSERTION_IN_BADGE_PREFIX,
            index="GSI1",
            limit=limit,
            after=after,
        )
        items = [a for a in (load(Assertion, i) for i in page.items) if a]
        next_cursor = self._cursors.encode(partition, page.last_key) if page.last_key else None
        return Page(items, next_cursor)

    def revoke(
        self, assertion: Assertion, status: StatusList | None, events: Sequence[Event] = ()
    ) -> None:
        pk, sk = keyscheme.revoked(assertion.issuer_id, assertion.id)
        writes: list[Write] = [
            Put(assertion_item(assertion), All((Exists(), Equals("revoked", False)))),
            Put({"PK": pk, "SK": sk, "reason": assertion.revocation_reason or ""}),
        ]
        if status is not None:
            writes.append(versioned_status_put(status))
        writes += [event_put(event) for event in events]
        writes.append(awarded_add(assertion, -1))
        self._table.transact(writes)
