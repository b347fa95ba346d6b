"""The template's `S3` events: a bucket's notices delivered to the function, as S3 does.

S3 invokes the function itself (asynchronously, retried twice); moto's S3 cannot run a
function, but it does send real notices, in S3's own event shape, to an SQS queue. So the
local platform gives each `S3` event a queue of its own, points the bucket's notification
configuration at it with the template's events and key filter, and a poller hands each notice,
as it came, to the function. A notice the function fails on is tried again (three tries in
all, as Lambda's asynchronous invocation), then dropped with a log line. S3's `s3:TestEvent`,
which only a queue destination receives, is passed over.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from .pool import InvocationError
from .queues import poll_until
from .template import BucketEvent

log = logging.getLogger("devplatform.notifications")
TRIES = 3  # Lambda's asynchronous invocation: the first and two retries
RETRY_AFTER_S = 2  # the queue's visibility timeout: how soon a failed notice comes back


def connect(
    s3: Any,
    sqs: Any,
    bucket: str,
    events: list[BucketEvent],
    queue_name: Callable[[BucketEvent], str],
) -> dict[BucketEvent, str]:
    """Points `bucket`'s notices at one queue per event (replacing its configuration, as the
    template's own would); the queue URL of each event."""
    urls: dict[BucketEvent, str] = {}
    configurations = []
    for event in events:
        url = sqs.create_queue(
            QueueName=queue_name(event), Attributes={"VisibilityTimeout": str(RETRY_AFTER_S)}
        )["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        urls[event] = url
        configuration: dict[str, Any] = {
            "Id": f"{event.function}-{event.name}",
            "QueueArn": arn["Attributes"]["QueueArn"],
            "Events": list(event.events),
        }
        if event.rules:
            configuration["Filter"] = {
                "Key": {"FilterRules": [{"Name": n, "Value": v} for n, v in event.rules]}
            }
        configurations.append(configuration)
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"QueueConfigurations": configurations}
    )
    return urls


class BucketNotices:
    """One poller thread for one `S3` event. `invoke` runs the function (blocking) and raises
    `InvocationError` when it produced no result."""

    def __init__(
        self, event: BucketEvent, sqs: Any, queue_url: str, invoke: Callable[[Any], Any]
    ) -> None:
        self.event = event
        self._sqs = sqs
        self._url = queue_url
        self._invoke = invoke
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        name = f"s3-{self.event.function}-{self.event.name}"
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread:
            self._thread.join(timeout=20)
            self._thread = None

    def _run(self) -> None:
        poll_until(self._stopped, self.deliver_once, f"the notices of {self.event.bucket}")

    def deliver_once(self) -> int:
        """Delivers the notices waiting (each its own invocation); how many there were."""
        messages = self._sqs.receive_message(
            QueueUrl=self._url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=0,
            AttributeNames=["ApproximateReceiveCount"],
        ).get("Messages", [])
        for message in messages:
            if self._deliver(message):
                self._sqs.delete_message(QueueUrl=self._url, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)

    def _deliver(self, message: dict[str, Any]) -> bool:
        """Whether the notice is done with: delivered, not one to deliver, or out of tries."""
        try:
            notice = json.loads(message["Body"])
        except json.JSONDecodeError:
            return True
        if not isinstance(notice, dict) or "Records" not in notice:
            return True  # s3:TestEvent, sent when the configuration is set
        try:
            self._invoke(notice)
        except InvocationError as error:
            tries = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
            if tries < TRIES:
                log.warning("%s: notice failed (try %d): %s", self.event.function, tries, error)
                return False
            log.error("%s: notice dropped after %d tries: %s", self.event.function, tries, error)
        return True
