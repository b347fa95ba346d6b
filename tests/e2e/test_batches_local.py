"""A small CSV batch on the running local platform: posted, queued, issued by the worker
processes through the platform's SQS deliveries, settled, and mailed to the local mailbox."""

from __future__ import annotations

import csv
import io
import time
from typing import Any

import pytest
import requests

pytestmark = pytest.mark.e2e


def _wait_until_settled(platform: dict[str, Any], batch_id: str, key: str) -> dict[str, Any]:
    deadline = time.monotonic() + 90
    while True:
        reply = requests.get(
            f"{platform['base_url']}/v1/batches/{batch_id}",
            headers={"Authorization": f"Bearer {key}"},
            timeout=10,
        )
        assert reply.status_code == 200, reply.text
        body: dict[str, Any] = reply.json()
        if body["status"] in ("done", "failed") or time.monotonic() > deadline:
            return body
        time.sleep(0.3)


def test_a_small_csv_batch_completes_end_to_end(platform: dict[str, Any]) -> None:
    demo = platform["demo"]
    key = demo["api_key"]
    rows = ["email,name,narrative,external_id"]
    rows += [f"e2e-batch-{n}@example.org,Graduate {n},Thesis {n},E2E-{n}" for n in range(1, 13)]
    rows += ['=HYPERLINK("http://evil.example"),Mallory,,E2E-bad']
    reply = requests.post(
        f"{platform['base_url']}/v1/badges/{demo['badge']['id']}/batches",
        data="\r\n".join(rows).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "text/csv"},
        timeout=30,
    )
    assert reply.status_code == 202, reply.text
    created = reply.json()
    assert created["status"] == "validating"

    settled = _wait_until_settled(platform, created["id"], key)
    assert (settled["status"], settled["total"], settled["issued"], settled["failed"]) == (
        "done",
        13,
        12,
        1,
    )

    errors = requests.get(
        settled["links"]["errors"], headers={"Authorization": f"Bearer {key}"}, timeout=10
    )
    [header, (row, field, _message)] = list(csv.reader(io.StringIO(errors.text)))
    assert (header, row, field) == (["row", "field", "message"], "13", "email")

    again = requests.post(
        f"{platform['base_url']}/v1/badges/{demo['badge']['id']}/batches",
        data="\r\n".join(rows[:4]).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "text/csv"},
        timeout=30,
    )
    repeated = _wait_until_settled(platform, again.json()["id"], key)
    assert (repeated["issued"], repeated["skipped"]) == (0, 3)

    listed: list[dict[str, Any]] = []
    cursor = ""
    while True:  # the session's platform holds other tests' badges too
        page = requests.get(
            f"{platform['base_url']}/v1/badges/{demo['badge']['id']}/assertions",
            params={"limit": 100, **({"cursor": cursor} if cursor else {})},
            headers={"Authorization": f"Bearer {key}"},
            timeout=10,
        ).json()
        listed += page["items"]
        if not page["nextCursor"]:
            break
        cursor = page["nextCursor"]
    ours = [a for a in listed if a["recipient"]["email"].startswith("e2e-batch-")]
    assert len(ours) == 12
    credential = requests.get(ours[0]["links"]["credential"], timeout=10)
    assert credential.status_code == 200
    assert credential.json()["proof"]["cryptosuite"] == "eddsa-rdfc-2022"


def test_a_file_put_to_its_upload_url_starts_its_batch_with_no_start_call(
    platform: dict[str, Any],
) -> None:
    demo = platform["demo"]
    key = demo["api_key"]
    created = requests.post(
        f"{platform['base_url']}/v1/badges/{demo['badge']['id']}/batches/uploads",
        params={"contentType": "text/csv", "notify": "false"},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    ).json()
    assert created["status"] == "awaiting_upload"
    rows = ["email,name,external_id"]
    rows += [f"e2e-upload-{n}@example.org,Graduate {n},E2E-UP-{n}" for n in range(1, 6)]

    put = requests.put(
        created["upload"]["url"],
        data="\n".join(rows).encode(),
        headers=created["upload"]["headers"],
        timeout=30,
    )
    assert put.status_code == 200, put.text

    settled = _wait_until_settled(platform, created["id"], key)
    assert (settled["status"], settled["total"], settled["issued"]) == ("done", 5, 5)
    started = requests.post(
        f"{platform['base_url']}/v1/batches/{created['id']}/start",
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    assert (started.status_code, started.json()["issued"]) == (202, 5)  # started once, still


def test_a_put_to_an_upload_url_of_a_started_batch_starts_nothing_again(
    platform: dict[str, Any],
) -> None:
    """Replaying the upload (the URL stays valid for an hour) changes nothing once started."""
    demo = platform["demo"]
    key = demo["api_key"]
    created = requests.post(
        f"{platform['base_url']}/v1/badges/{demo['badge']['id']}/batches/uploads",
        params={"contentType": "text/csv", "notify": "false"},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    ).json()
    first = b"email,external_id\ne2e-replay-1@example.org,E2E-REPLAY-1\n"
    requests.put(
        created["upload"]["url"], data=first, headers=created["upload"]["headers"], timeout=30
    )
    settled = _wait_until_settled(platform, created["id"], key)
    assert (settled["status"], settled["issued"]) == ("done", 1)

    other = b"email,external_id\ne2e-replay-2@example.org,E2E-REPLAY-2\n"
    requests.put(
        created["upload"]["url"], data=other, headers=created["upload"]["headers"], timeout=30
    )
    time.sleep(2)  # the notice's poller runs every 0.2 s
    after = _wait_until_settled(platform, created["id"], key)
    assert (after["status"], after["total"], after["issued"]) == ("done", 1, 1)
