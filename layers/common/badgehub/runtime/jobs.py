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
