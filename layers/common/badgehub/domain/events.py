"""What happened, as the outbox records it: each state change someone must hear about.

An event is written in the same transaction as the change it announces, so nothing is
announced that was not stored and nothing stored goes unannounced. Consumers (the mailer,
the notifier, webhooks) read pending events and settle them.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class EventType(StrEnum):
    BADGE_ISSUED = "badge.issued"
    BADGE_REVOKED = "badge.revoked"


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
