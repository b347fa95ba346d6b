"""Functions on the local platform run as on Lambda: in worker processes of their own, with
their own environment, fed by HTTP routes, schedules and a queue (a small test template)."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from devplatform.process import running_platform
from tests.e2e.conftest import FIXTURE_TEMPLATE, FRONT_ONLY

pytestmark = pytest.mark.e2e
CODE = FIXTURE_TEMPLATE.parent / "functions"


def _get(platform: dict[str, Any], path: str, timeout: float = 10) -> requests.Response:
    return requests.get(platform["base_url"] + path, timeout=timeout)


def _client(platform: dict[str, Any], service: str) -> Any:
    return boto3.client(
        service,
        region_name="us-east-1",
        endpoint_url=platform["aws_endpoint"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def _records(platform: dict[str, Any], prefix: str) -> list[Any]:
    s3 = _client(platform, "s3")
    bucket = next(b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"].endswith("records"))
    listing = s3.list_objects_v2(Bucket=bucket, Prefix=prefix + "/").get("Contents", [])
    return [
        json.loads(s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()) for item in listing
    ]


def _eventually(check: Callable[[], bool], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.2)


def test_two_concurrent_requests_run_in_parallel_in_two_worker_processes(
    functions_platform: dict[str, Any],
) -> None:
    started = time.monotonic()
    with ThreadPoolExecutor(2) as pool:
        replies = list(pool.map(lambda _: _get(functions_platform, "/sleep/1"), range(2)))
    elapsed = time.monotonic() - started
    pids = {reply.json()["pid"] for reply in replies}
    assert len(pids) == 2
    assert functions_platform["pid"] not in pids
    assert elapsed < 1.8  # one after the other would take two seconds


def test_each_function_sees_its_own_environment_and_no_other(
    functions_platform: dict[str, Any],
) -> None:
    probe = _get(functions_platform, "/whoami").json()
    other = _get(functions_platform, "/other/env").json()["environment"]
    env = probe["environment"]
    assert env["ONLY_PROBE"] == "probe-value"
    assert env["SHARED"] == other["SHARED"] == "everyone"  # Globals reach every function
    assert env["RECORDS_BUCKET"].endswith("records")  # a Ref, resolved to the local bucket
    assert env["JOBS_QUEUE"].startswith(functions_platform["aws_endpoint"])  # a queue's URL
    assert env["JOBS_ARN"].startswith("arn:aws:sqs:us-east-1:")
    assert "ONLY_OTHER" not in env
    assert other["ONLY_OTHER"] == "other-value"
    assert "ONLY_PROBE" not in other
    assert FRONT_ONLY not in env
    assert FRONT_ONLY not in other
    assert probe["function_name"] == "ProbeFunction"
    assert Path(probe["cwd"]) == CODE / "probe"  # the handler's directory, as in Lambda


def test_a_request_becomes_an_api_gateway_v2_event(functions_platform: dict[str, Any]) -> None:
    reply = requests.post(
        functions_platform["base_url"] + "/echo/ada?x=1&x=2&empty=",
        data=b"\x89PNG\r\n\x1a\n",
        headers={"Content-Type": "image/png", "Cookie": "a=1; b=2"},
        timeout=10,
    )
    assert reply.status_code == 200
    event = reply.json()["event"]
    assert event["version"] == "2.0"
    assert event["routeKey"] == "POST /echo/{name}"
    assert event["rawPath"] == "/echo/ada"
    assert event["pathParameters"] == {"name": "ada"}
    assert event["queryStringParameters"] == {"x": "1,2", "empty": ""}
    assert event["cookies"] == ["a=1", "b=2"]
    assert event["isBase64Encoded"] is True
    assert event["requestContext"]["http"]["method"] == "POST"
    assert event["requestContext"]["routeKey"] == "POST /echo/{name}"
    assert 0 < reply.json()["remaining_ms"] <= 4000  # the template's Timeout


def test_health_and_other_functions_answer_while_one_function_is_saturated(
    functions_platform: dict[str, Any],
) -> None:
    with ThreadPoolExecutor(8) as pool:
        busy = [pool.submit(_get, functions_platform, "/sleep/2") for _ in range(8)]
        time.sleep(0.3)
        health_times = []
        for _ in range(5):
            started = time.monotonic()
            assert _get(functions_platform, "/health", timeout=1).status_code == 200
            health_times.append(time.monotonic() - started)
        started = time.monotonic()
        assert _get(functions_platform, "/other/env", timeout=2).status_code == 200
        other_time = time.monotonic() - started
        assert all(f.result().status_code == 200 for f in busy)
    assert max(health_times) < 1
    assert other_time < 1


def test_a_handler_past_its_timeout_gets_504_and_a_fresh_worker(
    functions_platform: dict[str, Any],
) -> None:
    reply = _get(functions_platform, "/sleep/6")  # the template's Timeout is 4 s
    assert reply.status_code == 504
    assert reply.json()["error"]["code"] == "timeout"
    assert _get(functions_platform, "/whoami").status_code == 200


def test_the_schedule_run_endpoint_fires_every_scheduled_function(
    functions_platform: dict[str, Any],
) -> None:
    reply = requests.post(functions_platform["base_url"] + "/_local/schedules/run", timeout=10)
    assert reply.status_code == 200
    fired = {(f["function"], f["event"]): f for f in reply.json()["fired"]}
    assert set(fired) == {("NightlyFunction", "Nightly"), ("NightlyFunction", "Hourly")}
    assert {f["status"] for f in fired.values()} == {"ok"}
    events = _records(functions_platform, "scheduled")
    assert {"job": "hourly"} in events  # the event's own Input
    assert any(e.get("detail-type") == "Scheduled Event" for e in events)  # EventBridge's event
    assert _get(functions_platform, "/_local/schedules/run").status_code == 405


def test_queue_messages_arrive_in_batches_failures_retry_then_go_to_the_dlq(
    functions_platform: dict[str, Any],
) -> None:
    sqs = _client(functions_platform, "sqs")
    urls = sqs.list_queues()["QueueUrls"]
    jobs = next(u for u in urls if u.endswith("-jobs"))
    dead = next(u for u in urls if u.endswith("-jobsdead"))
    sqs.send_message_batch(
        QueueUrl=jobs,
        Entries=[{"Id": str(i), "MessageBody": body} for i, body in enumerate(["a", "fail", "b"])],
    )

    def dead_lettered() -> list[str]:
        got = sqs.receive_message(QueueUrl=dead, MaxNumberOfMessages=10).get("Messages", [])
        return [m["Body"] for m in got]

    found: list[str] = []
    _eventually(lambda: bool(found.extend(dead_lettered()) or found))
    assert found == ["fail"]
    deliveries = _records(functions_platform, "deliveries")
    bodies = sorted(d["body"] for d in deliveries)
    assert bodies == ["a", "b", "fail", "fail"]  # the successes once, the failure maxReceiveCount
    counts = sorted(
        int(d["attributes"]["ApproximateReceiveCount"]) for d in deliveries if d["body"] == "fail"
    )
    assert counts == [1, 2]
    batches = _records(functions_platform, "batches")
    assert max(len(batch) for batch in batches) >= 2  # delivered together, not one by one
    assert all(len(batch) <= 5 for batch in batches)  # the event's BatchSize
    attributes = sqs.get_queue_attributes(QueueUrl=jobs, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "0"
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "0"


def _alive(pid: int) -> bool:
    """Running, as opposed to gone or a zombie nobody has reaped yet."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_stopping_the_front_leaves_no_worker_or_emulator_running(how: signal.Signals) -> None:
    with running_platform(template=FIXTURE_TEMPLATE, args=("--no-seed", "--http")) as info:
        workers = [pid for pids in info["workers"].values() for pid in pids]
        assert len(workers) == 8
        workers.append(info["emulator_pid"])
        assert all(_alive(pid) for pid in workers)
        os.kill(info["pid"], how)
        _eventually(lambda: not any(_alive(pid) for pid in workers), timeout=10)


def test_a_chunked_body_past_the_cap_is_413_too(functions_platform: dict[str, Any]) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"x" * 64 * 1024  # 2.5 MiB in all, with no Content-Length up front

    reply = requests.post(functions_platform["base_url"] + "/echo/big", data=chunks(), timeout=10)
    assert reply.status_code == 413
    assert reply.json()["error"]["field"] == "body"
