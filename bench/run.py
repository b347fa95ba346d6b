"""Benchmarks, run on demand (`make bench`): cold imports per function, public GET latency.

Writes the figures to bench/results.md; the README copies the table.
"""

from __future__ import annotations

import argparse
import os
import platform as host
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from bench import bake_bench, verify_bench
from devplatform import template
from devplatform.process import running_platform

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7
_IMPORT_PROBE = (
    "import time, importlib.util as u; t = time.perf_counter();"
    "s = u.spec_from_file_location('app', 'app.py'); m = u.module_from_spec(s);"
    "s.loader.exec_module(m);"
    "print((time.perf_counter() - t) * 1000)"
)


_BOTO3_PROBE = (
    "import time; t = time.perf_counter(); import boto3; boto3.client('dynamodb',"
    " region_name='us-east-1'); print((time.perf_counter() - t) * 1000)"
)
COLD_IMPORT_BUDGET = 1.3  # x the cost of `import boto3; boto3.client("dynamodb")`


def _probe_ms(code_dir: Path, probe: str) -> float:
    """One fresh interpreter's import time, as it measures it itself (startup left out).

    The layer's own modules are compiled from source, as on Lambda (`sam build` ships no
    bytecode and /opt is read-only): the probe writes none into the tree.
    """
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "layers" / "common"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "TABLE_NAME": "t",
        "PUBLIC_BUCKET": "b",
    }
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=code_dir,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip())


def cold_import_ms(probes: dict[str, tuple[Path, str]], runs: int = RUNS) -> dict[str, float]:
    """Median time per probe to import in a fresh interpreter (what a cold start pays).

    The probes take turns, round after round, so a busy spell on a shared machine lands on
    the reference and the handlers alike instead of on whichever was running at the time.
    """
    if any(any((ROOT / d).rglob("__pycache__")) for d in ("layers", "functions")):
        print(
            "note: layers/ or functions/ hold __pycache__: the cold imports below leave out"
            " the compilation a Lambda cold start pays (remove them to measure it)",
            file=sys.stderr,
        )
    samples: dict[str, list[float]] = {name: [] for name in probes}
    for _ in range(runs):
        for name, (code_dir, probe) in probes.items():
            samples[name].append(_probe_ms(code_dir, probe))
    return {name: statistics.median(values) for name, values in samples.items()}


REFERENCE = "boto3"


def cold_import_figures(runs: int = RUNS) -> list[tuple[str, str, str]]:
    """Each handler's import next to boto3's own, measured in the same rounds."""
    functions = {f.logical_id: (f.code_uri, _IMPORT_PROBE) for f in template.functions()}
    medians = cold_import_ms({REFERENCE: (ROOT, _BOTO3_PROBE), **functions}, runs)
    boto3_ms = medians[REFERENCE]
    rows = [("cold import, boto3 + one DynamoDB client (reference)", f"{boto3_ms:.0f} ms", "")]
    for logical_id in functions:
        ms = medians[logical_id]
        rows.append(
            (
                f"cold import, {logical_id} handler",
                f"{ms:.0f} ms ({ms / boto3_ms:.2f}x boto3)",
                f"<= {COLD_IMPORT_BUDGET}x boto3",
            )
        )
    return rows


