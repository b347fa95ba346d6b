"""The upload bucket's ObjectCreated notices start their batches: once, only theirs, and
nothing for whatever else S3 (or anyone able to invoke the function) sends."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest

from badgehub.domain.batches import BatchStatus
from badgehub.domain.errors import ServiceUnavailable
from badgehub.runtime import jobs, wiring
from badgehub.usecases import batches
from badgehub.usecases.auth import Principal
from devplatform.lambda_runtime import LambdaContext
from devplatform.template import ROOT
from tests.support.fakes import FakePorts
from tests.unit.test_batches_on_fakes import a_tenant, graduates, work

# A notice as the S3 documentation shows one ("Event message structure", version 2.1).
DOCUMENTED: dict[str, Any] = {
    "Records": [
        {
            "eventVersion": "2.1",
            "eventSource": "aws:s3",
            "awsRegion": "us-east-1",
            "eventTime": "1970-01-01T00:00:00.000Z",
            "eventName": "ObjectCreated:Put",
            "userIdentity": {"principalId": "AIDAJDPLRKLG7UEXAMPLE"},
            "requestParameters": {"sourceIPAddress": "127.0.0.1"},
            "responseElements": {
                "x-amz-request-id": "C3D13FE58DE4C810",
                "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD",
            },
            "s3": {
                "s3SchemaVersion": "1.0",
                "configurationId": "testConfigRule",
                "bucket": {
                    "name": "amzn-s3-demo-bucket",
                    "ownerIdentity": {"principalId": "A3NL1KOZZKExample"},
                    "arn": "arn:aws:s3:::amzn-s3-demo-bucket",
                },
                "object": {
                    "key": "HappyFace.jpg",
                    "size": 1024,
                    "eTag": "d41d8cd98f00b204e9800998ecf8427e",
                    "versionId": "096fKKXTRTtl3on89fVO.nfljtsv6qko",
                    "sequencer": "0055AED6DCD90281E5",
                },
            },
        }
    ]
}


def notice(key: str, size: int = 120, event_name: str = "ObjectCreated:Put") -> dict[str, Any]:
    event = copy.deepcopy(DOCUMENTED)
    record = event["Records"][0]
    record["eventName"] = event_name
    record["s3"]["object"].update(key=key, size=size)
    return event


@pytest.fixture
def ports() -> Iterator[FakePorts]:
    made = FakePorts()
    wiring.install(lambda: made)
    yield made
    wiring.reset()


def awaiting(ports: FakePorts) -> tuple[Principal, str]:
    principal, badge_id = a_tenant(ports)
    view, _ = batches.create_upload(principal, badge_id, "text/csv", dry_run=False, ports=ports)
    ports.memory_uploads.objects[batches.upload_key(view.batch.id)] = graduates(1, 2)
    return principal, view.batch.id


def status(ports: FakePorts, principal: Principal, batch_id: str) -> BatchStatus:
    return batches.get_batch(principal, batch_id, ports=ports).batch.status


def test_the_notice_of_a_landed_file_starts_its_batch_once_and_the_batch_settles(
    ports: FakePorts,
) -> None:
    principal, batch_id = awaiting(ports)

    landed = jobs.start_uploaded_batches(notice(f"batches/{batch_id}"))
    replayed = jobs.start_uploaded_batches(notice(f"batches/{batch_id}"))
    by_api = batches.start_upload(principal, batch_id, ports=ports)

    assert (landed, replayed) == ({"started": 1, "ignored": 0}, {"started": 0, "ignored": 1})
    assert by_api.batch.status is BatchStatus.VALIDATING
    assert [json.loads(m) for m in ports.memory_queue.messages] == [{"start": batch_id}]
    work(ports)
    done = batches.get_batch(principal, batch_id, ports=ports)
    assert (done.batch.status, done.counts.issued) == (BatchStatus.DONE, 2)


def test_a_notice_after_the_api_started_the_batch_starts_nothing(ports: FakePorts) -> None:
    principal, batch_id = awaiting(ports)
    batches.start_upload(principal, batch_id, ports=ports)

    assert jobs.start_uploaded_batches(notice(f"batches/{batch_id}")) == {
        "started": 0,
        "ignored": 1,
    }
    assert len(ports.memory_queue.messages) == 1


def test_the_key_is_read_url_encoded_as_s3_spells_it(ports: FakePorts) -> None:
    principal, batch_id = awaiting(ports)
    assert jobs.start_uploaded_batches(notice(f"batches%2F{batch_id}"))["started"] == 1
    assert status(ports, principal, batch_id) is BatchStatus.VALIDATING


def test_the_function_handler_takes_the_documented_notice(ports: FakePorts) -> None:
    from devplatform.gateway import _load_in_process
    from devplatform.template import read

    [function] = [f for f in read().functions() if f.logical_id == "BatchUploadFunction"]
    assert function.code_uri == ROOT / "functions" / "batch_upload"
    principal, batch_id = awaiting(ports)
    handler = _load_in_process(function)
    result = handler(notice(f"batches/{batch_id}"), LambdaContext(function_name="BatchUpload"))
    assert result == {"started": 1, "ignored": 0}
    assert status(ports, principal, batch_id) is BatchStatus.VALIDATING


@pytest.mark.parametrize(
    "key",
    [
        "HappyFace.jpg",
        "batches/",
        "batches/{id}/../{other}",
        "batches/../batches/{id}",
        "batches/{id}/extra",
        "batches/{id}%0A",
        "batches/{id}%00",
        "batches/{id}+",
        "batches/{upper}",
        "other/{id}",
        "/batches/{id}",
        "batches//{id}",
        "batches/{id}" + "x" * 2000,
    ],
)
def test_hostile_or_foreign_keys_start_nothing(ports: FakePorts, key: str) -> None:
    principal, batch_id = awaiting(ports)
    _, other = awaiting(ports)

    result = jobs.start_uploaded_batches(
        notice(key.format(id=batch_id, other=other, upper=batch_id.upper()))
    )

    assert result == {"started": 0, "ignored": 1}
    assert status(ports, principal, batch_id) is BatchStatus.AWAITING_UPLOAD
    assert ports.memory_queue.messages == []


def test_an_unknown_batch_or_a_posted_file_starts_nothing(ports: FakePorts) -> None:
    principal, badge_id = a_tenant(ports)
    posted = batches.create_batch(
        principal, badge_id, graduates(1), "text/csv", dry_run=False, ports=ports
    )
    queued = list(ports.memory_queue.messages)
    unknown = "3f0c2b4e-9a1d-4c3b-8e2f-0a1b2c3d4e5f"

    assert jobs.start_uploaded_batches(notice(f"batches/{unknown}"))["started"] == 0
    assert jobs.start_uploaded_batches(notice(f"batches/{posted.batch.id}"))["started"] == 0
    assert ports.memory_queue.messages == queued


@pytest.mark.parametrize(
    "event",
    [
        {},
        {"Records": None},
        {"Records": "x"},
        {"Records": [None, 1, "x", {}]},
        {"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": "uploads"},
        {"Records": [{"eventSource": "aws:sqs", "body": "{}"}]},
        {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put"}]},
        {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "s3": []}]},
    ],
)
def test_anything_that_is_not_an_object_created_notice_starts_nothing(
    ports: FakePorts, event: dict[str, Any]
) -> None:
    assert jobs.start_uploaded_batches(event) == {"started": 0, "ignored": 0}


def test_other_kinds_of_notice_and_odd_sizes_start_nothing(ports: FakePorts) -> None:
    principal, batch_id = awaiting(ports)
    removed = notice(f"batches/{batch_id}", event_name="ObjectRemoved:Delete")
    odd = [notice(f"batches/{batch_id}") for _ in range(3)]
    odd[0]["Records"][0]["s3"]["object"]["size"] = "120"
    odd[1]["Records"][0]["s3"]["object"]["size"] = True
    odd[2]["Records"][0]["s3"]["object"]["key"] = ["batches", batch_id]
    for event in (removed, *odd):
        assert jobs.start_uploaded_batches(event)["started"] == 0
    assert status(ports, principal, batch_id) is BatchStatus.AWAITING_UPLOAD


def test_a_file_over_the_limit_fails_its_batch_with_the_reason(ports: FakePorts) -> None:
    principal, batch_id = awaiting(ports)
    too_big = notice(f"batches/{batch_id}", size=batches.MAX_UPLOAD_BYTES + 1)

    assert jobs.start_uploaded_batches(too_big)["started"] == 0

    failed = batches.get_batch(principal, batch_id, ports=ports).batch
    assert failed.status is BatchStatus.FAILED
    assert failed.message and "over" in failed.message
    assert ports.memory_queue.messages == []


def test_a_failing_queue_raises_so_the_notice_comes_again_and_then_starts_the_batch(
    ports: FakePorts,
) -> None:
    principal, batch_id = awaiting(ports)
    ports.memory_queue.failing = True
    with pytest.raises(ServiceUnavailable):
        jobs.start_uploaded_batches(notice(f"batches/{batch_id}"))
    assert status(ports, principal, batch_id) is BatchStatus.AWAITING_UPLOAD

    ports.memory_queue.failing = False
    assert jobs.start_uploaded_batches(notice(f"batches/{batch_id}"))["started"] == 1
    assert status(ports, principal, batch_id) is BatchStatus.VALIDATING


def test_the_handler_never_logs_the_key(
    ports: FakePorts, capsys: pytest.CaptureFixture[str]
) -> None:
    jobs.start_uploaded_batches(notice("batches/ada@example.org"))
    assert "ada@example.org" not in capsys.readouterr().out


def test_only_the_batch_files_prefix_is_routed_to_the_function() -> None:
    from devplatform.template import read

    [event] = read().bucket_events()
    assert (event.function, event.bucket, event.events) == (
        "BatchUploadFunction",
        "UploadBucket",
        ("s3:ObjectCreated:*",),
    )
    assert event.rules == (("prefix", batches.UPLOAD_PREFIX),)
