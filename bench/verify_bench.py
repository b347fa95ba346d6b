"""Verification speed side by side: ours and both peers, each WARM in one process, same badges.

`python -m bench.verify_bench [badges]` (also in `make bench`). Issues the badges on the
local platform, then times, per badge and format:
- ours in this process through the verify use case, fetches answered from memory (what our
  verifier fetched once from the platform, replayed), and fetching from the platform itself;
- ours through the platform's `POST /v1/verify` (request, worker, its own documents read from
  the store);
- the 1EdTech validator (OB 2.0) and DCC verifier-core (OB 3.0 Data Integrity), each in one
  warm process, with the same two fetch modes (each replays what it itself fetched).
Times: for each badge its fastest of the rounds, then the median over the badges (the same for
ours and the peers; a busy shared machine, so upper bounds). Through `POST /v1/verify` each badge
is verified once (its worker keeps what it expanded): the median over fresh badges.
Our verifier keeps expansions of documents it has seen; they are cleared before each of our
rounds, so no badge is ever answered from its own earlier check (the issuer's one status list,
shared by every badge, is found again within a round, as in service).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
CONFORMANCE = ROOT / "tests" / "conformance"
NODE_DRIVER = CONFORMANCE / "vc_verifier" / "warm_verify.mjs"
PYTHON_DRIVER = CONFORMANCE / "ob2_validator" / "warm_validator.py"
ROUNDS = 5
BADGES = 20
FORMATS = ("OB 2.0 hosted", "OB 2.0 signed (JWS)", "OB 3.0 Data Integrity")

Row = tuple[str, str, str]


class _PlatformFetcher:
    """Our Fetcher port over one keep-alive session to the platform; remembers every answer."""

    def __init__(self, session: requests.Session) -> None:
        self.session = session
        self.seen: dict[str, Any] = {}
        self.calls = 0

    def fetch(self, url: str) -> Any:
        from badgehub.ports import Fetched, FetchError

        self.calls += 1
        try:
            reply = self.session.get(url, timeout=30)
        except requests.RequestException as exc:
            raise FetchError("the platform could not be reached") from exc
        got = Fetched(reply.status_code, reply.headers.get("content-type", ""), reply.content, url)
        self.seen[url] = got
        return got


class _MemoryFetcher:
    def __init__(self, seen: dict[str, Any]) -> None:
        self.seen = seen

    def fetch(self, url: str) -> Any:
        from badgehub.ports import FetchError

        if url not in self.seen:
            raise FetchError("not fetched when recording")
        return self.seen[url]


def _issue(session: requests.Session, info: dict[str, Any], count: int) -> list[dict[str, Any]]:
    url = f"{info['base_url']}/v1/badges/{info['demo']['badge']['id']}/assertions"
    badges = []
    for n in range(count):
        reply = session.post(url, json={"recipient": {"email": f"speed{n}@example.org"}})
        reply.raise_for_status()
        links = reply.json()["links"]
        badges.append(
            {
                "OB 2.0 hosted": links["assertion"],
                "OB 2.0 signed (JWS)": session.get(links["ob2Signed"]).text,
                "OB 3.0 Data Integrity": session.get(links["credential"]).json(),
            }
        )
    return badges


def _subject(kind: str, value: Any) -> Any:
    from badgehub.usecases.verify import CompactToken, CredentialJson, Url

    if kind == "OB 2.0 hosted":
        return Url(value)
    if kind == "OB 2.0 signed (JWS)":
        return CompactToken(value)
    return CredentialJson(value)


def _ours_in_process(
    values: list[Any], kind: str, fetcher: Any, base_url: str, rounds: int
) -> tuple[list[list[float]], list[bool]]:
    from badgehub.domain import jsonld
    from badgehub.domain.verification import Verdict
    from badgehub.usecases.verify import verify

    now = datetime.now(UTC)
    subjects = [_subject(kind, value) for value in values]
    verified = [verify(s, fetcher, now, None, base_url).verdict is Verdict.VALID for s in subjects]
    ms = []
    for _ in range(rounds):
        kept = getattr(jsonld, "_expansions", None)  # absent in versions that kept none
        if kept is not None:
            kept.clear()
        times = []
        for subject in subjects:
            start = time.perf_counter()
            verify(subject, fetcher, now, None, base_url)
            times.append((time.perf_counter() - start) * 1000)
        ms.append(times)
    return ms, verified


def _ours_over_the_api(
    session: requests.Session, info: dict[str, Any], kind: str, values: list[Any]
) -> list[float]:
    """Each badge once (a worker keeps what it expanded): a fresh badge per verification."""
    field = {"OB 2.0 hosted": "url", "OB 2.0 signed (JWS)": "jws"}.get(kind, "credential")
    times = []
    for value in values:
        start = time.perf_counter()
        session.post(f"{info['base_url']}/v1/verify", json={field: value}).raise_for_status()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _driver(command: list[str], request: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        command,
        input=json.dumps(request),
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=1800,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{command[-1]} failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _peer(
    command: list[str], env: dict[str, str], key: str, values: list[Any], rounds: int
) -> dict[str, Any]:
    """The peer warm, fetching from the platform (recording), then replaying from memory."""
    live = _driver(command, {key: values, "rounds": rounds, "record": True}, env)
    memory = _driver(command, {key: values, "rounds": rounds, "memory": live["recorded"]}, env)
    return {"live": live, "memory": memory}


def _typical(ms: list[list[float]]) -> float:
    """Median over the badges of each badge's fastest round: what the code costs, with as
    little as can be of what else the machine was doing."""
    return float(statistics.median(min(times) for times in zip(*ms, strict=True)))


def _ob2_python() -> Path:
    return Path(os.environ.get("OB2_VALIDATOR_PYTHON") or ROOT / ".venv-ob2validator/bin/python")


def measure(info: dict[str, Any], session: requests.Session, count: int = BADGES) -> dict[str, Any]:
    """Every figure, as numbers (ms per verification; medians), with what each peer said."""
    badges = _issue(session, info, count * 2)
    timed, warmup = badges[:count], badges[count:]
    base = info["base_url"]
    env = {
        **os.environ,
        "REQUESTS_CA_BUNDLE": info["ca_file"],
        "NODE_EXTRA_CA_CERTS": info["ca_file"],
    }
    results: dict[str, Any] = {"badges": count, "rounds": ROUNDS}
    for kind in FORMATS:
        values = [badge[kind] for badge in timed]
        live = _PlatformFetcher(session)
        live_ms, verified = _ours_in_process(values, kind, live, base, ROUNDS)
        fetches = live.calls / (len(values) * (ROUNDS + 1))
        memory_ms, _ = _ours_in_process(values, kind, _MemoryFetcher(live.seen), base, ROUNDS)
        _ours_over_the_api(session, info, kind, [badge[kind] for badge in warmup])
        api_ms = _ours_over_the_api(session, info, kind, values)
        results[kind] = {
            "ours": {
                "valid": sum(verified),
                "fetches": fetches,
                "memory": _typical(memory_ms),
                "live": _typical(live_ms),
                "api": statistics.median(api_ms),
            }
        }
    peers: list[tuple[str, list[str], str, tuple[str, ...]]] = []
    if _ob2_python().exists():
        peers.append(
            ("1EdTech validator", [str(_ob2_python()), str(PYTHON_DRIVER)], "inputs", FORMATS[:2])
        )
    if (NODE_DRIVER.parent / "node_modules").exists():
        peers.append(("DCC verifier-core", ["node", str(NODE_DRIVER)], "credentials", FORMATS[2:]))
    for name, command, key, kinds in peers:
        for kind in kinds:
            got = _peer(command, env, key, [badge[kind] for badge in timed], ROUNDS)
            results[kind]["peer"] = {
                "name": name,
                "valid": sum(got["live"]["verified"]),
                "live": _typical(got["live"]["ms"]),
                "memory": _typical(got["memory"]["ms"]),
                "memory_fetched": got["memory"]["fetched"],
                "fetches": got["live"]["fetched"] / (len(timed) * ROUNDS),
            }
    return results


def rows(results: dict[str, Any]) -> list[Row]:
    """The table rows `make bench` prints and writes."""
    out: list[Row] = []
    count = results["badges"]
    for kind in FORMATS:
        ours, peer = results[kind]["ours"], results[kind].get("peer")
        goal = "at least 1x" if kind.startswith("OB 3.0") else "at least 5x"
        for mode, label in (
            ("memory", "fetches from memory"),
            ("live", "fetching from the platform"),
        ):
            value = f"{ours[mode]:.2f} ms ({1000 / ours[mode]:.0f}/s)"
            versus = ""
            if peer:
                versus = (
                    f"{peer[mode] / ours[mode]:.1f}x {peer['name']} ({peer[mode]:.2f} ms, "
                    f"{1000 / peer[mode]:.0f}/s); goal {goal}"
                )
            out.append((f"verify {kind}, one warm process, {label}", value, versus))
        out.append(
            (
                f"verify {kind} via POST /v1/verify",
                f"{ours['api']:.2f} ms ({1000 / ours['api']:.0f}/s)",
                "request to the platform; its own documents read from the store",
            )
        )
        verdicts = f"ours {ours['valid']}/{count} valid"
        fetches = f"fetches per verification: ours {ours['fetches']:.1f}"
        if peer:
            verdicts += f", {peer['name']} {peer['valid']}/{count}"
            fetches += f", {peer['name']} {peer['fetches']:.1f}"
            if peer["memory_fetched"]:
                fetches += f" ({peer['memory_fetched']} not in memory, fetched)"
        out.append((f"verify {kind}: verdicts on the {count} badges", verdicts, fetches))
    return out


def run(count: int = BADGES) -> list[Row]:
    from devplatform.process import running_platform

    with running_platform() as info:
        session = requests.Session()
        session.trust_env = False
        session.verify = info["ca_file"]
        session.headers["Authorization"] = f"Bearer {info['demo']['api_key']}"
        return rows(measure(info, session, count))


def _print(table: Callable[[], list[Row]]) -> None:
    for name, value, versus in table():
        print(f"| {name} | {value} | {versus} |")


if __name__ == "__main__":
    _print(lambda: run(int(sys.argv[1]) if len(sys.argv) > 1 else BADGES))
