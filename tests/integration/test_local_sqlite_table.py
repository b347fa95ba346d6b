"""What the SQLite table promises beyond the shared contract: durability, failures, cost."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from badgehub.adapters.tables.core import Absent, Put
from badgehub.domain.errors import ServiceUnavailable
from devplatform.local.sqlite_table import SqliteTable, prefix_end, select_page


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "table.sqlite3"


def test_items_are_there_for_the_next_process_that_opens_the_file(path: Path) -> None:
    first = SqliteTable(path)
    first.put({"PK": "ISSUER#1", "SK": "ISSUER", "name": "Uni", "key_count": 3})
    first.close()
    assert SqliteTable(path).get("ISSUER#1", "ISSUER") == {
        "PK": "ISSUER#1",
        "SK": "ISSUER",
        "name": "Uni",
        "key_count": 3,
    }


def test_the_file_is_a_wal_database_and_commits_are_synced(path: Path) -> None:
    table = SqliteTable(path)
    table.put({"PK": "A", "SK": "A"})
    with sqlite3.connect(path) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    connection = table._connection()  # the table's own setting, per connection
    assert connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_a_write_lock_held_past_the_busy_timeout_is_service_unavailable(path: Path) -> None:
    table = SqliteTable(path, busy_timeout=0.05)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(ServiceUnavailable):
            table.put({"PK": "A", "SK": "A"}, Absent())
        with pytest.raises(ServiceUnavailable):
            table.transact([Put({"PK": "B", "SK": "B"})])
    finally:
        holder.execute("ROLLBACK")
    assert table.get("A", "A") is None
    table.put({"PK": "A", "SK": "A"}, Absent())  # the same connection works afterwards


def test_a_full_disk_is_service_unavailable_and_stores_nothing(path: Path) -> None:
    table = SqliteTable(path)
    table.put({"PK": "A", "SK": "A"})
    pages = table._connection().execute("PRAGMA page_count").fetchone()[0]
    table._connection().execute(f"PRAGMA max_page_count = {pages + 1}")  # a disk that is full
    big = [Put({"PK": f"BIG#{n}", "SK": "S", "doc": "x" * 50_000}) for n in range(5)]
    with pytest.raises(ServiceUnavailable):
        table.transact(big)
    assert table.get("BIG#0", "S") is None
    assert table.get("A", "A") == {"PK": "A", "SK": "A"}


def _write_until_killed(path: Path, done: Connection) -> None:
    table = SqliteTable(path)
    n = 0
    while True:
        table.put({"PK": f"ITEM#{n}", "SK": "S", "doc": "x" * 3000}, Absent())
        done.send(n)  # told only after the commit returned
        n += 1


def test_kill_9_mid_write_loses_nothing_committed_and_corrupts_nothing(path: Path) -> None:
    SqliteTable(path)
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    writer = context.Process(target=_write_until_killed, args=(path, sender))
    writer.start()
    committed = -1
    while committed < 40:
        committed = receiver.recv()
    assert writer.pid is not None
    os.kill(writer.pid, signal.SIGKILL)
    writer.join(30)
    while receiver.poll():
        committed = receiver.recv()
    with sqlite3.connect(path) as check:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    table = SqliteTable(path)
    assert all(table.get(f"ITEM#{n}", "S") is not None for n in range(committed + 1))


def test_a_forked_child_opens_its_own_connection(path: Path) -> None:
    table = SqliteTable(path)
    table.get("A", "A")  # the parent's connection is open when the child is forked
    child = multiprocessing.get_context("fork").Process(
        target=table.put, args=({"PK": "CHILD", "SK": "S"},)
    )
    child.start()
    child.join(30)
    assert child.exitcode == 0
    assert table.get("CHILD", "S") == {"PK": "CHILD", "SK": "S"}


SHAPES = [
    {},
    {"prefix": "ASSERTION#"},
    {"prefix": "ASSERTION#", "descending": True},
    {"prefix": "ASSERTION#", "after": True},
    {"prefix": "ASSERTION#", "after": True, "descending": True},
    {"after": True},
]


@pytest.mark.parametrize("index", [None, "GSI1"])
@pytest.mark.parametrize("shape", SHAPES)
def test_every_query_is_one_index_seek_with_no_sort(
    path: Path, index: str | None, shape: dict[str, object]
) -> None:
    SqliteTable(path)
    after = (
        {"PK": "A#1", "SK": "A", "GSI1PK": "B", "GSI1SK": "ASSERTION#1"}
        if "after" in shape
        else None
    )
    sql, parameters = select_page(
        "B",
        prefix=str(shape.get("prefix", "")),
        index="GSI1" if index else None,
        limit=25,
        after=after,
        descending=bool(shape.get("descending")),
    )
    with sqlite3.connect(path) as connection:
        plan = " ".join(
            row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", parameters)
        )
    assert plan.startswith("SEARCH items USING INDEX"), plan
    assert "TEMP B-TREE" not in plan and "SCAN" not in plan, plan


def _steps(path: Path, sql: str, parameters: list[str | int]) -> int:
    """The SQLite virtual-machine steps a statement takes: its cost, whatever the clock says."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    with sqlite3.connect(path) as connection:
        connection.set_progress_handler(count, 1)
        connection.execute(sql, parameters).fetchall()
    return steps


def test_a_page_costs_the_same_near_the_start_and_deep_into_a_big_partition(
    path: Path,
) -> None:
    table = SqliteTable(path)

    def key(n: int) -> dict[str, str]:
        return {"PK": f"A#{n:05d}", "SK": "A", "GSI1PK": "BADGE#1", "GSI1SK": f"ASSERTION#{n:05d}"}

    for batch in range(30):
        table.transact([Put(dict(key(n))) for n in range(batch * 100, batch * 100 + 100)])

    def cost(after: int) -> int:
        page = select_page("BADGE#1", prefix="ASSERTION#", index="GSI1", limit=25, after=key(after))
        return _steps(path, *page)

    near, deep = cost(10), cost(2900)
    assert deep <= near * 1.1, (near, deep)


@given(st.text(max_size=4), st.text(max_size=6))
def test_prefix_end_bounds_exactly_the_strings_with_the_prefix(prefix: str, text: str) -> None:
    end = prefix_end(prefix)
    for candidate in (text, prefix + text):
        inside = prefix <= candidate and (end is None or candidate < end)
        assert inside == candidate.startswith(prefix)


def test_prefix_end_at_the_top_of_unicode() -> None:
    assert prefix_end("a\U0010ffff") == "b"
    assert prefix_end("\U0010ffff") is None
    assert prefix_end("a\ud7ff") == "a\ue000"
    assert prefix_end("KEY#") == "KEY$"
