"""The table core every store is written against: items, conditions, writes, queries.

Items are plain values (no DynamoDB attribute-value wrapping). Each backend (DynamoDB in AWS,
SQLite on the local platform, a dict in tests) implements `Table` with the same semantics,
held to one contract suite, so the aggregate stores above it run unchanged on all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from ...domain.errors import ConcurrentUpdate

Value = str | int | bool
Item = dict[str, Value]  # always has "PK" and "SK"; "GSI1PK"/"GSI1SK" put it in the GSI1 index
Index = Literal["GSI1"]
MAX_TRANSACTION = 100  # DynamoDB's limit; every backend enforces it so code can't outgrow AWS


@dataclass(frozen=True)
class Absent:
    """No item with this key exists."""


@dataclass(frozen=True)
class Exists:
    """An item with this key exists."""


@dataclass(frozen=True)
class Equals:
    """The item exists and its attribute equals the value."""

    name: str
    value: Value


@dataclass(frozen=True)
class Below:
    """The item exists and its (integer) attribute is absent or below the value (leases)."""

    name: str
    value: int


@dataclass(frozen=True)
class All:
    conditions: tuple[Condition, ...]


Condition = Absent | Exists | Equals | Below | All


@dataclass(frozen=True)
class Put:
    item: Item
    condition: Condition | None = None


@dataclass(frozen=True)
class Delete:
    pk: str
    sk: str
    condition: Condition | None = None


@dataclass(frozen=True)
class Check:
    pk: str
    sk: str
    condition: Condition


@dataclass(frozen=True)
class Add:
    """Adds each delta to its integer attribute atomically (DynamoDB's `ADD`): a missing
    attribute counts from 0 and a missing item is created with just these counters."""

    pk: str
    sk: str
    deltas: tuple[tuple[str, int], ...]
    condition: Condition | None = None


Write = Put | Delete | Check | Add


@dataclass(frozen=True)
class QueryPage:
    items: list[Item]
    last_key: dict[str, str] | None = None


class ConditionFailed(ConcurrentUpdate):
    """A write's condition did not hold; `failed` lists which writes of a transaction failed."""

    def __init__(self, failed: Sequence[int] = ()) -> None:
        super().__init__("a conditional write did not hold")
        self.failed = tuple(failed)


class Table(Protocol):
    def get(self, pk: str, sk: str) -> Item | None:
        """Strongly consistent read."""

    def put(self, item: Item, condition: Condition | None = None) -> None:
        """Raises `ConditionFailed` when the condition does not hold."""

    def delete(self, pk: str, sk: str, condition: Condition | None = None) -> None: ...

    def add(self, pk: str, sk: str, deltas: dict[str, int]) -> None:
        """One `Add` on its own (counters): cheaper than a transaction of one on DynamoDB."""

    def transact(self, writes: Sequence[Write]) -> None:
        """All or nothing; `ConditionFailed(failed=[...])` names the writes whose condition
        did not hold. At most `MAX_TRANSACTION` writes, each on a different item."""

    def transact_each(
        self, transactions: Sequence[Sequence[Write]]
    ) -> list[ConditionFailed | None]:
        """Several transactions, each all or nothing and judged on its own: the answer says,
        in order, which were stored (None) and which were not because a condition did not
        hold (its `ConditionFailed`). A backend may commit them together (the local table
        does: one commit, one fsync, for a batch message's rows). Any other failure raises,
        and then the ones before it may or may not be stored."""

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
        """Items of one partition whose sort key starts with `prefix`, in sort-key order.

        With `limit`, one page and the key to continue `after`; without, every item.
        """


def one_by_one(
    transact: Callable[[Sequence[Write]], None], transactions: Sequence[Sequence[Write]]
) -> list[ConditionFailed | None]:
    """`transact_each` for a backend that stores each transaction on its own (DynamoDB has
    no cheaper way: a TransactWriteItems is 100 writes at most, and fails as a whole)."""
    for writes in transactions:
        check_transaction(writes)  # all refused before any is stored, as on the local table
    answers: list[ConditionFailed | None] = []
    for writes in transactions:
        try:
            transact(writes)
        except ConditionFailed as failed:
            answers.append(failed)
        else:
            answers.append(None)
    return answers


def holds(condition: Condition | None, item: Item | None) -> bool:  # noqa: PLR0911 - one per kind
    """Evaluates a condition against the stored item (None: no item), for in-process backends."""
    match condition:
        case None:
            return True
        case Absent():
            return item is None
        case Exists():
            return item is not None
        case Equals(name, value):
            return (
                item is not None
                and name in item
                and type(item[name]) is type(value)
                and item[name] == value
            )
        case Below(name, value):
            if item is None:
                return False
            current = item.get(name)
            return current is None or (isinstance(current, int) and current < value)
        case All(conditions):
            return all(holds(c, item) for c in conditions)
    raise TypeError(f"unknown condition {condition!r}")


def check_transaction(writes: Sequence[Write]) -> None:
    """The limits DynamoDB enforces, checked by every backend the same way."""
    if not writes:
        raise ValueError("a transaction needs at least one write")
    if len(writes) > MAX_TRANSACTION:
        raise ValueError(f"a transaction holds at most {MAX_TRANSACTION} writes")
    keys = [key_of(w) for w in writes]
    if len(set(keys)) != len(keys):
        raise ValueError("a transaction may touch each item only once")


def added(item: Item | None, write: Add) -> Item:
    """The item after an `Add`, for in-process backends."""
    result: Item = dict(item) if item else {"PK": write.pk, "SK": write.sk}
    for name, delta in write.deltas:
        current = result.get(name, 0)
        if isinstance(current, bool) or not isinstance(current, int):
            raise ValueError(f"{name} is not a number; it cannot be added to")
        result[name] = current + delta
    return result


def key_of(write: Write) -> tuple[str, str]:
    if isinstance(write, Put):
        return str(write.item["PK"]), str(write.item["SK"])
    return write.pk, write.sk


def index_keys(index: Index | None) -> tuple[str, str]:
    return ("PK", "SK") if index is None else (f"{index}PK", f"{index}SK")


def page_key(item: Item, index: Index | None) -> dict[str, str]:
    """The key a query page ends on: the table key, plus the index key when querying one."""
    key = {"PK": str(item["PK"]), "SK": str(item["SK"])}
    if index is not None:
        pk_name, sk_name = index_keys(index)
        key[pk_name] = str(item[pk_name])
        key[sk_name] = str(item[sk_name])
    return key
