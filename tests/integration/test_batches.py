"""Bulk issuing on moto's SQS and DynamoDB, through the real handlers: exactly once whatever
fails (redelivery, a worker killed mid-batch, a throttled table, a failing key service)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from badgehub.adapters import aws as clients
from badgehub.adapters.tables.core import Absent, Put
from badgehub.adapters.tables.dynamodb import DynamoTable
from badgehub.runtime import wiring
from devplatform.gateway import Gateway
from devplatform.lambda_runtime import LambdaContext
from devplatform.queues import failed_ids, lambda_record
from tests.integration.conftest import NAMES, Api, Tenant, table_items

WORKER = "IssueWorkerFunction"
HEADER = "email,name,narrative,evidence_url,external_id\n"


class Queues:
    """The row queue and its dead-letter queue, delivered by hand as Lambda's poller would."""

    def __init__(self, gateway: Gateway) -> None:
        self.sqs = boto3.client("sqs")
        self.gateway = gateway
        self.rows = self.sqs.get_queue_url(QueueName=NAMES.ref("RowQueue"))["QueueUrl"]
        self.dead = self.sqs.get_queue_url(QueueName=NAMES.ref("RowDeadLetterQueue"))["QueueUrl"]
        # Failed messages come back at once instead of after the template's six minutes.
        self.sqs.set_queue_attributes(QueueUrl=self.rows, Attributes={"VisibilityTimeout": "0"})

    def arn(self, url: str) -> str:
        attributes = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        return str(attributes["Attributes"]["QueueArn"])

    def deliver(self, url: str, *, delete: bool = True) -> int:
        """One batch of up to 10 messages to the worker; the ones it reports failed stay."""
        messages = self.sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]
        ).get("Messages", [])
        if not messages:
            return 0
        event = {"Records": [lambda_record(m, self.arn(url), "us-east-1") for m in messages]}
        result = self.gateway.handler(WORKER)(event, LambdaContext(function_name=WORKER))
        kept = failed_ids(result, [m["MessageId"] for m in messages])
        for message in messages:
            if delete and message["MessageId"] not in kept:
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)

    def drain(self, url: str | None = None, rounds: int = 50) -> None:
        for _ in range(rounds):
            if not self.deliver(url or self.rows):
                return
        raise AssertionError("the queue did not drain")


@pytest.fixture
def queues(api: Api, gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> Queues:
    made = Queues(gateway)
    monkeypatch.setenv("ROW_QUEUE_URL", made.rows)
    monkeypatch.setenv("UPLOAD_BUCKET", NAMES.ref("UploadBucket"))
    monkeypatch.setenv("DEAD_LETTER_QUEUE_ARN", made.arn(made.dead))
    wiring.reset()
    return made


def graduates(*numbers: int, bad: tuple[int, ...] = ()) -> bytes:
    lines = [HEADER]
    for n in numbers:
        email = "=cmd|' /C calc'!A0" if n in bad else f"grad{n}@example.org"
        lines.append(f"{email},Graduate {n},Thesis {n},https://uni.example/t/{n},S-{n}\n")
    return "".join(lines).encode()


def post(api: Api, tenant: Tenant, data: bytes, query: str = "") -> dict[str, Any]:
    reply = api.call(
        "POST",
        f"/v1/badges/{tenant.badge_id}/batches{query}",
        raw=data,
        token=tenant.key,
        headers={"content-type": "text/csv"},
    )
    assert reply.status == 202, reply.body
    body: dict[str, Any] = reply.json()
    return body


def batch(api: Api, tenant: Tenant, batch_id: str) -> dict[str, Any]:
    reply = api.call("GET", f"/v1/batches/{batch_id}", token=tenant.key)
    assert reply.status == 200, reply.body
    body: dict[str, Any] = reply.json()
    return body


def assertions_stored() -> list[dict[str, Any]]:
    return [i for i in table_items() if i["SK"]["S"] == "ASSERTION"]


def events_of(kind: str) -> list[dict[str, Any]]:
    found = []
    for i in table_items():
        if i["SK"]["S"] == "EVENT":
            event = json.loads(i["doc"]["S"])
            if event["type"] == kind:
                found.append(event)
    return found


def settled_exactly_once(api: Api, tenant: Tenant, batch_id: str, issued: int) -> dict[str, Any]:
    view = batch(api, tenant, batch_id)
    assert view["status"] == "done"
    assert (view["issued"], view["pending"]) == (issued, 0)
    stored = assertions_stored()
    assert len(stored) == issued
    emails = [json.loads(i["doc"]["S"])["recipient_email"] for i in stored]
    assert len(set(emails)) == issued
    assert len(events_of("batch.completed")) == 1
    return view


def test_a_csv_batch_issues_every_valid_row_with_all_four_forms_and_its_mail(
    api: Api, tenant: Tenant, queues: Queues
) -> None:
    created = post(api, tenant, graduates(*range(1, 13), bad=(4,)))
    assert (created["status"], created["total"]) == ("validating", 0)
    queues.drain()
    view = settled_exactly_once(api, tenant, created["id"], 11)
    assert view["failed"] == 1 and view["completedAt"]
    for stored in assertions_stored():
        doc = json.loads(stored["doc"]["S"])
        assert doc["ob2_jws"].count(".") == 2 and doc["credential_jwt"].count(".") == 2
        assert doc["credential"]["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
        assert doc["evidence"][0]["url"].startswith("https://uni.example/t/")
    assert len(events_of("mail.badge")) == 11
    errors = api.call("GET", f"/v1/batches/{created['id']}/errors", token=tenant.key)
    assert errors.status == 200
    assert errors.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(errors.body.decode())))
    assert rows[0] == ["row", "field", "message"]
    assert [r[:2] for r in rows[1:]] == [["4", "email"]]
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)


