"""Bulk issues: the batch record, its counters (atomic adds) and each row's single outcome."""

from __future__ import annotations

from collections.abc import Sequence

from ...domain.batches import Batch, BatchStatus, Counts, RowError, RowOutcome, Settled
from ...domain.events import Event
from ...ports import ConcurrentUpdate
from . import keyscheme
from .core import Absent, Add, ConditionFailed, Equals, Item, Put, Table, Write
from .outbox import event_put
from .records import item, load

CHUNK = 100  # writes per transaction (DynamoDB's limit)


def _batch_item(batch: Batch) -> Item:
    return item(keyscheme.batch(batch.id), batch, status=batch.status.value)


def _error_item(batch_id: str, error: RowError) -> Item:
    pk, sk = keyscheme.batch_error(batch_id, error.row)
    return {"PK": pk, "SK": sk, "field": error.field, "message": error.message}


class TableBatches:
    """Implements `BatchStore`."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def create_batch(self, batch: Batch, errors: Sequence[RowError]) -> None:
        pk, sk = keyscheme.batch_counts(batch.id)
        first: list[Write] = [
            Put(_batch_item(batch), Absent()),
            Put({"PK": pk, "SK": sk, "issued": 0, "skipped": 0, "failed": 0}, Absent()),
        ]
        self._table.transact(first)
        self.add_errors(batch.id, errors)

    def add_errors(self, batch_id: str, errors: Sequence[RowError]) -> None:
        """Each chunk's errors and their count land together; a chunk written twice (a
        retried start) fails its `Absent` conditions and is not counted twice."""
        pk, sk = keyscheme.batch_counts(batch_id)
        for start in range(0, len(errors), CHUNK - 1):
            chunk = errors[start : start + CHUNK - 1]
            writes: list[Write] = [Put(_error_item(batch_id, e), Absent()) for e in chunk]
            writes.append(Add(pk, sk, (("failed", len(chunk)),)))
            try:
                self._table.transact(writes)
            except ConditionFailed:
                continue

    def get_batch(self, batch_id: str) -> Batch | None:
        return load(Batch, self._table.get(*keyscheme.batch(batch_id)))

    def counts(self, batch_id: str) -> Counts:
        found = self._table.get(*keyscheme.batch_counts(batch_id)) or {}
        return Counts(
            issued=int(found.get("issued", 0)),
            skipped=int(found.get("skipped", 0)),
            failed=int(found.get("failed", 0)),
        )

    def outcome(self, batch_id: str, row: int) -> RowOutcome | None:
        found = self._table.get(*keyscheme.batch_row(batch_id, row))
        return RowOutcome(str(found["outcome"])) if found else None

    def save_batch(self, batch: Batch, expected: BatchStatus) -> None:
        self._table.put(_batch_item(batch), Equals("status", expected.value))

    def settle_rows(self, batch_id: str, settled: Sequence[Settled]) -> int:
        if not settled:
            return 0
        try:
            self._table.transact(self._settle_writes(batch_id, settled))
        except ConditionFailed:
            # A row was settled meanwhile (a duplicate delivery): settle the rest one by one.
            return sum(self._settle_one(batch_id, s) for s in settled)
        return len(settled)

    def _settle_one(self, batch_id: str, one: Settled) -> int:
        try:
            self._table.transact(self._settle_writes(batch_id, [one]))
        except ConditionFailed as exc:
            if 0 in exc.failed:
                return 0
            raise
        return 1

    def _settle_writes(self, batch_id: str, settled: Sequence[Settled]) -> list[Write]:
        writes: list[Write] = []
        for one in settled:
            pk, sk = keyscheme.batch_row(batch_id, one.row)
            writes.append(Put({"PK": pk, "SK": sk, "outcome": one.outcome.value}, Absent()))
        counts_pk, counts_sk = keyscheme.batch_counts(batch_id)
        added: dict[str, int] = {}
        for one in settled:
            added[one.outcome.value] = added.get(one.outcome.value, 0) + 1
        writes.append(Add(counts_pk, counts_sk, tuple(added.items())))
        writes += [Put(_error_item(batch_id, s.error)) for s in settled if s.error is not None]
        return writes

    def complete(self, batch: Batch, events: Sequence[Event]) -> bool:
        writes: list[Write] = [Put(_batch_item(batch), Equals("status", BatchStatus.ISSUING.value))]
        writes += [event_put(event) for event in events]
        try:
            self._table.transact(writes)
        except ConcurrentUpdate:
            return False
        return True

    def errors(self, batch_id: str) -> list[RowError]:
        partition, _ = keyscheme.batch(batch_id)
        found = self._table.query(partition, prefix=keyscheme.BATCH_ERROR_PREFIX).items
        return [
            RowError(
                int(str(i["SK"]).removeprefix(keyscheme.BATCH_ERROR_PREFIX)),
                str(i["field"]),
                str(i["message"]),
            )
            for i in found
        ]
