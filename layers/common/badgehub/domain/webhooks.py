"""Webhooks for issuer portals: subscriptions, the message they receive, and its signature.

Messages and signatures follow the Standard Webhooks specification: the body is
`{"type", "timestamp", "data"}`, and `webhook-signature` is `v1,<base64 HMAC-SHA256>` of
`<webhook-id>.<webhook-timestamp>.<body>` keyed by the secret behind `whsec_`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import os
import secrets
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .errors import InvalidInput
from .events import Consumer, Event, EventType, consumer_of

SECRET_PREFIX = "whsec_"  # noqa: S105 - the Standard Webhooks prefix, not a secret
SECRET_BYTES = 24
MAX_URL = 2048
MAX_WEBHOOKS = 10  # per issuer
EXCERPT = 200  # characters of a receiver's answer kept in the delivery log
# After the first attempt, retried at these intervals: about 27 hours and a half in all.
BACKOFF = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
DISABLE_AFTER = timedelta(days=5)  # of failures with no success in between


def subscribable() -> frozenset[EventType]:
    """Every event issuer portals may hear: whatever the outbox routes to the events consumer."""
    return frozenset(t for t in EventType if consumer_of(t) is Consumer.EVENTS)


class WebhookInput(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(min_length=1, max_length=MAX_URL)
    events: list[str] = Field(min_length=1, max_length=len(EventType))
    description: str = Field(default="", max_length=200)

    @field_validator("events")
    @classmethod
    def _known(cls, events: list[str]) -> list[str]:
        known = {t.value for t in subscribable()}
        for name in events:
            if name not in known:
                raise ValueError(f"unknown event type {name!r}; known: {', '.join(sorted(known))}")
        return sorted(set(events))


class Webhook(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    issuer_id: str
    url: str
    events: tuple[str, ...]
    description: str = ""
    sealed_secret: str  # the signing secret, encrypted with the platform's key (see `seal`)
    created_at: datetime
    failing_since: datetime | None = None  # first failure since the last success
    disabled_at: datetime | None = None
    disabled_reason: str | None = None
    version: int = 0

    @property
    def disabled(self) -> bool:
        return self.disabled_at is not None

    def wants(self, kind: str) -> bool:
        return not self.disabled and kind in self.events


class DeliveryState(StrEnum):
    PENDING = "pending"  # waiting for its first attempt or a retry
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # every retry failed
    CANCELLED = "cancelled"  # the webhook was disabled before it could go


class Attempt(BaseModel):
    model_config = ConfigDict(frozen=True)

    at: datetime
    status_code: int | None = None
    duration_ms: int = 0
    error: str | None = None
    response_excerpt: str = ""

    @property
    def succeeded(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300


class Delivery(BaseModel):
    """One webhook's copy of one event: the exact bytes it gets on every attempt."""

    model_config = ConfigDict(frozen=True)

    id: str
    webhook_id: str
    issuer_id: str
    message_id: str  # `webhook-id`: the event's id, the same on retries and redeliveries
    event_type: str
    body: str
    created_at: datetime
    state: DeliveryState = DeliveryState.PENDING
    attempts: tuple[Attempt, ...] = ()
    next_attempt_at: datetime | None = None
    redelivery_of: str | None = None
    version: int = 0


# --- secrets ---------------------------------------------------------------------------------


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key a `whsec_` secret stands for."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def seal(secret: str, key: bytes, webhook_id: str) -> str:
    """Encrypts a signing secret for the table: a copy of the table alone signs nothing."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, secret.encode(), webhook_id.encode())
    return base64.b64encode(nonce + sealed).decode()


def unseal(sealed: str, key: bytes, webhook_id: str) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    raw = base64.b64decode(sealed)
    return AESGCM(key).decrypt(raw[:12], raw[12:], webhook_id.encode()).decode()


# --- messages and signatures -----------------------------------------------------------------


def timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC with milliseconds, as the message's `timestamp`."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def message_data(event: Event) -> dict[str, Any]:
    """What a portal gets: the event's ids (never personal data) and whose event it is."""
    return {**event.data, "issuerId": event.issuer_id}


def message(event: Event) -> dict[str, Any]:
    return {
        "type": event.type.value,
        "timestamp": timestamp(event.occurred_at),
        "data": message_data(event),
    }


def body_of(event: Event) -> str:
    return json.dumps(message(event), separators=(",", ":"), ensure_ascii=False, sort_keys=True)


def signature(secret: str, message_id: str, sent_at: int, body: str) -> str:
    signed = f"{message_id}.{sent_at}.{body}".encode()
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, message_id: str, sent_at: int, body: str) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(sent_at),
        "webhook-signature": signature(secret, message_id, sent_at, body),
    }


# --- ids -------------------------------------------------------------------------------------


def delivery_id(webhook_id: str, event_id: str, at: datetime) -> str:
    """Sortable by time, and the same for the same webhook and event: a fan-out that runs
    twice (a crash before it settled) makes no second delivery."""
    millis = int(at.timestamp() * 1000)
    tail = hashlib.sha256(f"{webhook_id}:{event_id}".encode()).hexdigest()[:20]
    return f"dlv_{millis:012x}{tail}"


def redelivery_id(at: datetime) -> str:
    return f"dlv_{int(at.timestamp() * 1000):012x}{secrets.token_hex(10)}"


# --- targets ---------------------------------------------------------------------------------


def check_url(url: str, *, allow_local: bool) -> str:
    """A target we may ever post to: https to a public name, or (local platform only, with
    ALLOW_LOCAL_WEBHOOKS) http(s)://127.0.0.1. Where a name points is checked on every
    delivery; this refuses early what can never be delivered."""
    problem = "the webhook URL must be an https address on a public host"
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise InvalidInput(problem, field="url")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise InvalidInput(problem, field="url") from None
    host = (parts.hostname or "").lower()
    if parts.username is not None or parts.password is not None:
        raise InvalidInput("the webhook URL may not carry a user name or password", field="url")
    if parts.fragment:
        raise InvalidInput("the webhook URL may not have a #fragment", field="url")
    if allow_local and host == "127.0.0.1" and parts.scheme in ("http", "https"):
        return url
    if parts.scheme != "https" or not host or host == "localhost" or host.endswith(".localhost"):
        raise InvalidInput(problem, field="url")
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return url  # a name: resolved and checked when delivering
    if not address.is_global or address.is_multicast:
        raise InvalidInput(problem, field="url")
    return url
