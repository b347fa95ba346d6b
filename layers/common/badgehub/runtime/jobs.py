"""Scheduled jobs' entry points: one bounded run each, summarised for the log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..domain.urls import PublicUrls
from . import wiring
from .observability import count, logger
from .settings import mail_settings, settings

SAFETY = timedelta(seconds=10)  # stop this long before Lambda would


def send_pending_mail(remaining_ms: int) -> dict[str, Any]:
    from ..usecases import mailer

    config = settings()
    urls = PublicUrls(base=config.base_url(), assets=config.assets_base())
    budget = max(timedelta(milliseconds=remaining_ms) - SAFETY, timedelta(seconds=1))
    run = mailer.deliver_pending(urls, wiring.mail_renderer(), ports=wiring.ports(), budget=budget)
    return _reported("Mail", run.summary())


def send_due_notices(remaining_ms: int) -> dict[str, Any]:
    """The notifier's run: supplement notices, reminders and expiry notices that are due."""
    import time

    from ..usecases import notify

    config = settings()
    urls = PublicUrls(base=config.base_url(), assets=config.assets_base())
    budget = max(timedelta(milliseconds=remaining_ms) - SAFETY, timedelta(seconds=1))
    ports = wiring.ports()
    pacer = notify.Pacer(mail_settings().send_rate_per_second, ports.clock, time.sleep)
    run = notify.notify_pending(urls, wiring.mail_renderer(), pacer, ports=ports, budget=budget)
    return _reported("Notice", run.summary())


def _reported(prefix: str, summary: dict[str, int]) -> dict[str, int]:
    for name, value in summary.items():
        if value:
            count(f"{prefix}{name[0].upper()}{name[1:]}", value)
    logger.info(f"{prefix.lower()} run", extra=summary)
    return summary


def send_events(remaining_ms: int) -> dict[str, Any]:
    """Issuer-portal events to the bus and to webhooks, within the time Lambda leaves us."""
    from ..usecases import event_sender

    budget = max(timedelta(milliseconds=remaining_ms) - SAFETY, timedelta(seconds=1))
    run = event_sender.send_pending(ports=wiring.ports(), budget=budget)
    summary = {
        "published": run.published,
        "busRetried": run.bus_retried,
        "queued": run.queued,
        "delivered": run.delivered,
        "retried": run.retried,
        "failed": run.failed,
        "cancelled": run.cancelled,
        "deferred": run.deferred,
        "disabled": run.disabled,
        "errors": run.errors,
    }
    for name, value in summary.items():
        if value:
            count(f"Events{name[0].upper()}{name[1:]}", value)
    logger.info("events run", extra=summary)
    return summary


def issue_batch_rows(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The issue worker: rows from the row queue (a failed message comes back, only it: partial
    batch failures) and rows the dead-letter queue gives back (failed for good)."""
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    from ..usecases import batches
    from .settings import batch_settings

    config = settings()
    urls = PublicUrls(base=config.base_url(), assets=config.assets_base())
    dead_letters = batch_settings().dead_letter_queue_arn
    ports = wiring.ports()

    def one(record: SQSRecord) -> None:
        if dead_letters and record.event_source_arn == dead_letters:
            batches.fail_rows(record.body, ports=ports)
            count("BatchRowMessagesDeadLettered")
        else:
            batches.handle_message(record.body, urls, ports=ports)

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    result: dict[str, Any] = dict(
        process_partial_response(
            event=event, record_handler=one, processor=processor, context=context
        )
    )
    failures = len(result.get("batchItemFailures", []))
    if failures:
        count("BatchRowMessagesRetried", failures)
    return result


def start_uploaded_batches(event: dict[str, Any]) -> dict[str, int]:
    """The upload bucket's ObjectCreated notices: each batch whose file landed starts.

    Whatever else arrives (S3's test event, another kind of notice, a key that is not a batch
    file, a notice delivered again) starts nothing. A table or queue that fails raises, so
    Lambda delivers the notice again; starting is conditional, so a batch starts once.
    """
    from urllib.parse import unquote_plus

    from ..usecases import batches

    ports = wiring.ports()
    started = ignored = 0
    for key, size in _landed_objects(event):
        batch = batches.upload_landed(unquote_plus(key), size, ports=ports)
        if batch is None:
            ignored += 1
        else:
            started += 1
            logger.info("batch upload landed", extra={"batchId": batch.id})
    summary = {"started": started, "ignored": ignored}
    if started:
        count("BatchUploadsStarted", started)
    logger.info("upload notices", extra=summary)
    return summary


def _landed_objects(event: dict[str, Any]) -> list[tuple[str, int]]:
    """(key as S3 spells it in a notice, URL-encoded; size) of each ObjectCreated record."""
    records = event.get("Records") if isinstance(event, dict) else None
    found: list[tuple[str, int]] = []
    for record in records if isinstance(records, list) else []:
        if not isinstance(record, dict) or record.get("eventSource") != "aws:s3":
            continue
        if not str(record.get("eventName", "")).startswith("ObjectCreated:"):
            continue
        s3 = record.get("s3")
        target = s3.get("object") if isinstance(s3, dict) else None
        if not isinstance(target, dict):
            continue
        key, size = target.get("key"), target.get("size", 0)
        if isinstance(key, str) and isinstance(size, int) and not isinstance(size, bool):
            found.append((key, size))
    return found
