"""Issuers' webhooks (`/v1/issuers/{id}/webhooks`, `/v1/webhooks/...`), for their own key only.

The webhook use cases and models load with the first webhook request, not with the issue
function's cold start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from ..runtime import wiring
from ..runtime.http import json_body, json_response, query_int
from ..runtime.settings import webhook_settings
from .issuer_api import caller

if TYPE_CHECKING:
    from ..domain.webhooks import Delivery, Webhook

router = Router()
NO_STORE = {"Cache-Control": "no-store"}


@router.post("/v1/issuers/<issuer_id>/webhooks")
def create_webhook(issuer_id: str) -> Response[str]:
    from ..domain.webhooks import WebhookInput
    from ..usecases import webhooks

    principal = caller()
    data = json_body(router, WebhookInput)
    webhook, secret = webhooks.create_webhook(
        principal,
        issuer_id,
        data,
        allow_local=webhook_settings().allow_local_webhooks,
        ports=wiring.ports(),
    )
    return json_response(201, {**webhook_view(webhook), "secret": secret}, NO_STORE)


@router.get("/v1/issuers/<issuer_id>/webhooks")
def list_webhooks(issuer_id: str) -> Response[str]:
    from ..usecases import webhooks

    found = webhooks.list_webhooks(caller(), issuer_id, ports=wiring.ports())
    return json_response(200, {"items": [webhook_view(w) for w in found]})


@router.get("/v1/webhooks/<webhook_id>")
def get_webhook(webhook_id: str) -> Response[str]:
    from ..usecases import webhooks

    webhook = webhooks.get_owned_webhook(caller(), webhook_id, ports=wiring.ports())
    return json_response(200, webhook_view(webhook))


@router.delete("/v1/webhooks/<webhook_id>")
def delete_webhook(webhook_id: str) -> Response[str]:
    from ..usecases import webhooks

    webhooks.delete_webhook(caller(), webhook_id, ports=wiring.ports())
    return Response(status_code=204, body="")


@router.get("/v1/webhooks/<webhook_id>/deliveries")
def list_deliveries(webhook_id: str) -> Response[str]:
    from ..usecases import webhooks

    found = webhooks.list_deliveries(
        caller(), webhook_id, query_int(router, "limit", 25), ports=wiring.ports()
    )
    return json_response(200, {"items": [delivery_view(d) for d in found]})


@router.post("/v1/webhooks/<webhook_id>/deliveries/<delivery_id>/redeliver")
def redeliver(webhook_id: str, delivery_id: str) -> Response[str]:
    from ..usecases import webhooks

    again = webhooks.redeliver(caller(), webhook_id, delivery_id, ports=wiring.ports())
    return json_response(202, delivery_view(again))


def webhook_view(webhook: Webhook) -> dict[str, Any]:
    """Never the secret: it is shown once, when the webhook is made."""
    from ..domain.webhooks import timestamp

    return {
        "id": webhook.id,
        "issuerId": webhook.issuer_id,
        "url": webhook.url,
        "events": list(webhook.events),
        "description": webhook.description,
        "createdAt": timestamp(webhook.created_at),
        "state": "disabled" if webhook.disabled else "enabled",
        "disabledAt": timestamp(webhook.disabled_at) if webhook.disabled_at else None,
        "disabledReason": webhook.disabled_reason,
        "failingSince": timestamp(webhook.failing_since) if webhook.failing_since else None,
    }


def delivery_view(delivery: Delivery) -> dict[str, Any]:
    from ..domain.webhooks import timestamp

    return {
        "id": delivery.id,
        "webhookId": delivery.webhook_id,
        "messageId": delivery.message_id,
        "eventType": delivery.event_type,
        "createdAt": timestamp(delivery.created_at),
        "state": delivery.state.value,
        "nextAttemptAt": timestamp(delivery.next_attempt_at) if delivery.next_attempt_at else None,
        "redeliveryOf": delivery.redelivery_of,
        "attempts": [
            {
                "at": timestamp(a.at),
                "statusCode": a.status_code,
                "durationMs": a.duration_ms,
                "error": a.error,
                "responseExcerpt": a.response_excerpt,
            }
            for a in delivery.attempts
        ],
    }
