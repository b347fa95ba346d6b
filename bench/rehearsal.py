"""A graduation rehearsal on the running local platform: 10,000 badges, each with an
Idempotency-Key, as a registry portal sends them. Prints the time per badge and the memory
of the whole platform (front, workers, emulator) per thousand, and the two ratios the
embedded platform promises: RSS after 10,000 <= 1.5x RSS after 1,000, and the last thousand's
time per badge <= 1.2x the first's.

    python -m bench.rehearsal [--badges 10000] [--clients 4]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

from devplatform.process import running_platform


def rss_mib(pids: list[int]) -> float:
    """Resident memory of the given processes, from /proc (Linux)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return total / 1024


def platform_pids(info: dict[str, Any]) -> list[int]:
    """The front and every process under it (workers started on demand included)."""
    found, todo = [], [int(info["pid"])]
    while todo:
        pid = todo.pop()
        found.append(pid)
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except (FileNotFoundError, ProcessLookupError):
                continue
    return sorted(set(found))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--badges", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    with running_platform(timeout=120) as info:
        demo = info["demo"]
        url = f"{info['base_url']}/v1/badges/{demo['badge']['id']}/assertions"
        session = requests.Session()
        session.verify = info["ca_file"]
        session.headers["Authorization"] = f"Bearer {demo['api_key']}"
        run = uuid.uuid4().hex[:8]

        def issue(n: int) -> float:
            started = time.perf_counter()
            reply = session.post(
                url,
                json={"recipient": {"email": f"grad{n}@example.org"}, "notify": False},
                headers={"Idempotency-Key": f"rehearsal-{run}-{n}"},
                verify=info["ca_file"],
                timeout=60,
            )
            reply.raise_for_status()
            return time.perf_counter() - started

        per_thousand: list[tuple[float, float]] = []
        with ThreadPoolExecutor(args.clients) as pool:
            for start in range(0, args.badges, 1000):
                began = time.perf_counter()
                list(pool.map(issue, range(start, min(start + 1000, args.badges))))
                wall = time.perf_counter() - began
                count = min(1000, args.badges - start)
                per_thousand.append((wall / count * 1000, rss_mib(platform_pids(info))))
                print(
                    f"{start + count:>6} badges: {per_thousand[-1][0]:6.1f} ms/badge (wall),"
                    f" platform RSS {per_thousand[-1][1]:7.1f} MiB",
                    flush=True,
                )
    first_ms, first_rss = per_thousand[0]
    last_ms, last_rss = per_thousand[-1]
    print(
        f"\nper badge: first 1,000 {first_ms:.1f} ms, last 1,000 {last_ms:.1f} ms"
        f" -> {last_ms / first_ms:.2f}x (budget 1.2x)"
    )
    print(
        f"RSS: after 1,000 {first_rss:.0f} MiB, after {args.badges:,} {last_rss:.0f} MiB"
        f" -> {last_rss / first_rss:.2f}x (budget 1.5x)"
    )
    print(f"median ms/badge over the run: {statistics.median(m for m, _ in per_thousand):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
