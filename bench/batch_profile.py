"""Graduation day, one worker in-process: what a batch row costs, and where the time goes.

`python -m bench.batch_profile [--rows N] [--profile]`: posts N rows (default 500) as a batch
through the real issue handler on the local adapters (SQLite, files, local keys), runs the
worker handler on the start message, then on each row message as SQS would deliver it, and
prints milliseconds per row (wall and this process's CPU), after one warm-up message. With
`--profile`, cProfile's top entries over the row messages. Queue and uploads are in memory, so
the numbers are the worker's own, without moto.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from badgehub.runtime import wiring
from bench.batch_bench import graduation_csv
from bench.local_store_bench import ENVIRONMENT, HOST, Client, setup
from devplatform import local
from devplatform.gateway import Gateway, HttpRequest
from devplatform.lambda_runtime import LambdaContext
from tests.support.fakes import MemoryRowQueue, MemoryUploads

WORKER = "IssueWorkerFunction"


def sqs_event(body: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": str(uuid.uuid4()),
                "receiptHandle": "bench",
                "body": body,
                "attributes": {},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:rows",
                "awsRegion": "us-east-1",
            }
        ]
    }


def run(data_dir: Path, rows: int, profile: bool) -> None:
    os.environ.update(ENVIRONMENT)
    wiring.reset()
    queue, uploads = MemoryRowQueue(), MemoryUploads()
    local.claim(data_dir)
    wiring.install(lambda: local.ports.local_ports(data_dir, lambda: queue, lambda: uploads))
    gateway = Gateway()
    badge_id, token = setup(Client(gateway))
    reply = gateway.invoke(
        HttpRequest(
            "POST",
            f"/v1/badges/{badge_id}/batches?notify=true",
            {"host": HOST, "content-type": "text/csv", "authorization": f"Bearer {token}"},
            graduation_csv(rows, uuid.uuid4().hex[:8]),
            HOST,
        )
    )
    assert reply["statusCode"] == 202, reply
    batch_id = json.loads(reply["body"])["id"]
    worker = gateway.handler(WORKER)
    context = LambdaContext(function_name=WORKER)
    [start] = queue.messages
    queue.messages = []
    began = time.perf_counter()
    worker(sqs_event(start), context)
    print(f"start (check {rows} rows, queue them): {(time.perf_counter() - began) * 1000:.0f} ms")
    first, *messages = queue.messages
    worker(sqs_event(first), context)  # warm-up: imports, contexts, keys
    warm_rows = len(json.loads(first)["rows"])
    profiler = cProfile.Profile() if profile else None
    wall, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    for message in messages:
        result = worker(sqs_event(message), context)
        assert not result.get("batchItemFailures"), result
    if profiler:
        profiler.disable()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    timed = rows - warm_rows
    print(
        f"{timed} rows in {len(messages)} messages: {wall / timed * 1000:.1f} ms a row (wall), "
        f"{cpu / timed * 1000:.1f} ms CPU; load average {os.getloadavg()[0]:.1f}"
    )
    done = json.loads(
        gateway.invoke(
            HttpRequest(
                "GET",
                f"/v1/batches/{batch_id}",
                {"host": HOST, "authorization": f"Bearer {token}"},
                b"",
                HOST,
            )
        )["body"]
    )
    assert (done["status"], done["issued"]) == ("done", rows), done
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(45)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="badgehub-batch-") as tmp:
        run(Path(tmp) / "data", args.rows, args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
