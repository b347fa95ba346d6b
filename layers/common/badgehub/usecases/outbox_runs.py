"""One bounded run over a consumer's part of the outbox, shared by every consumer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from ..domain.errors import DomainError
from ..domain.events import Consumer, Event
from ..ports import Clock, Outbox


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
    of time; the next run resumes with whatever is left. Returns how many failed on a store
    error (their lease runs out and a later run tries again): one failure never holds up
    the others."""
    errors = 0
    started = clock.now()
    for event in outbox.pending(consumer, started, limit):
        if clock.now() - started > budget:
            break
        try:
            handle(event)
        except DomainError:
            errors += 1
    return errors
