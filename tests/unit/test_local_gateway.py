"""The local front's routing and queue bookkeeping, without a server."""

from __future__ import annotations

from devplatform.gateway import MethodNotAllowed, Router
from devplatform.queues import failed_ids, lambda_record
from devplatform.template import Route

ROUTER = Router(
    [
        Route("F", "GET", "/things/{thing_id}"),
        Route("F", "POST", "/things"),
        Route("G", "DELETE", "/things/{thing_id}"),
    ]
)


def test_routes_match_with_their_path_parameters_and_head_is_get() -> None:
    assert ROUTER.match("GET", "/things/42") == (
        Route("F", "GET", "/things/{thing_id}"),
        {"thing_id": "42"},
    )
    assert ROUTER.match("HEAD", "/things/42") == ROUTER.match("GET", "/things/42")
    assert ROUTER.match("DELETE", "/things/42") == (
        Route("G", "DELETE", "/things/{thing_id}"),
        {"thing_id": "42"},
    )


def test_a_known_path_with_another_method_is_not_allowed_and_names_the_allowed_ones() -> None:
    assert ROUTER.match("PUT", "/things/42") == MethodNotAllowed(("DELETE", "GET", "HEAD"))
    assert ROUTER.match("GET", "/things") == MethodNotAllowed(("POST",))


def test_an_unknown_path_matches_nothing() -> None:
    assert ROUTER.match("GET", "/things/42/parts") is None
    assert ROUTER.match("GET", "/things/") is None


def test_batch_item_failures_keep_only_the_named_messages() -> None:
    batch = ["m1", "m2", "m3"]
    assert failed_ids({"batchItemFailures": [{"itemIdentifier": "m2"}]}, batch) == {"m2"}
    assert failed_ids({"batchItemFailures": []}, batch) == set()
    assert failed_ids(None, batch) == set()


def test_a_batch_item_failure_naming_no_message_of_the_batch_fails_the_whole_batch() -> None:
    batch = ["m1", "m2"]
    assert failed_ids({"batchItemFailures": [{"itemIdentifier": "nope"}]}, batch) == set(batch)
    assert failed_ids({"batchItemFailures": [{"itemIdentifier": ""}]}, batch) == set(batch)
    assert failed_ids({"batchItemFailures": ["m1"]}, batch) == set(batch)


def test_a_message_becomes_lambdas_sqs_record() -> None:
    record = lambda_record(
        {
            "MessageId": "m1",
            "ReceiptHandle": "r1",
            "Body": "hello",
            "MD5OfBody": "5d41402abc4b2a76b9719d911017c592",
            "Attributes": {"ApproximateReceiveCount": "1"},
            "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "greeting"}},
        },
        "arn:aws:sqs:us-east-1:123456789012:q",
        "us-east-1",
    )
    assert record["messageId"] == "m1"
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == "arn:aws:sqs:us-east-1:123456789012:q"
    assert record["messageAttributes"]["kind"]["stringValue"] == "greeting"
    assert record["messageAttributes"]["kind"]["dataType"] == "String"
