"""What happened, as the outbox records it: each state change someone must hear about.

An event is written in the same transaction as the change it announces, so nothing is
announced that was not stored and nothing stored goes unannounced. Consumers (the mailer,
the notifier, webhooks) read pending events and settle them.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class EventType(StrEnum):
    BADGE_ISSUED = "badge.issued"
    BADGE_REVOKED = "badge.revoked"
    BADGE_CLAIMED = "badge.claimed"
    BADGE_DECLINED = "badge.declined"
    # Work for the mailer: an e-mail that must go out (retried until sent or given up).
    MAIL_BADGE = "mail.badge"
    MAIL_SIGNIN = "mail.signin"
    # The Diploma Supplement's life, for issuer portals (webhooks, the event bus).
    SUPPLEMENT_ATTACHED = "supplement.attached"  # a first or a corrected version
    SUPPLEMENT_WITHDRAWN = "supplement.withdrawn"
    SUPPLEMENT_VISIBLE = "supplement.visible"
    SUPPLEMENT_HIDDEN = "supplement.hidden"
    BATCH_COMPLETED = "batch.completed"  # a bulk issue settled: data has its counts
    # Work for the scheduled notifier: e-mails that are due at a time, not at once.
    NOTICE_SUPPLEMENT = "notice.supplement"  # one per supplement version
    NOTICE_UNCLAIMED = "notice.unclaimed"  # due 7 and 30 days after issue
    NOTICE_EXPIRING = "notice.expiring"  # due 30 days before the badge expires
    # Work for the webhook sender: one issuer endpoint's copy of one event, retried on its own.
    WEBHOOK_DELIVERY = "webhook.delivery"


MAIL_EVENTS = frozenset({EventType.MAIL_BADGE, EventType.MAIL_SIGNIN})
NOTICE_EVENTS = frozenset(
    {EventType.NOTICE_SUPPLEMENT, EventType.NOTICE_UNCLAIMED, EventType.NOTICE_EXPIRING}
)


class Consumer(StrEnum):
    """Who handles an event: each consumer reads its own part of the outbox."""

    MAILER = "mailer"
    NOTIFIER = "notifier"  # the scheduled notify job
    EVENTS = "events"  # issuer portals' webhooks and the event bus
    WEBHOOKS = "webhooks"  # each webhook delivery, so one failing endpoint holds up no other


def consumer_of(kind: EventType) -> Consumer:
    if kind in MAIL_EVENTS:
        return Consumer.MAILER
    if kind in NOTICE_EVENTS:
        return Consumer.NOTIFIER
    if kind is EventType.WEBHOOK_DELIVERY:
        return Consumer.WEBHOOKS
    return Consumer.EVENTS


class Event(BaseModel):
    """`data` holds ids only: personal data stays in the records the ids point to."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    type: EventType
    issuer_id: str
    subject_id: str
    occurred_at: datetime
    data: dict[str, Any] = Field(default_factory=dict)
    attempts: int = 0
    due_at: datetime | None = None  # when a consumer should next look at it; None: now
    version: int = 0  # bumped by every change, so two consumers never both win one event


def badge_issued(issuer_id: str, assertion_id: str, badge_id: str, at: datetime) -> Event:
    return Event(
        type=EventType.BADGE_ISSUED,
        issuer_id=issuer_id,
        subject_id=assertion_id,
        occurred_at=at,
        data={"assertionId": assertion_id, "badgeId": badge_id},
    )


def badge_revoked(issuer_id: str, assertion_id: str, badge_id: str, at: datetime) -> Event:
    return Event(
        type=EventType.BADGE_REVOKED,
        issuer_id=issuer_id,
        subject_id=assertion_id,
        occurred_at=at,
        data={"assertionId": assertion_id, "badgeId": badge_id},
    )


def mail_badge(issuer_id: str, assertion_id: str, at: datetime) -> Event:
    """The badge e-mail to its recipient (the claim link is made when it is sent)."""
    return Event(
        type=EventType.MAIL_BADGE,
        issuer_id=issuer_id,
        subject_id=assertion_id,
        occurred_at=at,
        data={"assertionId": assertion_id},
    )


def mail_signin(request_id: str, at: datetime) -> Event:
    return Event(
        type=EventType.MAIL_SIGNIN,
        issuer_id="",
        subject_id=request_id,
        occurred_at=at,
        data={"requestId": request_id},
    )


def claim_changed(issuer_id: str, assertion_id: str, accepted: bool, at: datetime) -> Event:
    return Event(
        type=EventType.BADGE_CLAIMED if accepted else EventType.BADGE_DECLINED,
        issuer_id=issuer_id,
        subject_id=assertion_id,
        occurred_at=at,
        data={"assertionId": assertion_id},
    )


def supplement_changed(
    kind: EventType, issuer_id: str, assertion_id: str, version: int, at: datetime
) -> Event:
    """`supplement.attached|withdrawn|visible|hidden` for issuer portals."""
    return Event(
        type=kind,
        issuer_id=issuer_id,
        subject_id=assertion_id,
        occurred_at=at,
        data={"assertionId": assertion_id, "version": version},
    )


def notice_supplement(issuer_id: str, assertion_id: str, version: int, at: datetime) -> Event:
    """The graduate's e-mail about one supplement version. Its id is made from the version,
    so a second write of the same notice fails its `Absent` condition: once per version."""
    return Event(
        id=f"notice.supplement:{assertion_id}:{version}",
        type=EventType.NOTICE_SUPPLEMENT,
        issuer_id=issuer_id,
        subject_id=assertion_id,
        occurred_at=at,
        data={"assertionId": assertion_id, "version": version},
    )


def notice_unclaimed(issuer_id: str, assertion_id: str, days: int, issued: datetime) -> Event:
    """A reminder, due `days` after issue; the notifier drops it if the badge was claimed."""
    return Event(
        id=f"notice.unclaimed:{assertion_id}:{days}",
        type=EventType.NOTICE_UNCLAIMED,
        issuer_id=issuer_id,
        subject_id=assertion_id,
        occurred_at=issued,
        due_at=issued + timedelta(days=days),
        data={"assertionId": assertion_id, "days": days},
    )


def notice_expiring(issuer_id: str, assertion_id: str, expires: datetime, at: datetime) -> Event:
    """The notice 30 days before `expires` (at once when that is already past)."""
    return Event(
        id=f"notice.expiring:{assertion_id}",
        type=EventType.NOTICE_EXPIRING,
        issuer_id=issuer_id,
        subject_id=assertion_id,
        occurred_at=at,
        due_at=max(expires - timedelta(days=30), at),
        data={"assertionId": assertion_id},
    )
