"""Bounded API fuzzing of the running local platform: hostile and random requests on every
route of the catalog for a few minutes, with real ids, sampling the platform's memory.

Counts server errors (5xx other than a deliberate 503/504) and prints the RSS of the front and
everything under it at the start and at the end (the embedded platform promises < 1 GB).

    python -m bench.fuzz [--seconds 300] [--clients 4]
"""

from __future__ import annotations

import argparse
import random
import string
import sys
import threading
import time
from collections import Counter
from typing import Any

import requests

from badgehub.routers.catalog import ROUTES
from bench.rehearsal import platform_pids, rss_mib
from devplatform.process import running_platform

HOSTILE = [
    "",
    " ",
    "<script>alert(1)</script>",
    "\u0000",
    "\u202e\u200b",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "a" * 6000,
    "é" * 300,
    "😀" * 100,
    "javascript:alert(1)",
    "https://127.0.0.1:1/x",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
]

FIELDS = (
    "name", "url", "email", "description", "image", "recipient", "reason", "narrative",
    "criteria", "evidence", "issuedOn", "expires", "credential", "jws", "visibility",
    "showName", "claim", "tags", "alignments", "notify", "locale",
)  # fmt: skip


def value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(8 if depth < 4 else 4)
    if kind == 0:
        return rng.choice(HOSTILE)
    if kind == 1:
        return rng.randint(-(2**63), 2**63)
    if kind == 2:
        return rng.choice([True, False, None, 1.5e308, -0.0])
    if kind == 3:
        return "".join(rng.choice(string.printable) for _ in range(rng.randrange(40)))
    if kind in (4, 5):
        return {rng.choice(FIELDS): value(rng, depth + 1) for _ in range(rng.randrange(6))}
    return [value(rng, depth + 1) for _ in range(rng.randrange(4))]


def main() -> int:  # noqa: PLR0915 - one script, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    with running_platform(timeout=120) as info:
        demo = info["demo"]
        base, ca = info["base_url"], info["ca_file"]
        ids = {
            "issuer_id": [demo["issuer"]["id"], "nope", "../x"],
            "badge_id": [demo["badge"]["id"], "nope"],
            "assertion_id": ["nope"],
            "key_id": ["key-1", "key-999"],
            "list_number": ["1", "99999999", "x"],
            "token": ["A" * 43, "x"],
            "import_id": ["nope"],
        }
        tokens = [demo["api_key"], info["admin_api_key"], "bh_0000000000000000_x", None]
        start_rss = rss_mib(platform_pids(info))
        deadline = time.monotonic() + args.seconds
        lock = threading.Lock()

        def client(seed: int) -> None:
            rng = random.Random(seed)
            session = requests.Session()
            session.verify = ca
            while time.monotonic() < deadline:
                route = rng.choice(ROUTES)
                path = route.path
                for name, choices in ids.items():
                    path = path.replace(f"<{name}>", rng.choice(choices))
                headers = {}
                token = rng.choice(tokens)
                if token:
                    headers["Authorization"] = f"Bearer {token}"
                body = value(rng) if route.method != "GET" else None
                try:
                    reply = session.request(
                        route.method, base + path, json=body, headers=headers, timeout=60, verify=ca
                    )
                except requests.RequestException as exc:
                    with lock:
                        failures.append(f"{route.method} {path}: {exc}")
                    continue
                with lock:
                    statuses[reply.status_code] += 1
                    if reply.status_code >= 500 and reply.status_code not in (503, 504):
                        failures.append(f"{route.method} {path}: {reply.status_code}")
                if route.method == "POST" and path.endswith("/assertions") and rng.random() < 0.2:
                    issued = session.post(
                        base + path,
                        json={"recipient": {"email": f"f{rng.randrange(10**6)}@example.org"}},
                        headers={"Authorization": f"Bearer {demo['api_key']}"},
                        timeout=60,
                        verify=ca,
                    )
                    if issued.status_code == 201:
                        with lock:
                            ids["assertion_id"].append(issued.json()["id"])

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        end_rss = rss_mib(platform_pids(info))
    total = sum(statuses.values())
    print(f"{total} requests in {args.seconds} s, statuses {dict(sorted(statuses.items()))}")
    print(f"server errors: {len(failures)}")
    for failure in failures[:20]:
        print("  ", failure)
    print(f"platform RSS: {start_rss:.0f} MiB at start, {end_rss:.0f} MiB at the end")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
