"""The event sender: every issuer-portal event to the event bus and to the issuer's webhooks.

Two passes over the outbox, each one bounded run of `outbox_work.each_pending`:
1. fan-out (`Consumer.EVENTS`): one delivery per subscribed webhook is written with its own
   outbox entry, the event goes to the bus, and the event is settled. A failing bus puts the
   event back with backoff (only the bus is tried again: the deliveries exist already).
2. deliveries (`Consumer.WEBHOOKS`): each delivery is claimed, signed and posted, and settled
   on a 2xx or retried with backoff (about 27 hours). An endpoint that failed in this run gets
   no more attempts in it (its other deliveries wait a minute, uncounted), so a dead or slow
   receiver costs one timeout per run and never starves the others. A webhook failing for
   `DISABLE_AFTER` with no success is disabled, its reason shown to the issuer.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from ..domain.errors import ConcurrentUpdate
from ..domain.events import Consumer, Event
from ..domain.webhooks import (
    BACKOFF,
    DISABLE_AFTER,
    EXCERPT,
    Attempt,
    Delivery,
    DeliveryState,
    Webhook,
    body_of,
    delivery_id,
    headers,
    message,
    unseal,
)
from ..ports import (
    BusEvent,
    Clock,
    EventBus,
    EventBusError,
    FetchError,
    Outbox,
    WebhookSender,
    WebhookStore,
)
from .outbox_work import each_pending
from .webhooks import SECRETS_PURPOSE, scheduling_event

LEASE = timedelta(minutes=2)  # longer than any one delivery may take
DEFER = timedelta(minutes=1)  # a failing endpoint's other deliveries, until the next run


class EventSenderPorts(Protocol):
    @property
    def outbox(self) -> Outbox: ...
    @property
    def webhooks(self) -> WebhookStore: ...
    @property
    def event_bus(self) -> EventBus: ...
    @property
    def webhook_sender(self) -> WebhookSender: ...
    @property
    def clock(self) -> Clock: ...
    def secret_for(self, purpose: str) -> bytes: ...


@dataclass
class Run:
    published: int = 0  # events on the bus
    bus_retried: int = 0
    queued: int = 0  # webhook deliveries made by the fan-out
    delivered: int = 0
    retried: int = 0
    failed: int = 0  # gave up after the last retry
    cancelled: int = 0  # the webhook was deleted or disabled
    deferred: int = 0
    disabled: int = 0
    errors: int = 0
    failing: set[str] = field(default_factory=set)  # webhooks that failed in this run
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, amount: int = 1) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + amount)


def send_pending(
    *,
    ports: EventSenderPorts,
    limit: int = 200,
    budget: timedelta = timedelta(seconds=40),
    workers: int = 4,
) -> Run:
    run = Run()
    started = ports.clock.now()
    run.errors += each_pending(
        Consumer.EVENTS,
        lambda event: fan_out(event, ports=ports, run=run),
        outbox=ports.outbox,
        clock=ports.clock,
        limit=limit,
        budget=budget,
    )
    deadline = started + budget
    remaining = max(deadline - ports.clock.now(), timedelta(0))
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = []
        run.errors += each_pending(
            Consumer.WEBHOOKS,
            lambda event: futures.append(pool.submit(deliver, event, ports, run, deadline)),
            outbox=ports.outbox,
            clock=ports.clock,
            limit=limit,
            budget=remaining,
        )
        for future in futures:
            try:
                future.result()
            except Exception:  # a store failed: the lease runs out and a later run retries
                run.add("errors")
    return run


# --- fan-out ---------------------------------------------------------------------------------


def bus_event(event: Event) -> BusEvent:
    """detail = the webhook message plus the event's id (see docs/events.md)."""
    detail = {"id": event.id, **message(event)}
    return BusEvent(
        detail_type=event.type.value,
        detail=json.dumps(detail, separators=(",", ":"), sort_keys=True),
        time=event.occurred_at,
    )


def fan_out(event: Event, *, ports: EventSenderPorts, run: Run) -> None:
    """Deliveries first (idempotent: written once per webhook and event), then the bus: a
    bus outage retries only the bus, and the webhooks never wait for it."""
    now = ports.clock.now()
    claimed = ports.outbox.claim(event, now, LEASE)
    if claimed is None:
        return  # another run has it
    body = body_of(claimed)
    deliveries = [
        (d, scheduling_event(d))
        for d in (
            _delivery_for(webhook, claimed, body)
            for webhook in ports.webhooks.list_webhooks(claimed.issuer_id)
            if webhook.wants(claimed.type.value)
        )
    ]
    # An event fanned out before (a bus retry, a run that died) makes no second copy; each
    # delivery on its own, so a webhook added since still gets its copy.
    for delivery in deliveries:
        with contextlib.suppress(ConcurrentUpdate):
            ports.webhooks.add_deliveries([delivery])
            run.add("queued")
    try:
        ports.event_bus.publish(bus_event(claimed))
    except EventBusError:
        _retry_or_give_up(claimed, ports, now)
        run.add("bus_retried")
        return
    run.add("published")
    with contextlib.suppress(ConcurrentUpdate):
        ports.outbox.settle(claimed)


