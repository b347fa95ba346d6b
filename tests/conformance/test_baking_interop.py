"""Our baked images read by the reference baker (openbadges-bakery 2.0.0), and the reverse."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from badgehub.domain.baking import Baked, Version, bake_png, bake_svg, unbake
from tests.support.builders import SVG, png_bytes

pytestmark = pytest.mark.conformance

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
HELPER = HERE / "ob2_validator" / "unbake.py"

JWS = "eyJhbGciOiJSUzI1NiJ9.eyJpZCI6InVybjp1dWlkOjEyMyJ9.c2lnbmF0dXJlLWJ5dGVzLWhlcmUtX19fLS0t"
HOSTED_URL = "https://badges.example.org/assertions/123"
ASSERTION = json.dumps(
    {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": HOSTED_URL,
        "recipient": {"type": "email", "hashed": False, "identity": "ada@example.org"},
        "badge": "https://badges.example.org/badges/1",
        "verification": {"type": "hosted"},
        "issuedOn": "2026-06-01T12:00:00Z",
        "narrative": "Ünïcode ✓",
    },
    ensure_ascii=False,
)
UNHOSTED = json.dumps({"id": "urn:uuid:1", "narrative": "✓ < & >"}, ensure_ascii=False)
PAYLOADS = [JWS, ASSERTION, UNHOSTED, HOSTED_URL]
SVG_WITH_PROLOGUE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- badge art -->\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120">\n'
    b'  <circle cx="60" cy="60" r="50" fill="teal"/>\n</svg>\n'
)


class Bakery:
    """openbadges-bakery, run by the validator venv's interpreter through our helper script."""

    def __init__(self, python: str) -> None:
        self.python = python

    def _run(self, args: list[str], stdin: bytes = b"") -> dict[str, Any]:
        done = subprocess.run(
            [self.python, str(HELPER), *args],
            input=stdin,
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, f"openbadges-bakery failed:\n{done.stderr.decode()}"
        result: dict[str, Any] = json.loads(done.stdout)
        return result

    def unbake(self, path: Path) -> str | None:
        payload: str | None = self._run([str(path)])["payload"]
        return payload

    def bake(self, image: Path, payload: str, out: Path) -> bytes:
        self._run(["--bake", str(image), str(out)], payload.encode("utf-8"))
        return out.read_bytes()


@pytest.fixture(scope="session")
def bakery() -> Bakery:
    python = os.environ.get("OB2_VALIDATOR_PYTHON") or str(
        ROOT / ".venv-ob2validator" / "bin" / "python"
    )
    if not Path(python).exists():
        pytest.fail(
            "openbadges-bakery (in the 1EdTech validator's virtualenv) is not installed: "
            "run `make setup`"
        )
    return Bakery(python)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("payload", PAYLOADS)
def test_bakery_reads_our_ob2_png(bakery: Bakery, tmp_path: Path, payload: str) -> None:
    baked = bake_png(png_bytes((48, 48)), payload, Version.OB2)
    ours = unbake(baked)
    assert ours == Baked(Version.OB2, payload, "image/png")
    assert bakery.unbake(_write(tmp_path / "baked.png", baked)) == ours.payload


@pytest.mark.parametrize("image", [SVG, SVG_WITH_PROLOGUE])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_bakery_reads_our_ob2_svg(
    bakery: Bakery, tmp_path: Path, payload: str, image: bytes
) -> None:
    baked = bake_svg(image, payload, Version.OB2)
    ours = unbake(baked)
    assert ours is not None
    assert ours.payload == (HOSTED_URL if payload == ASSERTION else payload)
    assert bakery.unbake(_write(tmp_path / "baked.svg", baked)) == ours.payload


def test_bakery_reads_our_rebaked_png(bakery: Bakery, tmp_path: Path) -> None:
    """A re-bake leaves one chunk, so every reader sees the newest badge."""
    rebaked = bake_png(bake_png(png_bytes(), ASSERTION, Version.OB2), JWS, Version.OB2)
    assert bakery.unbake(_write(tmp_path / "rebaked.png", rebaked)) == JWS


def test_our_ob3_png_is_still_a_png_to_the_bakery(bakery: Bakery, tmp_path: Path) -> None:
    """The bakery knows only the OB 2.0 keyword; it must walk our OB 3.0 file without error."""
    baked = bake_png(png_bytes(), JWS, Version.OB3)
    assert bakery.unbake(_write(tmp_path / "ob3.png", baked)) is None


@pytest.mark.parametrize("payload", PAYLOADS)
def test_we_read_pngs_baked_by_the_bakery(bakery: Bakery, tmp_path: Path, payload: str) -> None:
    source = _write(tmp_path / "plain.png", png_bytes((48, 48), "maroon"))
    baked = bakery.bake(source, payload, tmp_path / "baked.png")
    assert unbake(baked) == Baked(Version.OB2, payload, "image/png")
    rebaked = bakery.bake(_write(tmp_path / "again.png", baked), JWS, tmp_path / "rebaked.png")
    assert unbake(rebaked) == Baked(Version.OB2, JWS, "image/png")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_we_read_svgs_baked_by_the_bakery(bakery: Bakery, tmp_path: Path, payload: str) -> None:
    baked = bakery.bake(_write(tmp_path / "plain.svg", SVG), payload, tmp_path / "baked.svg")
    expected = HOSTED_URL if payload == ASSERTION else payload
    assert unbake(baked) == Baked(Version.OB2, expected, "image/svg+xml")
    assert bakery.unbake(tmp_path / "baked.svg") == expected


@pytest.mark.parametrize("payload", PAYLOADS)
def test_we_rebake_svgs_baked_by_the_bakery(bakery: Bakery, tmp_path: Path, payload: str) -> None:
    baked = bakery.bake(_write(tmp_path / "plain.svg", SVG), payload, tmp_path / "baked.svg")
    rebaked = bake_svg(baked, JWS, Version.OB2)
    assert rebaked.count(b"<openbadges:assertion") == 1
    assert bakery.unbake(_write(tmp_path / "rebaked.svg", rebaked)) == JWS


def test_we_read_the_bakerys_own_sample_files(bakery: Bakery) -> None:
    found = subprocess.run(
        [
            bakery.python,
            "-c",
            "import openbadges_bakery, os; print(os.path.dirname(openbadges_bakery.__file__))",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    samples = Path(found.stdout.strip()) / "testfiles"
    png = unbake((samples / "baked_heart.png").read_bytes())
    assert png is not None and png.version is Version.OB2
    assert json.loads(png.payload)["verify"]["url"] == "http://example.org/badgeinstance1"
    svg = unbake((samples / "baked_example.svg").read_bytes())
    assert svg == Baked(Version.OB2, "https://example.org/assertion.json", "image/svg+xml")
    for name in ("baked_heart.png", "baked_example.svg"):
        assert unbake((samples / name).read_bytes()).payload == bakery.unbake(samples / name)  # type: ignore[union-attr]


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_downloads_from_the_platform_are_read_by_the_bakery_and_accepted_by_the_validator(
    platform: dict[str, Any], bakery: Bakery, tmp_path: Path, fmt: str
) -> None:
    import requests

    from tests.conformance.conftest import Ob2Validator, errors_of

    demo = platform["demo"]
    issued = requests.post(
        f"{platform['base_url']}/v1/badges/{demo['badge']['id']}/assertions",
        json={"recipient": {"email": "baked@example.org"}},
        headers={"Authorization": f"Bearer {demo['api_key']}"},
        timeout=30,
    ).json()
    download = requests.get(issued["links"]["baked"], params={"format": fmt}, timeout=30)
    assert download.status_code == 200
    assert download.headers["content-type"] == f"image/{'png' if fmt == 'png' else 'svg+xml'}"
    path = _write(tmp_path / f"badge.{fmt}", download.content)
    token = requests.get(issued["links"]["ob2Signed"], timeout=30).text
    assert bakery.unbake(path) == token
    validator = Ob2Validator(
        os.environ.get("OB2_VALIDATOR_PYTHON")
        or str(ROOT / ".venv-ob2validator" / "bin" / "python")
    )
    report = validator.validate(str(path), recipient="baked@example.org")
    assert errors_of(report) == []
    assert report["valid"] is True
