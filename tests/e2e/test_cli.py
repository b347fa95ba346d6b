"""`badgehub verify` as an issuer runs it: a real process against the running local platform.

Exit 0 for a valid badge, 1 for one that is not (revoked), 2 when there is no verdict to give
(a missing file, nothing listening, an untrusted certificate); errors are one line on stderr,
never a traceback.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.portal import issue_demo

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def badgehub(
    *args: str, url: str, ca: str | None, stdin: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BADGEHUB_", "REQUESTS_"))}
    env["BADGEHUB_URL"] = url
    if ca:
        env["BADGEHUB_CA_BUNDLE"] = ca
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-m", "badgehub_cli", *args],
        cwd=ROOT,
        env=env,
        input=stdin.decode() if stdin else None,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in done.stderr + done.stdout
    return done


def verify(platform: dict[str, Any], *args: str) -> subprocess.CompletedProcess[str]:
    return badgehub("verify", *args, url=platform["base_url"], ca=platform["ca_file"])


def _download(url: str, to: Path) -> Path:
    reply = requests.get(url, timeout=30)
    reply.raise_for_status()
    to.write_bytes(reply.content)
    return to


def test_a_badge_issued_here_is_valid_as_a_file_and_as_a_url(
    platform: dict[str, Any], tmp_path: Path
) -> None:
    issued = issue_demo(platform, "cli-valid@example.org")
    baked = _download(issued["links"]["baked"], tmp_path / "badge.png")
    credential = _download(issued["links"]["credential"], tmp_path / "badge.json")
    signed = _download(issued["links"]["ob2Signed"], tmp_path / "badge.jws")

    for subject in (str(baked), str(credential), str(signed), issued["links"]["assertion"]):
        done = verify(platform, subject)
        assert done.returncode == 0, done.stdout + done.stderr
        lines = done.stdout.splitlines()
        assert lines[0] == "✓ VALID", subject
        assert "Checks:" in lines
        assert any(line.startswith("  ✓ proof") or "hosted" in line for line in lines)


def test_the_recipient_is_checked_when_asked(platform: dict[str, Any], tmp_path: Path) -> None:
    issued = issue_demo(platform, "cli-who@example.org")
    baked = _download(issued["links"]["baked"], tmp_path / "badge.png")

    signed = _download(issued["links"]["ob2Signed"], tmp_path / "badge.jws")

    for subject in (str(baked), str(signed), issued["links"]["assertion"]):
        assert verify(platform, "--recipient", "cli-who@example.org", subject).returncode == 0
        other = verify(platform, "--recipient", "someone-else@example.org", subject)
        assert other.returncode == 1, subject
        assert "✗ recipient" in other.stdout


def test_a_revoked_badge_exits_1_and_says_revoked_with_the_reason(
    platform: dict[str, Any], tmp_path: Path
) -> None:
    issued = issue_demo(platform, "cli-revoked@example.org")
    baked = _download(issued["links"]["baked"], tmp_path / "badge.png")  # before: then 410
    requests.post(
        f"{platform['base_url']}/v1/assertions/{issued['id']}/revoke",
        json={"reason": "Awarded in error"},
        headers={"Authorization": f"Bearer {platform['demo']['api_key']}"},
        timeout=30,
    ).raise_for_status()

    for subject in (str(baked), issued["links"]["assertion"]):
        done = verify(platform, subject)
        assert done.returncode == 1, done.stdout + done.stderr
        assert done.stdout.splitlines()[0] == "✗ REVOKED by its issuer"
        assert "Reason given by the issuer: Awarded in error" in done.stdout

    raw = verify(platform, "--json", str(baked))
    assert raw.returncode == 1
    assert json.loads(raw.stdout)["verdict"] == "revoked"


def test_a_badge_on_standard_input(platform: dict[str, Any]) -> None:
    issued = issue_demo(platform, "cli-stdin@example.org")
    jws = requests.get(issued["links"]["ob2Signed"], timeout=30).text
    done = badgehub(
        "verify", "-", url=platform["base_url"], ca=platform["ca_file"], stdin=jws.encode()
    )
    assert done.returncode == 0, done.stderr


def test_a_missing_file_exits_2_with_a_clear_message(
    platform: dict[str, Any], tmp_path: Path
) -> None:
    done = verify(platform, str(tmp_path / "nowhere.png"))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip() == f"badgehub: no such file: {tmp_path / 'nowhere.png'}"


def test_not_a_badge_exits_2_with_the_platforms_reason(
    platform: dict[str, Any], tmp_path: Path
) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("hello")
    done = verify(platform, str(junk))
    assert done.returncode == 2
    assert done.stderr.startswith("badgehub: the platform refused it (400): ")
    assert done.stderr.strip().endswith("(jws)")


def test_connection_refused_exits_2(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    badge = tmp_path / "badge.json"
    badge.write_text("{}")
    done = badgehub("verify", str(badge), url=f"http://127.0.0.1:{port}", ca=None)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"badgehub: cannot reach http://127.0.0.1:{port}: connection refused "
        "(is the platform running?)"
    )


def test_a_certificate_not_trusted_exits_2_and_says_how_to_trust_it(
    platform: dict[str, Any], tmp_path: Path
) -> None:
    badge = tmp_path / "badge.json"
    badge.write_text("{}")
    done = badgehub("verify", str(badge), url=platform["base_url"], ca=None)
    assert done.returncode == 2
    assert f"badgehub: cannot trust {platform['base_url']}" in done.stderr
    assert "BADGEHUB_CA_BUNDLE" in done.stderr


def test_a_reader_that_stops_after_the_verdict_leaves_the_exit_status_alone(
    platform: dict[str, Any],
) -> None:
    """`badgehub verify URL | head -1`: the verdict still decides the status, no traceback."""
    issued = issue_demo(platform, "cli-head@example.org")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BADGEHUB_")}
    env |= {
        "BADGEHUB_URL": platform["base_url"],
        "BADGEHUB_CA_BUNDLE": platform["ca_file"],
        "PYTHONUNBUFFERED": "1",  # every line written at once, so the pipe breaks mid-report
        "PYTHONPATH": os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "badgehub_cli", "verify", issued["links"]["assertion"]],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline() == "✓ VALID\n".encode()
    process.stdout.close()
    assert process.wait(timeout=60) == 0
    assert process.stderr.read() == b""
