"""Benchmarks, run on demand (`make bench`): cold imports per function, public GET latency.

Writes the figures to bench/results.md; the README copies the table.
"""

from __future__ import annotations

import os
import platform as host
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

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


def cold_import_ms(code_dir: Path) -> float:
    """Median time to import a handler module in a fresh interpreter (what a cold start pays)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "layers" / "common"),
        "TABLE_NAME": "t",
        "PUBLIC_BUCKET": "b",
    }
    samples = []
    for _ in range(RUNS):
        out = subprocess.run(
            [sys.executable, "-c", _IMPORT_PROBE],
            cwd=code_dir,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        samples.append(float(out.stdout.strip()))
    return statistics.median(samples)


def hosted_get_latency(requests_count: int = 300) -> tuple[float, float, float]:
    """p50/p95/p99 in ms of GET on a hosted assertion URL through the local platform."""
    with running_platform() as info:
        demo = info["demo"]
        issued = requests.post(
            f"{info['base_url']}/v1/badges/{demo['badge']['id']}/assertions",
            json={"recipient": {"email": "bench@example.org"}},
            headers={"Authorization": f"Bearer {demo['api_key']}"},
            timeout=10,
        ).json()
        url = issued["links"]["assertion"]
        session = requests.Session()
        for _ in range(20):
            session.get(url, timeout=5)
        samples = []
        for _ in range(requests_count):
            start = time.perf_counter()
            reply = session.get(url, timeout=5)
            samples.append((time.perf_counter() - start) * 1000)
            reply.raise_for_status()
    samples.sort()
    return (
        samples[len(samples) // 2],
        samples[int(len(samples) * 0.95)],
        samples[int(len(samples) * 0.99)],
    )


def _update_readme(table: str) -> None:
    """Copies the figures into the README between its bench markers."""
    readme = ROOT / "README.md"
    text = readme.read_text()
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        readme.write_text(f"{head}{start}\n{table}\n{end}{tail}")


def main() -> int:
    rows = []
    for function in template.functions():
        rows.append(
            (
                f"cold import, {function.logical_id} handler",
                f"{cold_import_ms(function.code_uri):.0f} ms",
                "< 250 ms",
            )
        )
    p50, p95, p99 = hosted_get_latency()
    rows.append(("GET hosted assertion (local platform), p50", f"{p50:.2f} ms", ""))
    rows.append(("GET hosted assertion (local platform), p95", f"{p95:.2f} ms", ""))
    rows.append(("GET hosted assertion (local platform), p99", f"{p99:.2f} ms", ""))
    machine = f"Python {host.python_version()}, {os.cpu_count()} cores, {host.machine()}"
    lines = [
        "# Benchmark results",
        "",
        f"Measured by `make bench` on {time.strftime('%Y-%m-%d')} ({machine}). "
        f"Cold imports: median of {RUNS} fresh interpreters.",
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
