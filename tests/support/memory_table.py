"""An in-memory `Table`: the fake every fast use-case test runs on, held to the contract suite."""

from __future__ import annotations

import copy
import threading
from collections.abc import Sequence

from badgehub.adapters.tables.core import (
    MAX_TRANSACTION,
    Add,
    Check,
    Condition,
    ConditionFailed,
    Delete,
    Index,
    Item,
    Put,
    QueryPage,
    Write,
    added,
    check_transaction,
    holds,
    index_keys,
    key_of,
    one_by_one,
    page_key,
)

__all__ = ["MAX_TRANSACTION", "MemoryTable"]


class MemoryTable:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], Item] = {}
        self._lock = threading.Lock()

    def get(self, pk: str, sk: str) -> Item | None:
        found = self.items.get((pk, sk))
        return copy.deepcopy(found) if found else None

    def put(self, item: Item, condition: Condition | None = None) -> None:
        with self._lock:
            key = (str(item["PK"]), str(item["SK"]))
            if not holds(condition, self.items.get(key)):
                raise ConditionFailed((0,))
            self.items[key] = copy.deepcopy(item)

    def delete(self, pk: str, sk: str, condition: Condition | None = None) -> None:
        with self._lock:
            if not holds(condition, self.items.get((pk, sk))):
                raise ConditionFailed((0,))
            self.items.pop((pk, sk), None)

    def add(self, pk: str, sk: str, deltas: dict[str, int]) -> None:
        self.transact([Add(pk, sk, tuple(deltas.items()))])

    def transact(self, writes: Sequence[Write]) -> None:
        check_transaction(writes)
        with self._lock:
            failed = [
                i
                for i, write in enumerate(writes)
                if not holds(write.condition, self.items.get(key_of(write)))
            ]
            if failed:
                raise ConditionFailed(failed)
            for write in writes:
                if isinstance(write, Put):
                    self.items[key_of(write)] = copy.deepcopy(write.item)
                elif isinstance(write, Delete):
                    self.items.pop(key_of(write), None)
                elif isinstance(write, Add):
                    self.items[key_of(write)] = added(self.items.get(key_of(write)), write)
                else:
                    assert isinstance(write, Check)

    def transact_each(
        self, transactions: Sequence[Sequence[Write]]
    ) -> list[ConditionFailed | None]:
        return one_by_one(self.transact, transactions)

    def query(
        self,
        partition: str,
        *,
        prefix: str = "",
        index: Index | None = None,
        limit: int | None = None,
        after: dict[str, str] | None = None,
        descending: bool = False,
    ) -> QueryPage:
        pk_name, sk_name = index_keys(index)
        with self._lock:
            matching = [
                item
                for item in self.items.values()
                if item.get(pk_name) == partition
                and str(item.get(sk_name, "")).startswith(prefix)
                and sk_name in item
            ]
        # DynamoDB orders an index by its sort key, then by the table key.
        matching.sort(
            key=lambda i: (str(i[sk_name]), str(i["PK"]), str(i["SK"])), reverse=descending
        )
        if after is not None:
            position = (after[sk_name], after["PK"], after["SK"])
            matching = [
                i
                for i in matching
                if ((str(i[sk_name]), str(i["PK"]), str(i["SK"])) < position) == descending
                and (str(i[sk_name]), str(i["PK"]), str(i["SK"])) != position
            ]
        if limit is None or len(matching) <= limit:
            return QueryPage([copy.deepcopy(i) for i in matching])
        page = matching[:limit]
        return QueryPage([copy.deepcopy(i) for i in page], page_key(page[-1], index))
