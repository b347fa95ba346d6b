"""Scheduled jobs' entry points: one bounded run each, summarised for the log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..domain.urls import PublicUrls
from . import wiring
from .observability import count, logger
from .settings import settings

SAFETY = timedelta(seconds=10)  # stop this long before Lambda would


def send_pending_mail(remaining_ms: int) -> dict[str, Any]:
    from ..usecases import mailer

    config = settings()
    urls = PublicUrls(base=config.base_url(), assets=config.assets_base())
    budget = max(timedelta(milliseconds=remaining_ms) - SAFETY, timedelta(seconds=1))
    run = mailer.deliver_pending(urls, wiring.mail_renderer(), ports=wiring.ports(), budget=budget)
    summary = {
        "sent": run.sent,
        "retried": run.retried,
        "gaveUp": run.gave_up,
        "skipped": run.skipped,
        "errors": run.errors,
    }
    for name, value in summary.items():
        if value:
            count(f"Mail{name[0].upper()}{name[1:]}", value)
    logger.info("mail run", extra=summary)
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
