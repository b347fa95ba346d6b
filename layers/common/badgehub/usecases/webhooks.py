"""Issuers manage their webhooks: subscribe, list, delete, read the delivery log, redeliver.

Only the issuer's own API key sees its webhooks; to anyone else (another issuer, the admin)
they do not exist (404), so webhook ids reveal nothing.
"""

from __future__ import annotations

import uuid
from typing import Protocol

from ..domain.errors import Conflict, NotFound, TooManyRequests
from ..domain.events import Event, EventType
from ..domain.webhooks import (
    MAX_WEBHOOKS,
    Delivery,
    DeliveryState,
    Webhook,
    WebhookInput,
    check_url,
    new_secret,
    redelivery_id,
    seal,
)
from ..ports import Clock, RateLimiter, WebhookStore
from .auth import Principal

SECRETS_PURPOSE = "webhook-secrets"  # the name of a key derived from the platform secret
REDELIVERIES_PER_HOUR = 100  # per webhook: enough to replay an outage, not to flood a receiver


class WebhookPorts(Protocol):
    @property
    def webhooks(self) -> WebhookStore: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def rate_limits(self) -> RateLimiter: ...
    def secret_for(self, purpose: str) -> bytes: ...


def _require_own_issuer(principal: Principal, issuer_id: str) -> None:
    if principal.is_admin or principal.issuer_id != issuer_id:
        raise NotFound("no such issuer for this API key", field="issuer_id")


def create_webhook(
    principal: Principal,
    issuer_id: str,
    data: WebhookInput,
    *,
    allow_local: bool,
    ports: WebhookPorts,
) -> tuple[Webhook, str]:
    """The webhook, and its signing secret: shown this once, stored only encrypted."""
    _require_own_issuer(principal, issuer_id)
    url = check_url(data.url, allow_local=allow_local)
    if len(ports.webhooks.list_webhooks(issuer_id)) >= MAX_WEBHOOKS:
        raise Conflict(f"an issuer may have at most {MAX_WEBHOOKS} webhooks", field="url")
    webhook_id = f"wh_{uuid.uuid4().hex}"
    secret = new_secret()
    webhook = Webhook(
        id=webhook_id,
        issuer_id=issuer_id,
        url=url,
        events=tuple(data.events),
        description=data.description,
        sealed_secret=seal(secret, ports.secret_for(SECRETS_PURPOSE), webhook_id),
        created_at=ports.clock.now(),
    )
    ports.webhooks.create_webhook(webhook)
    return webhook, secret


def list_webhooks(principal: Principal, issuer_id: str, *, ports: WebhookPorts) -> list[Webhook]:
    _require_own_issuer(principal, issuer_id)
    return ports.webhooks.list_webhooks(issuer_id)


def get_owned_webhook(principal: Principal, webhook_id: str, *, ports: WebhookPorts) -> Webhook:
    webhook = ports.webhooks.get_webhook(webhook_id)
    if webhook is None or principal.is_admin or webhook.issuer_id != principal.issuer_id:
        raise NotFound("no such webhook", field="webhook_id")
    return webhook


def delete_webhook(principal: Principal, webhook_id: str, *, ports: WebhookPorts) -> None:
    ports.webhooks.delete_webhook(get_owned_webhook(principal, webhook_id, ports=ports))


def list_deliveries(
    principal: Principal, webhook_id: str, limit: int, *, ports: WebhookPorts
) -> list[Delivery]:
    webhook = get_owned_webhook(principal, webhook_id, ports=ports)
    return ports.webhooks.list_deliveries(webhook.id, max(1, min(limit, 100)))


def redeliver(
    principal: Principal, webhook_id: str, delivery_id: str, *, ports: WebhookPorts
) -> Delivery:
    """A new delivery of the same message (same `webhook-id`, same body), due now."""
    webhook = get_owned_webhook(principal, webhook_id, ports=ports)
    original = ports.webhooks.get_delivery(webhook.id, delivery_id)
    if original is None:
        raise NotFound("no such delivery for this webhook", field="delivery_id")
    if webhook.disabled:
        raise Conflict(
            "the webhook is disabled: nothing can be delivered to it", field="webhook_id"
        )
    now = ports.clock.now()
    hour = int(now.timestamp()) // 3600 * 3600
    if not ports.rate_limits.hit("redeliver", webhook.id, hour, REDELIVERIES_PER_HOUR):
        raise TooManyRequests(
            f"at most {REDELIVERIES_PER_HOUR} redeliveries an hour per webhook; try later",
            retry_after=hour + 3600 - int(now.timestamp()),
        )
    again = Delivery(
        id=redelivery_id(now),
        webhook_id=webhook.id,
        issuer_id=webhook.issuer_id,
        message_id=original.message_id,
        event_type=original.event_type,
        body=original.body,
        created_at=now,
        state=DeliveryState.PENDING,
        next_attempt_at=now,
        redelivery_of=original.id,
    )
    ports.webhooks.add_deliveries([(again, scheduling_event(again))])
    return again


def scheduling_event(delivery: Delivery) -> Event:
    """The outbox entry that has the webhook sender make (and retry) this delivery."""
    return Event(
        id=delivery.id,
        type=EventType.WEBHOOK_DELIVERY,
        issuer_id=delivery.issuer_id,
        subject_id=delivery.webhook_id,
        occurred_at=delivery.created_at,
        data={"webhookId": delivery.webhook_id, "deliveryId": delivery.id},
    )