def _delivery_for(webhook: Webhook, event: Event, body: str) -> Delivery:
    return Delivery(
        id=delivery_id(webhook.id, event.id, event.occurred_at),
        webhook_id=webhook.id,
        issuer_id=webhook.issuer_id,
        message_id=event.id,
        event_type=event.type.value,
        body=body,
        created_at=event.occurred_at,
        next_attempt_at=event.occurred_at,
    )


def _retry_or_give_up(event: Event, ports: EventSenderPorts, now: datetime) -> None:
    with contextlib.suppress(ConcurrentUpdate):
        if event.attempts >= len(BACKOFF):
            ports.outbox.settle(event)
        else:
            ports.outbox.retry_later(event, now + BACKOFF[event.attempts])


# --- deliveries ------------------------------------------------------------------------------


def deliver(event: Event, ports: EventSenderPorts, run: Run, deadline: datetime) -> None:
    """One attempt at one delivery (see the module docstring for what happens around it)."""
    now = ports.clock.now()
    webhook_id = str(event.data.get("webhookId"))
    if now >= deadline:
        return  # out of time: still due, the next run takes it
    if webhook_id in run.failing:
        with contextlib.suppress(ConcurrentUpdate):
            if ports.outbox.claim(event, now, DEFER) is not None:
                run.add("deferred")
        return
    claimed = ports.outbox.claim(event, now, LEASE)
    if claimed is None:
        return
    webhook = ports.webhooks.get_webhook(webhook_id)
    delivery = ports.webhooks.get_delivery(webhook_id, str(event.data.get("deliveryId")))
    if webhook is None or delivery is None or webhook.disabled:
        if delivery is not None:
            _save(delivery.model_copy(update={"state": DeliveryState.CANCELLED}), ports)
        _settle(claimed, ports)
        run.add("cancelled")
        return
    attempt = _attempt(webhook, delivery, ports)
    attempts = (*delivery.attempts, attempt)
    if attempt.succeeded:
        _save(delivery.model_copy(update=_done(attempts, DeliveryState.SUCCEEDED)), ports)
        _settle(claimed, ports)
        _recovered(webhook, ports)
        run.add("delivered")
        return
    with run.lock:
        run.failing.add(webhook.id)
    if claimed.attempts >= len(BACKOFF):  # the first try and every retry failed
        _save(delivery.model_copy(update=_done(attempts, DeliveryState.FAILED)), ports)
        _settle(claimed, ports)
        run.add("failed")
    else:
        due = attempt.at + BACKOFF[claimed.attempts]
        _save(delivery.model_copy(update={"attempts": attempts, "next_attempt_at": due}), ports)
        with contextlib.suppress(ConcurrentUpdate):
            ports.outbox.retry_later(claimed, due)
        run.add("retried")
    if _failing(webhook, attempt, ports):
        run.add("disabled")


def _attempt(webhook: Webhook, delivery: Delivery, ports: EventSenderPorts) -> Attempt:
    at = ports.clock.now()
    secret = unseal(webhook.sealed_secret, ports.secret_for(SECRETS_PURPOSE), webhook.id)
    sent_at = int(at.timestamp())
    signed = headers(secret, delivery.message_id, sent_at, delivery.body)
    started = time.perf_counter()
    try:
        posted = ports.webhook_sender.post(webhook.url, delivery.body.encode(), signed)
    except FetchError as failure:
        return Attempt(at=at, duration_ms=_ms(started), error=failure.reason)
    excerpt = posted.excerpt.decode("utf-8", "replace")[:EXCERPT]
    error = None if 200 <= posted.status < 300 else _refusal(posted.status)
    return Attempt(
        at=at,
        status_code=posted.status,
        duration_ms=_ms(started),
        error=error,
        response_excerpt=excerpt,
    )


def _refusal(status: int) -> str:
    if 300 <= status < 400:
        return f"the receiver answered {status}: redirects are not followed"
    return f"the receiver answered {status}"


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


def _done(attempts: tuple[Attempt, ...], state: DeliveryState) -> dict[str, object]:
    return {"attempts": attempts, "state": state, "next_attempt_at": None}


def _recovered(webhook: Webhook, ports: EventSenderPorts) -> None:
    if webhook.failing_since is not None:
        with contextlib.suppress(ConcurrentUpdate):
            ports.webhooks.save_webhook(webhook.model_copy(update={"failing_since": None}))


def _failing(webhook: Webhook, attempt: Attempt, ports: EventSenderPorts) -> bool:
    """Counts the failure against the webhook; True when this one disabled it."""
    current = ports.webhooks.get_webhook(webhook.id) or webhook
    if current.disabled:
        return False
    if current.failing_since is None:
        changes: dict[str, object] = {"failing_since": attempt.at}
    elif attempt.at - current.failing_since >= DISABLE_AFTER:
        days = DISABLE_AFTER.days
        changes = {
            "disabled_at": attempt.at,
            "disabled_reason": f"every delivery failed for {days} days (last: {attempt.error})",
        }
    else:
        return False
    try:
        ports.webhooks.save_webhook(current.model_copy(update=changes))
    except ConcurrentUpdate:
        return False  # another delivery counted it meanwhile
    return "disabled_at" in changes


def _save(delivery: Delivery, ports: EventSenderPorts) -> None:
    with contextlib.suppress(ConcurrentUpdate):
        ports.webhooks.save_delivery(delivery)


def _settle(event: Event, ports: EventSenderPorts) -> None:
    with contextlib.suppress(ConcurrentUpdate):
        ports.outbox.settle(event)
