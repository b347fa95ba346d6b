"""The outbox: event records written inside other aggregates' transactions, read by consumers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ...domain.events import Consumer, Event, consumer_of
from . import keyscheme
from .core import Absent, All, ConditionFailed, Equals, Item, Put, Table
from .records import item, load


def _stamp(moment: datetime) -> str:
    """Sortable UTC time with microseconds: the pending index's order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _pending_item(event: Event) -> Item:
    due = _stamp(event.due_at or event.occurred_at)
    return item(
        keyscheme.event(event.id),
        event,
        state="pending",
        version=event.version,
        GSI1PK=keyscheme.outbox_shard(consumer_of(event.type), event.id),
        GSI1SK=keyscheme.pending_event(due, event.id),
    )


def event_put(event: Event) -> Put:
    """The write that records `event`; add it to the transaction of the change it announces."""
    return Put(_pending_item(event), Absent())


def _unchanged(event: Event) -> All:
    return All((Equals("state", "pending"), Equals("version", event.version)))


class TableOutbox:
    """Implements `Outbox`: pending events by due time, claimed and settled conditionally."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def pending(self, consumer: Consumer, now: datetime, limit: int) -> list[Event]:
        found: list[Event] = []
        for shard in keyscheme.outbox_shards(consumer):
            for candidate in self._table.query(shard, index="GSI1", limit=limit).items:
                event = load(Event, candidate)
                if event is None or (event.due_at or event.occurred_at) > now:
                    break  # the index is in due order: the rest of the shard is later
                found.append(event)
        found.sort(key=lambda e: (e.due_at or e.occurred_at, e.id))
        return found[:limit]

    def get(self, event_id: str) -> Event | None:
        return load(Event, self._table.get(*keyscheme.event(event_id)))

    def claim(self, event: Event, now: datetime, lease: timedelta) -> Event | None:
        """Takes the event for `lease`; None when another consumer took or settled it first."""
        claimed = event.model_copy(update={"due_at": now + lease, "version": event.version + 1})
        try:
            self._table.put(_pending_item(claimed), _unchanged(event))
        except ConditionFailed:
            return None
        return claimed

    def settle(self, event: Event) -> None:
        """Done: the record stays (an audit trail) but leaves the pending index."""
        done = event.model_copy(update={"version": event.version + 1})
        record = item(keyscheme.event(event.id), done, state="done", version=done.version)
        self._table.put(record, _unchanged(event))

    def retry_later(self, event: Event, due_at: datetime) -> Event:
        """Counts a failed attempt and puts the event back for `due_at`."""
        later = event.model_copy(
            update={"attempts": event.attempts + 1, "due_at": due_at, "version": event.version + 1}
        )
        self._table.put(_pending_item(later), _unchanged(event))
        return later
