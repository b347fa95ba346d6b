"""Load on the local platform (`python -m bench.load`): many clients issuing, verifying and
revoking at once, with an idle connection and a slow client open all along.

It checks that nothing is lost (every revocation is in the issuer's OB 2.0 revocation list and
set in its status list) and prints errors, throughput next to one client at a time, p95 per
operation and how long `/health` took at worst.
"""

from __future__ import annotations

import argparse
import random
import socket
import ssl
import statistics
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from badgehub.domain.statuslist import bit_is_set, decode_list
from devplatform.demo import seed
from devplatform.process import running_platform


@dataclass
class Tally:
    """What the clients saw; one lock, since every client thread adds to it."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)
    revoked: list[dict[str, Any]] = field(default_factory=list)
    not_valid: int = 0
    retried: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, op: str, seconds: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.latencies[op].append(seconds)
            if not ok:
                self.errors[op] += 1
                if len(self.examples) < 5:
                    self.examples.append(f"{op}: {detail[:200]}")

    def operations(self) -> int:
        return sum(len(v) for v in self.latencies.values())


def _session(info: dict[str, Any]) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # a REQUESTS_CA_BUNDLE in the environment would win over verify
    session.verify = info["ca_file"]
    return session


def _timed(
    tally: Tally, op: str, expected: int, call: Any, *args: Any, **kwargs: Any
) -> requests.Response | None:
    """One operation as a portal does it: a 503 is retried after its Retry-After, five times."""
    started = time.perf_counter()
    for attempt in range(6):
        try:
            reply: requests.Response = call(*args, timeout=60, **kwargs)
        except requests.RequestException as error:
            tally.record(op, time.perf_counter() - started, False, repr(error))
            return None
        if reply.status_code != 503 or attempt == 5:
            break
        with tally.lock:
            tally.retried[op] += 1
        time.sleep(float(reply.headers.get("retry-after", "1")) * random.uniform(0.5, 1.5))
    ok = reply.status_code == expected
    tally.record(op, time.perf_counter() - started, ok, f"{reply.status_code} {reply.text}")
    return reply if ok else None


def client(
    info: dict[str, Any],
    tenant: dict[str, Any],
    tally: Tally,
    until: float,
    number: int,
    revoke_every: int = 2,
) -> None:
    """Issue one badge, verify it, revoke every `revoke_every`-th one; again until time is up."""
    demo = tenant
    session = _session(info)
    session.headers["Authorization"] = f"Bearer {demo['api_key']}"
    base = info["base_url"]
    n = 0
    while time.monotonic() < until:
        n += 1
        issued = _timed(
            tally,
            "issue",
            201,
            session.post,
            f"{base}/v1/badges/{demo['badge']['id']}/assertions",
            json={"recipient": {"email": f"load-{number}-{n}@example.org"}},
        )
        if issued is None:
            continue
        assertion = issued.json()
        verified = _timed(
            tally,
            "verify",
            200,
            session.post,
            f"{base}/v1/verify",
            json={"url": assertion["links"]["assertion"]},
        )
        if verified is not None and not verified.json().get("valid"):
            with tally.lock:
                tally.not_valid += 1
        if revoke_every and n % revoke_every == 0:
            revoked = _timed(
                tally,
                "revoke",
                200,
                session.post,
                f"{base}/v1/assertions/{assertion['id']}/revoke",
                json={"reason": "load test"},
            )
            if revoked is not None:
                with tally.lock:
                    tally.revoked.append(assertion)


class Nuisances:
    """An idle TCP connection (never starts TLS) and a client sending its head a byte a second,
    each reopened whenever the platform closes it, for the whole run."""

    def __init__(self, info: dict[str, Any]) -> None:
        split = urlsplit(info["base_url"])
        self._address = (split.hostname or "127.0.0.1", split.port or 443)
        self._context = ssl.create_default_context(cafile=info["ca_file"])
        self._stop = threading.Event()
        self.reopened = {"idle": 0, "slow": 0}
        self._threads = [
            threading.Thread(target=self._idle, daemon=True),
            threading.Thread(target=self._slow, daemon=True),
        ]

    def __enter__(self) -> Nuisances:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _idle(self) -> None:
        while not self._stop.is_set():
            with socket.create_connection(self._address) as idle:
                idle.settimeout(0.5)
                while not self._stop.is_set():
                    try:
                        if idle.recv(1) == b"":
                            break  # closed by the platform (its TLS handshake timeout)
                    except TimeoutError:
                        continue
            self.reopened["idle"] += 1

    def _slow(self) -> None:
        head = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"z" * 1000
        while not self._stop.is_set():
            raw = socket.create_connection(self._address)
            with self._context.wrap_socket(raw, server_hostname="127.0.0.1") as slow:
                for byte in head:
                    if self._stop.wait(1):
                        return
                    try:
                        slow.send(bytes([byte]))
                    except OSError:
                        break  # cut by the head deadline, as it should be
            self.reopened["slow"] += 1


def health_probe(info: dict[str, Any], until: float, samples: list[float]) -> None:
    session = _session(info)
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            session.get(info["base_url"] + "/health", timeout=10).raise_for_status()
            samples.append(time.perf_counter() - started)
        except requests.RequestException:
            samples.append(float("inf"))
        time.sleep(0.1)


def run(
    info: dict[str, Any],
    clients: int,
    seconds: float,
    revoke_every: int = 2,
    tenants: list[dict[str, Any]] | None = None,
) -> tuple[Tally, list[float], float]:
    """`clients` threads for `seconds`, spread over the tenants (the demo issuer by default)."""
    tenants = tenants or [info["demo"]]
    tally = Tally()
    health: list[float] = []
    until = time.monotonic() + seconds
    started = time.monotonic()
    probe = threading.Thread(target=health_probe, args=(info, until, health), daemon=True)
    probe.start()
    with ThreadPoolExecutor(clients) as pool:
        futures = [
            pool.submit(client, info, tenants[i % len(tenants)], tally, until, i, revoke_every)
            for i in range(clients)
        ]
        for future in futures:
            future.result()
    probe.join()
    return tally, health, time.monotonic() - started


def lost_revocations(info: dict[str, Any], revoked: list[dict[str, Any]]) -> tuple[int, int]:
    """(missing from their issuer's OB 2.0 revocation list, not set in its status list)."""
    session = _session(info)
    in_lists: set[str] = set()
    for issuer in {a["issuerId"] for a in revoked}:
        url = f"{info['base_url']}/issuers/{issuer}/revocations"
        listed = session.get(url, timeout=30).json()
        in_lists |= {entry["id"] for entry in listed["revokedAssertions"]}
    missing = sum(f"urn:uuid:{a['id']}" not in in_lists for a in revoked)
    lists: dict[str, bytes] = {}
    unset = 0
    for assertion in revoked:
        credential = session.get(assertion["links"]["credential"], timeout=30).json()
        status = credential["credentialStatus"]
        url = status["statusListCredential"]
        if url not in lists:
            document = session.get(url, timeout=30).json()
            lists[url] = decode_list(document["credentialSubject"]["encodedList"])
        unset += not bit_is_set(lists[url], int(status["statusListIndex"]))
    return missing, unset


def more_tenants(info: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """The demo issuer and `count - 1` more, each with its key and a badge."""
    extra = [
        seed(info["base_url"], info["admin_api_key"], info["ca_file"]) for _ in range(count - 1)
    ]
    return [info["demo"], *extra]


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000 if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline-seconds", type=float, default=15)
    parser.add_argument(
        "--issuers", type=int, default=1, help="issuers the clients share out (default 1)"
    )
    parser.add_argument(
        "--revoke-every", type=int, default=2, help="revoke every Nth badge a client issues"
    )
    args = parser.parse_args()
    with running_platform(timeout=120) as info:
        tenants = more_tenants(info, max(args.issuers, 1))
        baseline, _, baseline_elapsed = run(
            info, 1, args.baseline_seconds, args.revoke_every, tenants
        )
        with Nuisances(info) as nuisances:
            tally, health, elapsed = run(
                info, args.clients, args.seconds, args.revoke_every, tenants
            )
        missing, unset = lost_revocations(info, tally.revoked)
    one_at_a_time = baseline.operations() / baseline_elapsed
    throughput = tally.operations() / elapsed
    every = [s for samples in tally.latencies.values() for s in samples]
    print(
        f"{args.clients} clients for {elapsed:.0f} s on {len(tenants)} issuer(s): "
        f"issue, verify, revoke one badge in {args.revoke_every}"
    )
    print(f"  operations        {tally.operations()} ({throughput:.1f}/s)")
    print(f"  one client        {one_at_a_time:.1f}/s -> {throughput / one_at_a_time:.1f}x")
    for op in ("issue", "verify", "revoke"):
        samples = tally.latencies[op]
        p50 = statistics.median(samples) * 1000 if samples else 0.0
        print(
            f"  {op:<8}          {len(samples)} done, p50 {p50:.0f} ms, p95 {_p95(samples):.0f} ms"
        )
    print(f"  all, p95          {_p95(every):.0f} ms")
    print(f"  errors            {sum(tally.errors.values())} {dict(tally.errors)}")
    print(f"  retried 503s      {sum(tally.retried.values())} {dict(tally.retried)}")
    for example in tally.examples:
        print(f"                    {example}")
    print(f"  verdict not valid {tally.not_valid}")
    print(
        f"  revocations       {len(tally.revoked)}, {missing} missing from the revocation list, "
        f"{unset} not set in the status list"
    )
    print(
        f"  /health           max {max(health) * 1000:.0f} ms, p95 {_p95(health):.0f} ms "
        f"over {len(health)} probes"
    )
    print(
        f"  nuisances         idle reopened {nuisances.reopened['idle']}x, "
        f"slow client cut {nuisances.reopened['slow']}x"
    )
    lost = missing + unset
    return 1 if lost or tally.errors else 0


if __name__ == "__main__":
    sys.exit(main())
