"""The README's walk-through over HTTP against the running local platform.

`test_the_readme_walk_through_runs_as_written` runs the README's own curl block, read from
README.md at test time; the other tests walk the same journey from Python, step by step.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import requests

from badgehub.domain import hashing
from tests.support.builders import a_badge, an_assertion, an_issuer

pytestmark = pytest.mark.e2e


def _post(
    platform: dict[str, Any], path: str, body: Any, token: str, **headers: str
) -> requests.Response:
    return requests.post(
        platform["base_url"] + path,
        json=body,
        headers={"Authorization": f"Bearer {token}", **headers},
        timeout=10,
    )


def test_health_answers_once_ready(platform: dict[str, Any]) -> None:
    reply = requests.get(platform["base_url"] + "/health", timeout=5)
    assert reply.status_code == 200
    assert reply.json() == {"status": "ok"}


def test_demo_issuer_and_badge_are_seeded_and_public(platform: dict[str, Any]) -> None:
    demo = platform["demo"]
    badge = requests.get(demo["badge"]["links"]["badge"], timeout=5)
    assert badge.status_code == 200
    assert badge.headers["content-type"] == "application/ld+json"
    image = requests.get(badge.json()["image"], timeout=5)
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")


def test_issuer_portal_flow_from_new_issuer_to_revoked_badge(platform: dict[str, Any]) -> None:
    admin = platform["admin_api_key"]
    issuer = _post(platform, "/v1/issuers", an_issuer(), admin)
    assert issuer.status_code == 201
    key = _post(platform, f"/v1/issuers/{issuer.json()['id']}/api-keys", {"label": "portal"}, admin)
    assert key.status_code == 201
    token = key.json()["key"]
    badge = _post(platform, f"/v1/issuers/{issuer.json()['id']}/badges", a_badge(), token)
    assert badge.status_code == 201

    issued = _post(
        platform,
        f"/v1/badges/{badge.json()['id']}/assertions",
        an_assertion("grace@example.org"),
        token,
        **{"Idempotency-Key": "once"},
    )
    assert issued.status_code == 201
    retried = _post(
        platform,
        f"/v1/badges/{badge.json()['id']}/assertions",
        an_assertion("grace@example.org"),
        token,
        **{"Idempotency-Key": "once"},
    )
    assert retried.json()["id"] == issued.json()["id"]

    hosted = requests.get(issued.json()["links"]["assertion"], timeout=5)
    assert hosted.status_code == 200
    doc = hosted.json()
    assert "grace@example.org" not in hosted.text
    assert hashing.identity_matches(
        doc["recipient"]["identity"], "grace@example.org", doc["recipient"]["salt"]
    )
    assert (
        requests.get(doc["badge"], timeout=5).json()["issuer"] == issuer.json()["links"]["profile"]
    )

    revoked = _post(
        platform, f"/v1/assertions/{issued.json()['id']}/revoke", {"reason": "replaced"}, token
    )
    assert revoked.status_code == 200
    gone = requests.get(issued.json()["links"]["assertion"], timeout=5)
    assert gone.status_code == 410
    assert gone.json() == {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": issued.json()["links"]["assertion"],
        "revoked": True,
        "revocationReason": "replaced",
    }


def test_errors_over_http_are_json_never_a_stack_trace(platform: dict[str, Any]) -> None:
    token = platform["demo"]["api_key"]
    badge_id = platform["demo"]["badge"]["id"]
    reply = requests.post(
        f"{platform['base_url']}/v1/badges/{badge_id}/assertions",
        data=b"\x00\x01garbage",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=5,
    )
    assert reply.status_code == 400
    assert reply.json()["error"]["field"] == "body"
    assert "Traceback" not in reply.text
    unknown = requests.get(f"{platform['base_url']}/no/such/route", timeout=5)
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"


ROOT = Path(__file__).resolve().parents[2]


def readme_walk_through() -> str:
    """The one fenced bash block of the README's "Walk-through with curl" section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Walk-through with curl\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```bash\n(.*?)^```$", section, re.DOTALL | re.MULTILINE)
    assert len(blocks) == 1, "the walk-through is one bash block"
    return str(blocks[0])


def test_the_readme_walk_through_runs_as_written(platform: dict[str, Any], tmp_path: Path) -> None:
    """Pasted into bash in a checkout, the block does what it says, step by step.

    The shell is strict (`set -euo pipefail`), as a careful reader is: a failed step stops it.
    The working directory looks like a checkout after `make setup` (the platform's `.local`,
    the tests folder, the validator's virtualenv), so the files the block writes stay here.
    """
    python = Path(
        os.environ.get("OB2_VALIDATOR_PYTHON") or ROOT / ".venv-ob2validator" / "bin" / "python"
    )
    if not python.exists():
        pytest.fail("the 1EdTech validator is not installed: run `make setup`")
    if not (ROOT / "tests" / "conformance" / "vc_verifier" / "node_modules").exists():
        pytest.fail("the VC verifier is not installed: run `make setup`")
    (tmp_path / ".local").symlink_to(Path(platform["ca_file"]).parents[1])
    (tmp_path / "tests").symlink_to(ROOT / "tests")
    (tmp_path / ".venv-ob2validator").symlink_to(python.parents[1])
    env = {
        **os.environ,
        "BASE": platform["base_url"],
        "ADMIN_API_KEY": platform["admin_api_key"],
    }

    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", readme_walk_through()],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    out = done.stdout
    assert done.returncode == 0, f"{out[-4000:]}\n{done.stderr[-4000:]}"
    assert '"error":' not in out, out[-4000:]
    assert re.search(r"HTTP/\S+ 410", out)  # step 6: the mistake, revoked (after the list)
    assert out.count('"verdict":"valid"') == 2  # step 8: the URL and the baked image
    assert '"valid": true' in out  # step 9: the 1EdTech validator's report
    assert '"verified":true' in out  # step 9: DCC verifier-core
    assert (tmp_path / "baked.png").read_bytes().startswith(b"\x89PNG")