def test_the_same_file_again_and_redelivered_messages_issue_nothing_twice(
    api: Api, tenant: Tenant, queues: Queues
) -> None:
    first = post(api, tenant, graduates(1, 2, 3, 4, 5))
    while queues.deliver(queues.rows, delete=False):  # every delete lost: SQS delivers again
        if len(assertions_stored()) == 5 and batch(api, tenant, first["id"])["status"] == "done":
            break
    queues.sqs.purge_queue(QueueUrl=queues.rows)
    settled_exactly_once(api, tenant, first["id"], 5)
    again = post(api, tenant, graduates(3, 4, 5, 6))
    queues.drain()
    view = batch(api, tenant, again["id"])
    assert (view["status"], view["issued"], view["skipped"]) == ("done", 1, 3)
    assert len(assertions_stored()) == 6


def test_a_worker_killed_mid_batch_leaves_nothing_issued_twice_or_uncounted(
    api: Api, tenant: Tenant, queues: Queues, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = post(api, tenant, graduates(*range(1, 9)))
    transact = DynamoTable.transact
    stored = {"n": 0}

    def killed_after_the_fifth_badge(self: DynamoTable, writes: Any) -> None:
        transact(self, writes)
        if any(is_assertion(write) for write in writes):
            stored["n"] += 1
            if stored["n"] == 5:
                raise SystemExit("the worker's container was killed")  # stored, not counted

    queues.deliver(queues.rows)  # the start: the file is checked, its rows queued
    with monkeypatch.context() as patch:
        patch.setattr(DynamoTable, "transact", killed_after_the_fifth_badge)
        with pytest.raises(SystemExit):
            queues.deliver(queues.rows)
    assert len(assertions_stored()) == 5  # DynamoDB stores each row on its own
    assert batch(api, tenant, created["id"])["issued"] == 0  # counted after the store
    queues.drain()
    settled_exactly_once(api, tenant, created["id"], 8)


def is_assertion(write: Any) -> bool:
    """The write that creates an assertion (revoking one puts it with another condition)."""
    return (
        isinstance(write, Put) and write.item["SK"] == "ASSERTION" and write.condition == Absent()
    )


class Failing:
    """`real`, after failing `times` times with the AWS error code `error`."""

    def __init__(self, times: int, error: str, real: Callable[..., Any]) -> None:
        self.left, self.error, self.real = times, error, real

    def __call__(self, **kwargs: Any) -> Any:
        if self.left > 0:
            self.left -= 1
            raise ClientError({"Error": {"Code": self.error, "Message": self.error}}, "Call")
        return self.real(**kwargs)


def test_a_throttled_table_only_delays_the_rows(
    api: Api, tenant: Tenant, queues: Queues, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = post(api, tenant, graduates(*range(1, 16)))
    dynamodb = clients.dynamodb()
    throttled = Failing(3, "ProvisionedThroughputExceededException", dynamodb.transact_write_items)
    monkeypatch.setattr(dynamodb, "transact_write_items", throttled)
    queues.drain()
    assert throttled.left == 0
    settled_exactly_once(api, tenant, created["id"], 15)


def test_a_failing_key_service_only_delays_the_rows(
    api: Api, tenant: Tenant, queues: Queues, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = post(api, tenant, graduates(*range(1, 13)))
    kms = clients.kms()
    down = Failing(3, "KMSInternalException", kms.sign)
    monkeypatch.setattr(kms, "sign", down)
    queues.drain()
    assert down.left == 0
    settled_exactly_once(api, tenant, created["id"], 12)


def test_rows_that_keep_failing_reach_the_dead_letter_queue_and_are_counted_failed(
    api: Api, tenant: Tenant, queues: Queues, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = post(api, tenant, graduates(*range(1, 4)))
    kms = clients.kms()
    monkeypatch.setattr(kms, "sign", Failing(10_000, "KMSInternalException", kms.sign))
    queues.deliver(queues.rows)  # the start: the file is checked, its rows queued
    for _ in range(5):  # the template's maxReceiveCount
        queues.deliver(queues.rows)
    assert queues.deliver(queues.rows) == 0  # SQS moved it to the dead-letter queue
    queues.drain(queues.dead)
    view = batch(api, tenant, created["id"])
    assert (view["status"], view["issued"], view["failed"]) == ("done", 0, 3)
    errors = api.call("GET", f"/v1/batches/{created['id']}/errors", token=tenant.key)
    assert [r[0] for r in list(csv.reader(io.StringIO(errors.body.decode())))[1:]] == [
        "1",
        "2",
        "3",
    ]
    assert assertions_stored() == []


def test_bad_files_are_clear_4xx_and_store_nothing(
    api: Api, tenant: Tenant, queues: Queues
) -> None:
    path = f"/v1/badges/{tenant.badge_id}/batches"
    cases = [
        ({"content-type": "application/json"}, b"{}", 415, "Content-Type"),
        ({"content-type": "text/csv"}, b"email,narative\nx@y.org,z\n", 400, "header"),
        ({"content-type": "text/csv"}, b"name\nAda\n", 400, "email"),
        ({"content-type": "text/csv"}, b"email\n", 400, "body"),
        ({"content-type": "text/csv"}, b"", 400, "body"),
    ]
    for headers, data, status, field in cases:
        reply = api.call("POST", path, raw=data, token=tenant.key, headers=headers)
        assert reply.status == status, (data, reply.body)
        assert reply.json()["error"]["field"] == field
    reply = api.call(
        "POST",
        path + "?dryRun=maybe",
        raw=graduates(1),
        token=tenant.key,
        headers={"content-type": "text/csv"},
    )
    assert (reply.status, reply.json()["error"]["field"]) == (400, "dryRun")
    assert not [i for i in table_items() if i["PK"]["S"].startswith("BATCH#")]


def test_only_the_badges_issuer_sees_or_posts_its_batches(
    api: Api, tenant: Tenant, queues: Queues
) -> None:
    from tests.integration.conftest import ADMIN_KEY, make_tenant

    other = make_tenant(api, "Other University")
    created = post(api, tenant, graduates(1))
    for token in (other.key, ADMIN_KEY):
        for method, suffix in (("GET", ""), ("GET", "/errors"), ("POST", "/start")):
            reply = api.call(method, f"/v1/batches/{created['id']}{suffix}", token=token)
            assert reply.status == 404, (method, suffix, reply.body)
    reply = api.call(
        "POST",
        f"/v1/badges/{tenant.badge_id}/batches",
        raw=graduates(2),
        token=other.key,
        headers={"content-type": "text/csv"},
    )
    assert reply.status == 403
    assert api.call("GET", f"/v1/batches/{created['id']}").status == 401


def test_a_dry_run_answers_what_would_be_issued_and_queues_nothing(
    api: Api, tenant: Tenant, queues: Queues
) -> None:
    posted = post(api, tenant, graduates(1, 2, 3, bad=(2,)), "?dryRun=true")
    queues.drain()
    created = batch(api, tenant, posted["id"])
    assert (created["status"], created["dryRun"], created["valid"], created["failed"]) == (
        "done",
        True,
        2,
        1,
    )
    assert assertions_stored() == []


def test_a_presigned_upload_then_start_issues_the_file(
    api: Api, tenant: Tenant, queues: Queues
) -> None:
    reply = api.call("POST", f"/v1/badges/{tenant.badge_id}/batches/uploads", token=tenant.key)
    assert reply.status == 201, reply.body
    created = reply.json()
    assert created["status"] == "awaiting_upload"
    early = api.call("POST", f"/v1/batches/{created['id']}/start", token=tenant.key)
    assert (early.status, early.json()["error"]["field"]) == (404, "upload")
    boto3.client("s3").put_object(
        Bucket=NAMES.ref("UploadBucket"),
        Key=f"batches/{created['id']}",
        Body=graduates(1, 2, 3),
        ContentType="text/csv",
    )
    assert created["upload"]["method"] == "PUT"
    assert f"batches/{created['id']}" in created["upload"]["url"]
    started = api.call("POST", f"/v1/batches/{created['id']}/start", token=tenant.key)
    assert (started.status, started.json()["status"]) == (202, "validating")
    queues.drain()
    settled_exactly_once(api, tenant, created["id"], 3)


@pytest.mark.parametrize(
    "given", ["", "text%2Fplain", "TEXT%2FCSV", "text%2Fcsv%3B%20charset%3Dutf-8"]
)
def test_an_upload_names_its_content_type_exactly_or_not_at_all(
    api: Api, tenant: Tenant, queues: Queues, given: str
) -> None:
    path = f"/v1/badges/{tenant.badge_id}/batches/uploads"
    reply = api.call("POST", f"{path}?contentType={given}", token=tenant.key)
    assert (reply.status, reply.json()["error"]["field"]) == (400, "contentType")
    assert not [i for i in table_items() if str(i["PK"]).startswith("BATCH#")]  # none kept
    ndjson = api.call("POST", f"{path}?contentType=application%2Fx-ndjson", token=tenant.key)
    assert ndjson.json()["upload"]["headers"] == {"Content-Type": "application/x-ndjson"}


def test_a_presigned_upload_starts_its_batch_when_s3_says_it_landed(
    api: Api, tenant: Tenant, queues: Queues, gateway: Gateway
) -> None:
    """S3's own notice (moto's, in S3's event shape, through a queue as the local platform
    relays it) is handed to the template's BatchUploadFunction: no start call at all."""
    import requests

    from devplatform.notifications import connect
    from devplatform.template import read

    [event] = read().bucket_events()
    sqs = boto3.client("sqs")
    [notices] = connect(
        boto3.client("s3"), sqs, NAMES.ref(event.bucket), [event], lambda e: "upload-notices"
    ).values()
    reply = api.call("POST", f"/v1/badges/{tenant.badge_id}/batches/uploads", token=tenant.key)
    created = reply.json()

    put = requests.put(
        created["upload"]["url"],
        data=graduates(1, 2, 3, bad=(3,)),
        headers=created["upload"]["headers"],
        timeout=10,
    )
    assert put.status_code == 200
    received = sqs.receive_message(QueueUrl=notices, MaxNumberOfMessages=10)["Messages"]
    landed = [json.loads(m["Body"]) for m in received if "Records" in json.loads(m["Body"])]
    assert [n["Records"][0]["eventName"] for n in landed] == ["ObjectCreated:Put"]

    function = gateway.handler(event.function)
    context = LambdaContext(function_name=event.function)
    assert function(landed[0], context) == {"started": 1, "ignored": 0}
    assert function(landed[0], context) == {"started": 0, "ignored": 1}  # delivered again
    assert batch(api, tenant, created["id"])["status"] == "validating"
    again = api.call("POST", f"/v1/batches/{created['id']}/start", token=tenant.key)
    assert (again.status, again.json()["status"]) == (202, "validating")

    queues.drain()
    view = settled_exactly_once(api, tenant, created["id"], 2)
    assert view["failed"] == 1
    uploads = boto3.client("s3").list_objects_v2(Bucket=NAMES.ref("UploadBucket"))
    assert uploads.get("KeyCount", 0) == 0  # a started file is deleted
