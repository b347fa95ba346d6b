"""Graduation day: N rows through the local platform as one batch, against one request a row.

`python -m bench.batch_bench [rows] [single] [platform options]`: posts a CSV of `rows`
graduates (default 10,000) to the seeded demo badge, polls the batch until it settles, and
checks that every row was issued with its four signed forms and its e-mail queued. Then
issues `single` rows (default 200) one request at a time and prints the ratio of the two
rates. Options after those go to `python -m devplatform` (`--sync normal`, `--workers 3`).
Not a timed test.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from devplatform.process import running_platform


def graduation_csv(rows: int, tag: str) -> bytes:
    lines = ["email,name,narrative,evidence_url,external_id"]
    lines += [
        f"grad-{tag}-{n}@example.org,Graduate {n},Thesis defended on graduation day,"
        f"https://uni.example/theses/{n},{tag}-{n}"
        for n in range(rows)
    ]
    return "\r\n".join(lines).encode()


def run_batch(platform: dict[str, Any], rows: int) -> dict[str, Any]:
    demo = platform["demo"]
    headers = {"Authorization": f"Bearer {demo['api_key']}"}
    body = graduation_csv(rows, uuid.uuid4().hex[:8])
    started = time.perf_counter()
    reply = requests.post(
        f"{platform['base_url']}/v1/badges/{demo['badge']['id']}/batches",
        data=body,
        headers={**headers, "Content-Type": "text/csv"},
        timeout=300,
    )
    reply.raise_for_status()
    accepted = time.perf_counter() - started
    batch = reply.json()
    last, status = -1, batch["status"]
    while batch["status"] not in ("done", "failed"):
        time.sleep(0.5)
        batch = requests.get(batch["links"]["self"], headers=headers, timeout=30).json()
        settled = batch["issued"] + batch["skipped"] + batch["failed"]
        moment = f"after {time.perf_counter() - started:.1f} s"
        if batch["status"] != status:
            print(f"  {batch['status']} {moment}")
            status = batch["status"]
        if settled // 1000 != last // 1000 or (settled and last <= 0):
            print(f"  {settled}/{batch['total']} {moment}")
        last = settled
    elapsed = time.perf_counter() - started
    return {"batch": batch, "accepted_s": accepted, "elapsed_s": elapsed}


def check_sample(platform: dict[str, Any], batch: dict[str, Any]) -> int:
    """The newest assertions of the badge: four forms each, e-mail queued (pending)."""
    demo = platform["demo"]
    headers = {"Authorization": f"Bearer {demo['api_key']}"}
    page = requests.get(
        f"{platform['base_url']}/v1/badges/{demo['badge']['id']}/assertions",
        params={"limit": 100},
        headers=headers,
        timeout=30,
    ).json()
    for item in page["items"]:
        links = item["links"]
        for form in ("ob2Signed", "credential", "credentialJwt", "baked"):
            assert links.get(form), form
        assert item["delivery"]["state"] in ("pending", "sent"), item["delivery"]
    jws = requests.get(page["items"][0]["links"]["ob2Signed"], timeout=30)
    credential = requests.get(page["items"][0]["links"]["credential"], timeout=30).json()
    assert jws.status_code == 200 and credential["proof"]["proofValue"]
    return len(page["items"])


def run_single(platform: dict[str, Any], rows: int, clients: int = 2) -> float:
    """Rows per second issuing one request a row (as many clients as the machine has cores)."""
    demo = platform["demo"]
    url = f"{platform['base_url']}/v1/badges/{demo['badge']['id']}/assertions"
    headers = {"Authorization": f"Bearer {demo['api_key']}"}
    tag = uuid.uuid4().hex[:8]

    def one(n: int) -> None:
        reply = requests.post(
            url,
            json={
                "recipient": {"email": f"single-{tag}-{n}@example.org", "name": f"Graduate {n}"},
                "narrative": "Thesis defended on graduation day",
                "evidence": [{"url": f"https://uni.example/theses/{n}"}],
            },
            headers=headers,
            timeout=60,
        )
        reply.raise_for_status()

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, range(rows)))
    return rows / (time.perf_counter() - started)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    single = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    args = sys.argv[3:]  # the platform's own options, e.g. --sync normal or --workers 3
    with running_platform(timeout=120, args=args) as platform:
        os.environ["REQUESTS_CA_BUNDLE"] = platform["ca_file"]
        result = run_batch(platform, rows)
        batch = result["batch"]
        print(
            f"batch of {rows}: {batch['status']}, issued {batch['issued']}, "
            f"skipped {batch['skipped']}, failed {batch['failed']}; "
            f"202 after {result['accepted_s']:.1f} s, settled after {result['elapsed_s']:.1f} s "
            f"({rows / result['elapsed_s']:.0f} rows/s)"
        )
        assert (batch["total"], batch["issued"]) == (rows, rows), batch
        print(f"checked {check_sample(platform, batch)} assertions: four forms, e-mail queued")
        if not single:
            return
        per_second = run_single(platform, single)
        ratio = (rows / result["elapsed_s"]) / per_second
        print(
            f"one request a row: {per_second:.1f} rows/s over {single} rows; batch is {ratio:.1f}x"
        )


if __name__ == "__main__":
    main()
