"""Issuers' webhooks and their deliveries: each delivery next to its webhook, time-ordered."""

from __future__ import annotations

from collections.abc import Sequence

from ...domain.events import Event
from ...domain.webhooks import Delivery, Webhook
from . import keyscheme
from .core import Absent, Equals, Put, Table
from .outbox import event_put
from .records import item, load


class TableWebhooks:
    """Implements `WebhookStore`; every change is version-checked (`ConcurrentUpdate`)."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def create_webhook(self, webhook: Webhook) -> None:
        record = item(
            keyscheme.webhook(webhook.id),
            webhook,
            version=webhook.version,
            GSI1PK=keyscheme.webhooks_of(webhook.issuer_id),
            GSI1SK=keyscheme.webhook_in_issuer(webhook.created_at.isoformat(), webhook.id),
        )
        self._table.put(record, Absent())

    def get_webhook(self, webhook_id: str) -> Webhook | None:
        return load(Webhook, self._table.get(*keyscheme.webhook(webhook_id)))

    def list_webhooks(self, issuer_id: str) -> list[Webhook]:
        """Oldest first."""
        page = self._table.query(keyscheme.webhooks_of(issuer_id), index="GSI1")
        found = (load(Webhook, record) for record in page.items)
        return [w for w in found if w is not None]

    def save_webhook(self, webhook: Webhook) -> Webhook:
        saved = webhook.model_copy(update={"version": webhook.version + 1})
        record = item(
            keyscheme.webhook(webhook.id),
            saved,
            version=saved.version,
            GSI1PK=keyscheme.webhooks_of(webhook.issuer_id),
            GSI1SK=keyscheme.webhook_in_issuer(webhook.created_at.isoformat(), webhook.id),
        )
        self._table.put(record, Equals("version", webhook.version))
        return saved

    def delete_webhook(self, webhook: Webhook) -> None:
        """Its pending deliveries are cancelled when they come up (the webhook is gone)."""
        self._table.delete(*keyscheme.webhook(webhook.id))

    def add_deliveries(self, deliveries: Sequence[tuple[Delivery, Event]]) -> None:
        """Each delivery with the outbox event that schedules it, together. `ConditionFailed`
        if one exists already (the same event fanned out twice)."""
        writes: list[Put] = []
        for delivery, event in deliveries:
            writes.append(self._delivery_put(delivery, Absent()))
            writes.append(event_put(event))
        if writes:
            self._table.transact(writes)

    def get_delivery(self, webhook_id: str, delivery_id: str) -> Delivery | None:
        return load(Delivery, self._table.get(*keyscheme.delivery(webhook_id, delivery_id)))

    def save_delivery(self, delivery: Delivery) -> Delivery:
        saved = delivery.model_copy(update={"version": delivery.version + 1})
        self._table.put(self._delivery_put(saved).item, Equals("version", delivery.version))
        return saved

    def list_deliveries(self, webhook_id: str, limit: int) -> list[Delivery]:
        """Newest first."""
        pk, _ = keyscheme.delivery(webhook_id, "")
        page = self._table.query(pk, prefix=keyscheme.DELIVERY_PREFIX, limit=limit, descending=True)
        found = (load(Delivery, record) for record in page.items)
        return [d for d in found if d is not None]

    @staticmethod
    def _delivery_put(delivery: Delivery, condition: Absent | None = None) -> Put:
        key = keyscheme.delivery(delivery.webhook_id, delivery.id)
        return Put(item(key, delivery, version=delivery.version), condition)
