"""The table core on SQLite: the local platform's durable `Table`, shared by threads and processes.

One file holds every item. Each thread has its own connection, each process its own set, and
SQLite's locks on the file order the writers, so a pool of handler processes can share it:

- WAL journal: readers never wait for the writer, and a crash (even `kill -9` mid-commit)
  leaves the file intact; an interrupted transaction simply never happened.
- `synchronous=FULL` (the default): every commit is on disk before the caller hears of it, so
  a 201 the platform answered survives a power cut too, not only a killed process. It costs
  one fsync per write transaction, a few milliseconds on a local disk. `NORMAL` (chosen with
  `python -m devplatform --sync normal`) keeps the file intact and every commit through any
  crash of the platform itself, `kill -9` included, but may forget the last commits after an
  OS crash or a power cut: badges a client was told exist. It saves an fsync per commit,
  which matters little where commits are few (a batch message's rows commit together).
- `transact_each` (a batch message's rows) commits many transactions at once, each in its
  own savepoint: one fsync for all of them, and the write lock is taken only once they are
  built (signing happens before, so the other workers are not kept waiting meanwhile).
- Conditional writes take the write lock first (`BEGIN IMMEDIATE`), read the items they touch,
  evaluate the conditions with `core.holds` and write or roll back: nothing can slip in
  between the check and the write, in this process or another.
- Queries are one index seek each (the primary key or the GSI1 index, both bounds on the
  range), ordered as DynamoDB orders them, so a page costs the same however big the table is.

SQLite failures (a lock held beyond the busy timeout, a full disk, an I/O error) become
`ServiceUnavailable`, as DynamoDB's throttling does: nothing was stored, the caller may retry.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from badgehub.adapters.tables.core import (
    Add,
    Check,
    Condition,
    ConditionFailed,
    Delete,
    Index,
    Item,
    Put,
    QueryPage,
    Value,
    Write,
    added,
    check_transaction,
    holds,
    key_of,
    page_key,
)
from badgehub.domain.errors import ServiceUnavailable

T = TypeVar("T")
Row = tuple[str, str, str | None, str | None, str]
log = logging.getLogger(__name__)
SYNCHRONOUS = ("FULL", "NORMAL")  # the durability modes offered (see the module docstring)
UNAVAILABLE = "the database is unavailable; nothing was stored, please retry"

# A rowid table (not WITHOUT ROWID): items carry signed documents of several kilobytes, and
# SQLite keeps large rows best out of the key's b-tree. Only items with both GSI1 keys are in
# the (partial) index, as in DynamoDB's sparse indexes.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    pk TEXT NOT NULL,
    sk TEXT NOT NULL,
    gsi1pk TEXT,
    gsi1sk TEXT,
    doc TEXT NOT NULL,
    PRIMARY KEY (pk, sk)
);
CREATE INDEX IF NOT EXISTS items_gsi1 ON items (gsi1pk, gsi1sk, pk, sk)
    WHERE gsi1pk IS NOT NULL;
"""
_SELECT = "SELECT pk, sk, gsi1pk, gsi1sk, doc FROM items"
_UPSERT = (
    "INSERT INTO items (pk, sk, gsi1pk, gsi1sk, doc) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (pk, sk) DO UPDATE "
    "SET gsi1pk = excluded.gsi1pk, gsi1sk = excluded.gsi1sk, doc = excluded.doc"
)
_KEY_COLUMNS = ("PK", "SK")
_INDEX_COLUMNS = ("GSI1PK", "GSI1SK")


