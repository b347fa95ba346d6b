"""Batch rows onto their SQS queue; SQS failures become `ServiceUnavailable` here."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from botocore.exceptions import BotoCoreError, ClientError

from ..domain.errors import ServiceUnavailable
from . import aws

log = logging.getLogger(__name__)
UNAVAILABLE = "the row queue is unavailable; please retry"


class SqsRowQueue:
    """Implements `RowQueue`: at most 10 messages a call, as SendMessageBatch takes."""

    def __init__(self, queue_url: str) -> None:
        self._url = queue_url

    def send(self, messages: Sequence[str]) -> None:
        if not messages:
            return
        if len(messages) > 10:
            raise ValueError("SendMessageBatch takes at most 10 messages")
        entries = [{"Id": str(i), "MessageBody": body} for i, body in enumerate(messages)]
        try:
            answer = aws.sqs().send_message_batch(QueueUrl=self._url, Entries=entries)
        except (BotoCoreError, ClientError) as exc:
            log.warning("dependency failed", extra={"dependency": "sqs", "operation": "send"})
            raise ServiceUnavailable(UNAVAILABLE) from exc
        if answer.get("Failed"):
            # Resending the few that failed is safe: each row is issued once, whatever comes twice.
            failed = {int(f["Id"]) for f in answer["Failed"]}
            retry = [{"Id": str(i), "MessageBody": messages[i]} for i in sorted(failed)]
            try:
                again = aws.sqs().send_message_batch(QueueUrl=self._url, Entries=retry)
            except (BotoCoreError, ClientError) as exc:
                raise ServiceUnavailable(UNAVAILABLE) from exc
            if again.get("Failed"):
                raise ServiceUnavailable(UNAVAILABLE)
