"""Assertions, their idempotency records and revocation (with the status list, atomically)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from ...domain.events import Event
from ...domain.models import Assertion
from ...domain.recipients import RecipientEntry
from ...ports import IdempotencyKeyTaken, IdempotencyRecord, Page, StatusList
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
        writes: list[Write] = [Put(assertion_item(assertion), Absent())]
        if idempotency is not None:
            scoped, record = idempotency
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
        writes += [event_put(event) for event in events]
        if entry is not None:
            writes.append(new_entry_put(entry))
        writes.append(awarded_add(assertion, 1))
        try:
            self._table.transact(writes)
        except ConditionFailed as exc:
            if idempotency is not None and 1 in exc.failed:
                raise IdempotencyKeyTaken(idempotency[0]) from exc
            raise

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
