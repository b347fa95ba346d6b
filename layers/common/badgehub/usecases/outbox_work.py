"""One bounded run over a consumer's part of the outbox, shared by every consumer.

Each due event is claimed (a lease) before its work is done, so two runs at the same time
never both do it; it is settled once done, or put back with backoff when the mail service
refused it, and given up after the last backoff step. One failing event never holds up the
others. A run stops after `limit` events or `budget` of time; the next one resumes with
whatever is still due, oldest first.

The one point that is at-least-once: an e-mail the mail service took whose settle could not be
recorded (the table kept failing through every retry, or the run died in between) goes again
when its lease runs out.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal, Protocol

from ..domain.errors import ConcurrentUpdate, DomainError
from ..domain.events import Consumer, Event
from ..ports import Clock, MailerError, Outbox

Outcome = Literal["sent", "skipped"]
SETTLE_TRIES = 5  # a settle that keeps failing risks a second e-mail: try hard
LIST_TRIES = 3


class Work(Protocol):
    def handle(self, event: Event, now: datetime) -> Outcome:
        """Does the event's work; raises `MailerError` when the mail service refused it
        (retried with backoff) and `DomainError` when a store failed before anything was sent
        (retried when the lease runs out)."""

    def failed(self, event: Event, now: datetime, final: bool) -> None:
        """Hears that the mail service refused `event` (`final`: no more tries)."""


@dataclass(frozen=True)
class Retries:
    lease: timedelta  # longer than a run, so no other run takes an event mid-way
    backoff: tuple[timedelta, ...]  # the wait before each retry; then it gives up


class OutboxPorts(Protocol):
    @property
    def outbox(self) -> Outbox: ...
    @property
    def clock(self) -> Clock: ...


@dataclass
class Run:
    sent: int = 0
    retried: int = 0
    gave_up: int = 0
    skipped: int = 0  # nothing to send: the reason went away (revoked, claimed, withdrawn...)
    errors: int = 0  # a store failed mid-way: the lease runs out and a later run tries again
    ids: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {
            "sent": self.sent,
            "retried": self.retried,
            "gaveUp": self.gave_up,
            "skipped": self.skipped,
            "errors": self.errors,
        }


def run_pending(
    consumer: Consumer,
    work: Work,
    retries: Retries,
    *,
    ports: OutboxPorts,
    limit: int,
    budget: timedelta,
) -> Run:
    """One bounded run of e-mail work: at most `limit` events or `budget` of time."""
    run = Run()
    run.errors = each_pending(
        consumer,
        lambda event: process(event, work, retries, ports=ports, run=run),
        outbox=ports.outbox,
        clock=ports.clock,
        limit=limit,
        budget=budget,
    )
    return run


def each_pending(
    consumer: Consumer,
    handle: Callable[[Event], object],
    *,
    outbox: Outbox,
    clock: Clock,
    limit: int,
    budget: timedelta,
) -> int:
    """Hands each due event to `handle`, oldest first, for at most `limit` events or `budget`
    of time; the next run resumes with whatever is left. Every consumer's loop (mailer,
    notifier, event sender). Returns how many failed on a store error (their lease runs out
    and a later run tries again): one failure never holds up the others."""
    errors = 0
    started = clock.now()
    due = _due(consumer, outbox, started, limit)
    if due is None:
        return 1  # the table kept failing: this run does nothing, the next one starts over
    for event in due:
        if clock.now() - started > budget:
            break
        try:
            handle(event)
        except DomainError:
            errors += 1
    return errors


def _due(consumer: Consumer, outbox: Outbox, now: datetime, limit: int) -> list[Event] | None:
    """What is due, read again if the table fails (the listing is several queries, one per
    shard: one failing should not cost the whole run)."""
    for _ in range(LIST_TRIES):
        try:
            return outbox.pending(consumer, now, limit)
        except DomainError:
            continue
    return None


def process(
    event: Event, work: Work, retries: Retries, *, ports: OutboxPorts, run: Run | None = None
) -> Run:
    run = run if run is not None else Run()
    now = ports.clock.now()
    claimed = ports.outbox.claim(event, now, retries.lease)
    if claimed is None:
        return run  # another run has it, or already did it
    outcome: str
    try:
        outcome = work.handle(claimed, now)
    except MailerError:
        outcome = _refused(claimed, work, retries, ports.outbox, now)
    else:
        settle(claimed, ports.outbox)
    setattr(run, outcome, getattr(run, outcome) + 1)
    run.ids.append(claimed.id)
    return run


def settle(event: Event, outbox: Outbox) -> None:
    """Records that `event` is done, retrying a failing table; a lost condition means an
    earlier try already wrote it (its answer was lost on the way)."""
    for attempt in range(SETTLE_TRIES):
        try:
            outbox.settle(event)
        except ConcurrentUpdate:
            return
        except DomainError:
            if attempt + 1 == SETTLE_TRIES:
                raise
        else:
            return


def _refused(event: Event, work: Work, retries: Retries, outbox: Outbox, now: datetime) -> str:
    final = event.attempts >= len(retries.backoff)  # each step was waited out once
    if final:
        settle(event, outbox)
    else:
        with contextlib.suppress(ConcurrentUpdate):
            outbox.retry_later(event, now + retries.backoff[event.attempts])
    work.failed(event, now, final)
    return "gave_up" if final else "retried"