class SqliteTable:
    """Implements `Table` on one SQLite file (created on first use)."""

    def __init__(
        self, path: Path | str, *, busy_timeout: float = 5.0, synchronous: str = "FULL"
    ) -> None:
        if synchronous not in SYNCHRONOUS:
            raise ValueError(f"synchronous must be one of {', '.join(SYNCHRONOUS)}")
        self.path = Path(path)
        self._busy_timeout = busy_timeout
        self._synchronous = synchronous
        self._local = threading.local()
        with _errors("Open"):
            self._create()

    def _create(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = self._connection()
        # WAL is a property of the file: set once, every later connection (any process) uses it.
        mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"cannot use a WAL journal here (got {mode})")
        connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute("COMMIT")
        except BaseException:
            _rollback(connection)
            raise

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection; a forked child opens its own and leaves the parent's be
        (SQLite connections must not cross a fork, and closing one there could drop the
        parent's locks)."""
        held: tuple[int, sqlite3.Connection] | None = getattr(self._local, "held", None)
        if held is not None and held[0] == os.getpid():
            return held[1]
        # isolation_level=None: the module never opens transactions on its own; we say when.
        connection = sqlite3.connect(self.path, timeout=self._busy_timeout, isolation_level=None)
        connection.execute(f"PRAGMA synchronous = {self._synchronous}")  # one of SYNCHRONOUS
        self._local.held = (os.getpid(), connection)
        return connection

    def close(self) -> None:
        """Closes this thread's connection (the next call opens a new one)."""
        held: tuple[int, sqlite3.Connection] | None = getattr(self._local, "held", None)
        self._local.held = None
        if held is not None and held[0] == os.getpid():
            held[1].close()

    def get(self, pk: str, sk: str) -> Item | None:
        with _errors("GetItem"):
            return _read(self._connection(), pk, sk)

    def put(self, item: Item, condition: Condition | None = None) -> None:
        self._atomically("PutItem", lambda c: _apply(c, [Put(item, condition)]))

    def delete(self, pk: str, sk: str, condition: Condition | None = None) -> None:
        self._atomically("DeleteItem", lambda c: _apply(c, [Delete(pk, sk, condition)]))

    def add(self, pk: str, sk: str, deltas: dict[str, int]) -> None:
        write = Add(pk, sk, tuple(deltas.items()))
        self._atomically("UpdateItem", lambda c: _apply(c, [write]))

    def transact(self, writes: Sequence[Write]) -> None:
        check_transaction(writes)
        self._atomically("TransactWriteItems", lambda c: _apply(c, writes))

    def transact_each(
        self, transactions: Sequence[Sequence[Write]]
    ) -> list[ConditionFailed | None]:
        """One write transaction for all of them, each inside its own savepoint: a condition
        that fails rolls back that one only, and the rest commit together, with one fsync."""
        for writes in transactions:
            check_transaction(writes)

        def each(connection: sqlite3.Connection) -> list[ConditionFailed | None]:
            answers: list[ConditionFailed | None] = []
            for writes in transactions:
                connection.execute("SAVEPOINT one")
                try:
                    _apply(connection, writes)
                except ConditionFailed as failed:
                    connection.execute("ROLLBACK TO one")
                    answers.append(failed)
                else:
                    answers.append(None)
                connection.execute("RELEASE one")
            return answers

        return self._atomically("TransactWriteItems", each)

    def _atomically(self, operation: str, body: Callable[[sqlite3.Connection], T]) -> T:
        with _errors(operation):
            connection = self._connection()
            # IMMEDIATE takes the write lock now (waiting up to the busy timeout): the items
            # read for the conditions cannot change before the writes land.
            connection.execute("BEGIN IMMEDIATE")
            try:
                result = body(connection)
                connection.execute("COMMIT")
            except BaseException:
                _rollback(connection)
                raise
            return result

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
        sql, parameters = select_page(
            partition, prefix=prefix, index=index, limit=limit, after=after, descending=descending
        )
        with _errors("Query"):
            rows = self._connection().execute(sql, parameters).fetchall()
        items = [_item(row) for row in rows]
        # One row more than asked for tells whether another page exists, so the last page
        # never hands out a key to an empty one.
        if limit is None or len(items) <= limit:
            return QueryPage(items)
        return QueryPage(items[:limit], page_key(items[limit - 1], index))


def select_page(
    partition: str,
    *,
    prefix: str = "",
    index: Index | None = None,
    limit: int | None = None,
    after: dict[str, str] | None = None,
    descending: bool = False,
) -> tuple[str, list[str | int]]:
    """The one SELECT a query page runs: an equality on the partition and a single range.

    The range has both ends in the index, so SQLite seeks to the first row and stops at the
    last: where a page starts `after` a key, that key replaces the prefix's bound on its side
    (whichever is tighter) rather than being filtered row by row.
    """
    if limit is not None and limit < 1:
        raise ValueError("limit must be at least 1")
    order: tuple[str, ...]
    position: tuple[str, ...] | None
    if index is None:
        partition_column, order = "pk", ("sk",)
        position = (after["SK"],) if after else None
    else:
        partition_column, order = "gsi1pk", ("gsi1sk", "pk", "sk")
        position = (after["GSI1SK"], after["PK"], after["SK"]) if after else None
    lead = order[0]
    low = prefix or None
    high = prefix_end(prefix) if prefix else None
    where = [f"{partition_column} = ?"]
    parameters: list[str | int] = [partition]
    row = "(" + ", ".join(order) + ")"
    marks = "(" + ", ".join("?" for _ in order) + ")"
    if descending:
        if position is not None and (high is None or position[0] < high):
            where.append(f"{row} < {marks}")
            parameters += position
        elif high is not None:
            where.append(f"{lead} < ?")
            parameters.append(high)
        if low is not None:
            where.append(f"{lead} >= ?")
            parameters.append(low)
    else:
        if position is not None and (low is None or position[0] >= low):
            where.append(f"{row} > {marks}")
            parameters += position
        elif low is not None:
            where.append(f"{lead} >= ?")
            parameters.append(low)
        if high is not None:
            where.append(f"{lead} < ?")
            parameters.append(high)
    direction = "DESC" if descending else "ASC"
    # Only column names and placeholders are spliced in, all of them constants here.
    sql = (
        f"{_SELECT} WHERE {' AND '.join(where)} "
        f"ORDER BY {', '.join(f'{column} {direction}' for column in order)}"
    )
    if limit is not None:
        sql += " LIMIT ?"
        parameters.append(limit + 1)
    return sql, parameters


def prefix_end(prefix: str) -> str | None:
    """The least string above every string that starts with `prefix` (None: there is none).

    SQLite compares TEXT as UTF-8 bytes, which is code-point order, as DynamoDB and Python
    do; so the bound is the prefix with its last code point raised by one (dropping trailing
    U+10FFFF, which cannot be raised, and stepping over the surrogates, which UTF-8 cannot
    hold). Correct for any prefix, unlike appending U+FFFF.
    """
    chars = list(prefix)
    while chars:
        last = ord(chars.pop())
        if last < 0x10FFFF:
            following = 0xE000 if 0xD800 <= last + 1 <= 0xDFFF else last + 1
            return "".join(chars) + chr(following)
    return None


def _apply(connection: sqlite3.Connection, writes: Sequence[Write]) -> None:
    """Inside the write transaction: every condition first, then every write, or none."""
    failed = [
        position
        for position, write in enumerate(writes)
        if write.condition is not None
        and not holds(write.condition, _read(connection, *key_of(write)))
    ]
    if failed:
        raise ConditionFailed(failed)
    for write in writes:
        if isinstance(write, Put):
            connection.execute(_UPSERT, _row(write.item))
        elif isinstance(write, Delete):
            connection.execute("DELETE FROM items WHERE pk = ? AND sk = ?", key_of(write))
        elif isinstance(write, Add):
            connection.execute(_UPSERT, _row(added(_read(connection, *key_of(write)), write)))
        else:
            assert isinstance(write, Check)


def _read(connection: sqlite3.Connection, pk: str, sk: str) -> Item | None:
    found = connection.execute(_SELECT + " WHERE pk = ? AND sk = ?", (pk, sk)).fetchone()
    return _item(found) if found else None


def _row(item: Item) -> Row:
    """Key columns, index columns (only when both GSI1 keys are strings), the rest as JSON.

    JSON keeps str, int and bool apart (`true` is not `1`), so types come back exactly.
    """
    pk, sk = str(item["PK"]), str(item["SK"])
    rest = {name: value for name, value in item.items() if name not in _KEY_COLUMNS}
    index_pk, index_sk = rest.get("GSI1PK"), rest.get("GSI1SK")
    if isinstance(index_pk, str) and isinstance(index_sk, str):
        del rest["GSI1PK"], rest["GSI1SK"]
        indexed: tuple[str | None, str | None] = (index_pk, index_sk)
    else:
        indexed = (None, None)
    doc = json.dumps(rest, ensure_ascii=False, separators=(",", ":"))
    return pk, sk, *indexed, doc


def _item(row: Row) -> Item:
    pk, sk, index_pk, index_sk, doc = row
    rest: dict[str, Value] = json.loads(doc)
    found: Item = {"PK": pk, "SK": sk, **rest}
    if index_pk is not None and index_sk is not None:
        found.update(zip(_INDEX_COLUMNS, (index_pk, index_sk), strict=True))
    return found


def _rollback(connection: sqlite3.Connection) -> None:
    """Undo what the transaction wrote; SQLite may already have rolled back (a full disk)."""
    if connection.in_transaction:
        try:
            connection.execute("ROLLBACK")
        except sqlite3.Error:
            log.warning("rollback failed", extra={"dependency": "sqlite"})


@contextmanager
def _errors(operation: str) -> Iterator[None]:
    """SQLite's failures as the domain's: a bug (bad SQL, a closed connection) stays a bug."""
    try:
        yield
    except sqlite3.ProgrammingError:
        raise
    except sqlite3.Error as exc:
        code = getattr(exc, "sqlite_errorname", None) or type(exc).__name__
        log.warning(
            "dependency failed",
            extra={"dependency": "sqlite", "operation": operation, "code": code},
        )
        raise ServiceUnavailable(UNAVAILABLE) from exc