def _percentiles(samples: list[float]) -> tuple[float, float, float]:
    samples = sorted(samples)
    return (
        samples[len(samples) // 2],
        samples[int(len(samples) * 0.95)],
        samples[int(len(samples) * 0.99)],
    )


def platform_figures(gets: int = 300, issues: int = 60) -> list[tuple[str, str, str]]:
    """Through the local platform (https, moto): hosted GET latency and issue throughput."""
    rows = []
    with running_platform() as info:
        demo = info["demo"]
        session = requests.Session()
        session.trust_env = False  # a REQUESTS_CA_BUNDLE in the environment would win over verify
        session.verify = info["ca_file"]
        session.headers["Authorization"] = f"Bearer {demo['api_key']}"
        issue_url = f"{info['base_url']}/v1/badges/{demo['badge']['id']}/assertions"

        def issue(n: int) -> dict[str, object]:
            reply = session.post(issue_url, json={"recipient": {"email": f"b{n}@example.org"}})
            reply.raise_for_status()
            body: dict[str, object] = reply.json()
            return body

        url = str(issue(0)["links"]["assertion"])  # type: ignore[index]
        for _ in range(20):
            session.get(url, timeout=5)
        samples = []
        for _ in range(gets):
            start = time.perf_counter()
            session.get(url, timeout=5).raise_for_status()
            samples.append((time.perf_counter() - start) * 1000)
        p50, p95, p99 = _percentiles(samples)
        rows.append(
            ("GET hosted assertion, p50 / p95 / p99", f"{p50:.1f} / {p95:.1f} / {p99:.1f} ms", "")
        )

        start = time.perf_counter()
        for n in range(issues):
            issue(n + 1)
        elapsed = time.perf_counter() - start
        rows.append(
            (
                "issue (hosted + OB 2.0 JWS + OB 3.0 DI credential + VC-JWT), sequential",
                f"{issues / elapsed:.1f} badges/s ({elapsed / issues * 1000:.0f} ms each)",
                "all four forms signed per badge",
            )
        )
        rows += verification_figures(session, info, issue(issues + 1))
    return rows


def _per_second(run: Callable[[], object], rounds: int) -> float:
    run()
    start = time.perf_counter()
    for _ in range(rounds):
        run()
    return rounds / (time.perf_counter() - start)


def verification_figures(
    session: requests.Session, info: dict[str, Any], issued: dict[str, Any]
) -> list[tuple[str, str, str]]:
    """Ours and both peers side by side (bench.verify_bench), VC-JWT, the verification page."""
    rows = verify_bench.rows(verify_bench.measure(info, session))
    links = issued["links"]
    verify_url = f"{info['base_url']}/v1/verify"
    token = session.get(links["credentialJwt"]).text
    ours = _per_second(lambda: session.post(verify_url, json={"jws": token}).raise_for_status(), 30)
    rows.append(
        ("verify OB 3.0 VC-JWT via POST /v1/verify", f"{ours:.1f}/s", "no peer verifies it")
    )
    html = {"Accept": "text/html"}
    samples = []
    for _ in range(30):
        start = time.perf_counter()
        session.get(links["assertion"], headers=html).raise_for_status()
        samples.append((time.perf_counter() - start) * 1000)
    p50, p95, _ = _percentiles(samples)
    rows.append(
        (
            "verification page (GET assertion as text/html), p50 / p95",
            f"{p50:.1f} / {p95:.1f} ms",
            "server time on the local platform",
        )
    )
    return rows


def signing_figures(rounds: int = 200) -> list[tuple[str, str, str]]:
    """Signing cost per proof type, in-process with local keys (no key-service round trip)."""
    from datetime import UTC, datetime

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    from badgehub.domain import dataintegrity, hashing, jsonld, jws, ob3, statuslist
    from badgehub.domain.models import Assertion, BadgeClass, Issuer, StoredImage
    from badgehub.domain.urls import PublicUrls

    urls = PublicUrls(base="https://badges.example.org", assets="https://cdn.example.org")
    now = datetime.now(UTC)
    issuer = Issuer(
        id="i1",
        name="Uni",
        url="https://uni.example.org",
        email="r@uni.example.org",
        created_at=now,
    )
    image = StoredImage(key="badges/b1/image.png", content_type="image/png", sha256="00")
    badge = BadgeClass(
        id="b1",
        issuer_id="i1",
        name="Data Literacy",
        description="Reads data.",
        criteria_narrative="Pass the module.",
        image=image,
        created_at=now,
    )
    assertion = Assertion(
        id="a1",
        badge_id="b1",
        issuer_id="i1",
        recipient_email="a@example.org",
        salt="s",
        identity_hash=hashing.hash_email("a@example.org", "s"),
        issued_on=now,
        created_at=now,
    )

    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    p256 = ec.generate_private_key(ec.SECP256R1())
    ed = ed25519.Ed25519PrivateKey.generate()

    def es256(message: bytes) -> bytes:
        r, s = decode_dss_signature(p256.sign(message, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    credential = ob3.open_badge_credential(
        assertion, badge, issuer, urls, statuslist.status_entry(urls.status_list("i1", 1), 42)
    )

    def rs256() -> object:
        return jws.sign_compact(
            {"alg": "RS256"},
            credential,
            lambda m: rsa_key.sign(m, padding.PKCS1v15(), hashes.SHA256()),
        )

    # Each round forgets the kept expansions: a new badge is a document never seen before.
    def canonicalize() -> object:
        jsonld._expansions.clear()
        return jsonld.canonicalize(credential)

    def data_integrity() -> object:
        jsonld._expansions.clear()
        return dataintegrity.add_proof(
            credential, verification_method="did:web:x#key-1", created=now, sign=ed.sign
        )

    cases: dict[str, Callable[[], object]] = {
        "OB 2.0 JWS (RS256)": rs256,
        "VC-JWT (ES256)": lambda: jws.sign_compact({"alg": "ES256"}, credential, es256),
        "RDFC-1.0 canonicalisation of one credential": canonicalize,
        "Data Integrity eddsa-rdfc-2022 (checks terms, canonicalises, signs)": data_integrity,
    }
    rows = []
    for name, run in cases.items():
        run()
        start = time.perf_counter()
        for _ in range(rounds):
            run()
        each = (time.perf_counter() - start) / rounds * 1000
        rows.append((f"sign: {name}", f"{each:.2f} ms ({1000 / each:.0f}/s)", "one core"))
    return rows


def _update_readme(table: str) -> None:
    """Copies the figures into the README between its bench markers."""
    readme = ROOT / "README.md"
    text = readme.read_text()
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        readme.write_text(f"{head}{start}\n{table}\n{end}{tail}")


def _cold_only_report(rows: list[tuple[str, str, str]], runs: int) -> str:
    return "\n".join(
        [
            f"Cold imports: median of {runs} fresh interpreters each, taking turns.",
            "",
            "| measure | result | budget |",
            "|---|---|---|",
            *[f"| {name} | {value} | {budget} |" for name, value, budget in rows],
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument(
        "--cold-only",
        action="store_true",
        help="measure only the handlers' cold imports, print them and write nothing",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=RUNS,
        help=f"fresh interpreters per cold import (default {RUNS})",
    )
    args = parser.parse_args(argv)
    rows = cold_import_figures(args.runs)
    if args.cold_only:
        print(_cold_only_report(rows, args.runs))
        return 0
    rows += platform_figures()
    rows += signing_figures()
    rows += bake_bench.run()
    machine = f"Python {host.python_version()}, {os.cpu_count()} cores, {host.machine()}"
    lines = [
        "# Benchmark results",
        "",
        f"Measured by `make bench` on {time.strftime('%Y-%m-%d')} ({machine}). "
        f"Cold imports: median of {args.runs} fresh interpreters each, taking turns. "
        f"Verification side by side: {verify_bench.ROUNDS} rounds over the same "
        f"{verify_bench.BADGES} badges, every verifier warm in one process; "
        "each badge's fastest round, median over the badges.",
        "",
        "| measure | result | budget |",
        "|---|---|---|",
        *[f"| {name} | {value} | {budget} |" for name, value, budget in rows],
        "",
    ]
    text = "\n".join(lines)
    (ROOT / "bench" / "results.md").write_text(text)
    _update_readme("\n".join(lines[2:]).strip())
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
