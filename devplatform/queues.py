"""The template's `SQS` events: a local poller per event delivers batches to the function.

As Lambda's event source mapping does: up to `BatchSize` messages per invocation; on success the
batch is deleted; on an error nothing is, so every message becomes visible again after the
queue's VisibilityTimeout; with `ReportBatchItemFailures` only the ids the function names stay.
Redrive to a dead-letter queue after `maxReceiveCount` receives is the queue's own doing (SQS's,
as on AWS), from the RedrivePolicy the template gives it.

Polls are short (WaitTimeSeconds=0): a long poll would hold the emulator's one lock.
As Lambda's pollers do, several batches may be in flight at once (`pollers`, one thread each),
so a queue keeps as many of the function's workers busy as the machine has for it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

from .pool import InvocationError
from .template import QueueEvent

log = logging.getLogger("devplatform.queues")
SQS_MAX_RECEIVE = 10
# An empty queue is asked again after 0.2 s, then less and less often, up to once a second:
# every poll is a call into the emulator, and idle pollers of every queue otherwise cost a
# tenth of a core between them. A message that arrives waits at most IDLE_POLL_MAX_S.
IDLE_POLL_S = 0.2
IDLE_POLL_MAX_S = 1.0


def idle_waits() -> Iterator[float]:
    """How long to wait after each empty poll in a row."""
    wait = IDLE_POLL_S
    while True:
        yield wait
        wait = min(wait * 2, IDLE_POLL_MAX_S)


def poll_until(stopped: threading.Event, deliver_once: Callable[[], int], what: str) -> None:
    """Calls `deliver_once` until `stopped`, waiting longer after each empty poll in a row; a
    failure is logged (naming `what`) and counts as an empty poll."""
    waits = idle_waits()
    while not stopped.is_set():
        try:
            delivered = deliver_once()
        except Exception:
            log.exception("delivery from %s failed", what)
            delivered = 0
        if delivered:
            waits = idle_waits()
        else:
            stopped.wait(next(waits))


def lambda_record(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """One SQS message as Lambda's SQS event record spells it."""
    attributes = {
        name: {
            "stringValue": value.get("StringValue"),
            "binaryValue": value.get("BinaryValue"),
            "stringListValues": value.get("StringListValues", []),
            "binaryListValues": value.get("BinaryListValues", []),
            "dataType": value["DataType"],
        }
        for name, value in message.get("MessageAttributes", {}).items()
    }
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": attributes,
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


def failed_ids(result: Any, batch: list[str]) -> set[str]:
    """The ids to keep, from a `ReportBatchItemFailures` answer; a malformed answer fails all."""
    if result is None or not isinstance(result, dict):
        return set()
    failures = result.get("batchItemFailures")
    if not failures:
        return set()
    kept = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not identifier or identifier not in batch:
            return set(batch)  # as Lambda: an id it cannot match means the whole batch failed
        kept.add(identifier)
    return kept


class QueueDelivery:
    """One poller thread for one SQS event. `invoke` runs the function (blocking) and raises
    `InvocationError` when it produced no result."""

    def __init__(
        self,
        event: QueueEvent,
        sqs: Any,
        queue_url: str,
        queue_arn: str,
        invoke: Callable[[dict[str, Any]], Any],
        region: str = "us-east-1",
        pollers: int = 1,
    ) -> None:
        self.event = event
        self._sqs = sqs
        self._url = queue_url
        self._arn = queue_arn
        self._invoke = invoke
        self._region = region
        self._stopped = threading.Event()
        self._pollers = max(pollers, 1)
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        if self.event.enabled:
            for n in range(self._pollers):
                name = f"sqs-{self.event.function}-{self.event.name}-{n}"
                thread = threading.Thread(target=self._run, name=name, daemon=True)
                thread.start()
                self._threads.append(thread)

    def stop(self) -> None:
        self._stopped.set()
        for thread in self._threads:
            thread.join(timeout=20)
        self._threads.clear()

    def _run(self) -> None:
        poll_until(self._stopped, self.deliver_once, self.event.queue)

    def receive_batch(self) -> list[dict[str, Any]]:
        batch: list[dict[str, Any]] = []
        while len(batch) < self.event.batch_size:
            got = self._sqs.receive_message(
                QueueUrl=self._url,
                MaxNumberOfMessages=min(SQS_MAX_RECEIVE, self.event.batch_size - len(batch)),
                WaitTimeSeconds=0,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not got:
                break
            batch += got
        return batch

    def deliver_once(self) -> int:
        """Receives one batch and delivers it; the number of messages it held."""
        messages = self.receive_batch()
        if not messages:
            return 0
        ids = [m["MessageId"] for m in messages]
        try:
            result = self._invoke(
                {"Records": [lambda_record(m, self._arn, self._region) for m in messages]}
            )
        except InvocationError as error:
            log.warning("%s: batch of %d failed: %s", self.event.function, len(ids), error)
            return len(messages)
        kept = failed_ids(result, ids) if self.event.report_failures else set()
        done = [m for m in messages if m["MessageId"] not in kept]
        for start in range(0, len(done), SQS_MAX_RECEIVE):
            chunk = done[start : start + SQS_MAX_RECEIVE]
            self._sqs.delete_message_batch(
                QueueUrl=self._url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)
                ],
            )
        return len(messages)
