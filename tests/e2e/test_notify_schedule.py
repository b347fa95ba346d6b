"""The notify job on the local platform: its template schedule fires on `POST
/_local/schedules/run`, and a Diploma Supplement notice lands in the local mailbox, once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from devplatform.local.ports import TABLE_FILE
from devplatform.local.sqlite_table import SqliteTable
from tests.support.notices import attach_supplement
from tests.support.portal import issue_demo

pytestmark = pytest.mark.e2e


def mailbox(platform: dict[str, Any], to: str) -> list[dict[str, Any]]:
    reply = requests.get(f"{platform['base_url']}/_local/mail.json", params={"to": to}, timeout=30)
    reply.raise_for_status()
    found: list[dict[str, Any]] = reply.json()
    return found


def run_schedules(platform: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    reply = requests.post(f"{platform['base_url']}/_local/schedules/run", timeout=120)
    assert reply.status_code == 200, reply.text
    return {(f["function"], f["event"]): f for f in reply.json()["fired"]}


def test_the_notify_schedule_sends_a_supplement_notice_to_the_local_mailbox_once(
    platform: dict[str, Any],
) -> None:
    email = f"grad-{uuid.uuid4().hex[:8]}@example.org"
    issued = issue_demo(platform, email)
    # The attach route is its own piece of work: write the version and its notice as it does.
    table = SqliteTable(Path(platform["data_dir"]) / TABLE_FILE)
    issuer_id = platform["demo"]["issuer"]["id"]
    attach_supplement(table, issuer_id, issued["id"], 1, datetime.now(UTC))

    fired = run_schedules(platform)
    assert fired[("NotifyFunction", "EveryFiveMinutes")]["status"] == "ok"
    notices = [m for m in mailbox(platform, email) if "Diploma Supplement" in m["subject"]]
    assert len(notices) == 1
    assert f"{platform['base_url']}/backpack#badge-{issued['id']}" in notices[0]["text"]

    run_schedules(platform)  # settled: a second run sends nothing more
    again = [m for m in mailbox(platform, email) if "Diploma Supplement" in m["subject"]]
    assert len(again) == 1
