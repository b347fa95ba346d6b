"""Baking benchmark: bake/unbake throughput, ours against openbadges-bakery on the same images.

Run with `python -m bench.bake_bench`. openbadges-bakery lives in the 1EdTech validator's
virtualenv (`make setup`); its timing loop runs there, in a subprocess, in the same run.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PIL import Image

from badgehub.domain.baking import Version, bake_png, bake_svg, unbake

ROOT = Path(__file__).resolve().parent.parent
BUDGET_S = 0.5  # timed seconds per side per measure
PAYLOAD = json.dumps(
    {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://badges.example.org/assertions/6f1c1a9c-1c77-4b43-9b7e-6f0f5d0b6e0a",
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": "deadsea",
            "identity": "sha256$c7ef86405ba71b85acd8e2e95166c4b111448089f2e1599f42fe1bba46e865c5",
        },
        "badge": "https://badges.example.org/badges/data-literacy",
        "verification": {"type": "hosted"},
        "issuedOn": "2026-06-01T12:00:00Z",
        "evidence": "https://portfolio.example.org/ada/data-literacy",
    }
)
# Runs inside the validator venv: reads {"budget", "payload", "cases": [[name, op, path]]}.
_BAKERY_LOOP = r"""
import io, json, sys, time
import openbadges_bakery

spec = json.load(sys.stdin)

def rate(op, budget):
    op()
    count, start = 0, time.perf_counter()
    while True:
        op()
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= budget and count >= 3:
            return count / elapsed

def operation(kind, data, payload):
    if kind == "bake":
        return lambda: openbadges_bakery.bake(io.BytesIO(data), payload, io.BytesIO())
    return lambda: openbadges_bakery.unbake(io.BytesIO(data))

rates = {}
for name, kind, path in spec["cases"]:
    with open(path, "rb") as f:
        data = f.read()
    rates[name] = rate(operation(kind, data, spec["payload"]), spec["budget"])
print(json.dumps(rates))
"""


def rate(op: Callable[[], object], budget: float = BUDGET_S) -> float:
    """Operations per second over at least `budget` seconds, after one warm-up call."""
    op()
    count, start = 0, time.perf_counter()
    while True:
        op()
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= budget and count >= 3:
            return count / elapsed


def sample_png(size: int) -> bytes:
    """A badge-like picture (fractal and gradients), not a flat colour that compresses to nil."""
    fractal = Image.effect_mandelbrot((size, size), (-2.0, -1.5, 1.0, 1.5), 96)
    gradient = Image.linear_gradient("L").resize((size, size))
    picture = Image.merge("RGB", (fractal, gradient, gradient.rotate(90)))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def sample_svg(shapes: int = 200) -> bytes:
    body = "".join(
        f'<circle cx="{(i * 37) % 512}" cy="{(i * 91) % 512}" r="{4 + i % 20}"'
        f' fill="#{(i * 2654435761) % 0xFFFFFF:06x}" opacity="0.6"/>\n'
        for i in range(shapes)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">\n'
        f"<title>Data Literacy</title>\n{body}</svg>\n"
    ).encode()


def bakery_python() -> Path:
    return Path(
        os.environ.get("OB2_VALIDATOR_PYTHON") or ROOT / ".venv-ob2validator" / "bin" / "python"
    )


def bakery_rates(cases: list[tuple[str, str, bytes]]) -> dict[str, float] | None:
    """openbadges-bakery's ops/s per case, or None when its virtualenv is not installed."""
    python = bakery_python()
    if not python.exists():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        spec_cases = []
        for index, (name, kind, data) in enumerate(cases):
            path = Path(tmp) / f"case{index}"
            path.write_bytes(data)
            spec_cases.append([name, kind, str(path)])
        spec = {"budget": BUDGET_S, "payload": PAYLOAD, "cases": spec_cases}
        done = subprocess.run(
            [str(python), "-c", _BAKERY_LOOP],
            input=json.dumps(spec),
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    rates: dict[str, float] = json.loads(done.stdout)
    return rates


def run() -> list[tuple[str, str, str]]:
    """Rows of (measure, result, comparison) for bake and unbake of PNG and SVG badges."""
    images = [
        ("PNG 256x256", sample_png(256), bake_png),
        ("PNG 1024x1024", sample_png(1024), bake_png),
        ("SVG 200 shapes", sample_svg(), bake_svg),
    ]
    cases: list[tuple[str, str, bytes]] = []
    ours: dict[str, float] = {}
    for label, image, baker in images:
        baked = baker(image, PAYLOAD, Version.OB2)
        described = f"{label}, {len(image) / 1024:,.0f} KiB"
        bake_name, unbake_name = f"bake {described}", f"unbake {described}"
        ours[bake_name] = rate(partial(baker, image, PAYLOAD, Version.OB2))
        ours[unbake_name] = rate(partial(unbake, baked))
        cases += [(bake_name, "bake", image), (unbake_name, "unbake", baked)]
    theirs = bakery_rates(cases)
    rows = []
    for name, ops in ours.items():
        if theirs is None:
            comparison = "openbadges-bakery not installed (`make setup`)"
        else:
            comparison = f"{ops / theirs[name]:,.1f}x openbadges-bakery ({theirs[name]:,.0f} ops/s)"
        rows.append((name, f"{ops:,.0f} ops/s", comparison))
    return rows


def main() -> int:
    rows = run()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores; OB 2.0 hosted assertion.\n")
    print("| measure | result | comparison |")
    print("|---|---|---|")
    for measure, result, comparison in rows:
        print(f"| {measure} | {result} | {comparison} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
