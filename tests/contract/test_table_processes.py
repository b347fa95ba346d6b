"""The table core's contract across processes: what a pool of handler processes relies on.

Workers are spawned (a fresh interpreter each, as a process pool starts them) and open the
table themselves from a picklable opener; a barrier lines them up so they really race.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.synchronize import Barrier
from typing import Any

from badgehub.adapters.tables.core import Absent, ConditionFailed, Equals, Put, Table

SPAWN = multiprocessing.get_context("spawn")
TIMEOUT = 120
COUNTER = ("COUNTER#1", "COUNTER")


def _race(opener: Callable[[], Table], keys: list[str], me: str, start: Barrier, out: Any) -> None:
    table = opener()
    start.wait(TIMEOUT)
    won = []
    for key in keys:
        try:
            table.put({"PK": key, "SK": "S", "owner": me}, Absent())
            won.append(key)
        except ConditionFailed:
            pass
    out.put((me, won))


def _increment(opener: Callable[[], Table], times: int, start: Barrier) -> None:
    """Read, add one, write back only if nobody wrote meanwhile; retry when somebody did."""
    table = opener()
    start.wait(TIMEOUT)
    for n in range(times):
        while True:
            current = table.get(*COUNTER)
            assert current is not None
            version = int(current["version"])
            new = {**current, "version": version + 1, "count": int(current["count"]) + 1}
            try:
                if n % 2:  # both paths: a conditional put and a one-write transaction
                    table.transact([Put(new, Equals("version", version))])
                else:
                    table.put(new, Equals("version", version))
                break
            except ConditionFailed:
                continue


def _run(target: Callable[..., None], argument_sets: list[tuple[Any, ...]]) -> None:
    workers = [SPAWN.Process(target=target, args=args) for args in argument_sets]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(TIMEOUT)
    assert [w.exitcode for w in workers] == [0] * len(workers)


def test_two_processes_creating_the_same_items_one_wins_each(
    shared_table: Callable[[], Table],
) -> None:
    keys = [f"RACE#{n}" for n in range(40)]
    start = SPAWN.Barrier(2)
    out = SPAWN.Queue()
    workers = [
        SPAWN.Process(target=_race, args=(shared_table, keys, me, start, out)) for me in "ab"
    ]
    for worker in workers:
        worker.start()
    won = dict(out.get(timeout=TIMEOUT) for _ in workers)  # drain before joining
    for worker in workers:
        worker.join(TIMEOUT)
    assert [w.exitcode for w in workers] == [0, 0]
    assert set(won["a"]).isdisjoint(won["b"])
    assert sorted(won["a"] + won["b"]) == sorted(keys)
    table = shared_table()
    for me, keys_won in won.items():
        assert all((table.get(key, "S") or {}).get("owner") == me for key in keys_won)


def test_concurrent_read_modify_writes_lose_no_update(shared_table: Callable[[], Table]) -> None:
    processes, times = 4, 40
    shared_table().put({"PK": COUNTER[0], "SK": COUNTER[1], "version": 0, "count": 0})
    start = SPAWN.Barrier(processes)
    _run(_increment, [(shared_table, times, start)] * processes)
    final = shared_table().get(*COUNTER)
    assert final is not None
    assert final["count"] == processes * times
    assert final["version"] == processes * times
