"""Webhooks through the real handlers on moto: who may manage them, what a receiver on
127.0.0.1 gets, what the EventBridge bus gets, and that a slow receiver never slows issuing."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
import standardwebhooks

from badgehub.runtime import jobs, wiring
from tests.integration.conftest import ADMIN_KEY, Api, Tenant, issue, make_tenant, table_items
from tests.support.receiver import Receiver, receiving

BUS = "local-events"  # the template's `${AWS::StackName}-events`, as the local platform names it


@pytest.fixture
def local_webhooks(api: Api, monkeypatch: pytest.MonkeyPatch) -> Api:
    """As the local platform runs with ALLOW_LOCAL_WEBHOOKS=1 and the template's bus."""
    monkeypatch.setenv("ALLOW_LOCAL_WEBHOOKS", "1")
    monkeypatch.setenv("EVENT_BUS_NAME", BUS)
    wiring.reset()
    return api


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as listening:
        yield listening


def subscribe(api: Api, tenant: Tenant, url: str, events: list[str] | None = None) -> Any:
    reply = api.call(
        "POST",
        f"/v1/issuers/{tenant.issuer_id}/webhooks",
        {"url": url, "events": events or ["badge.issued", "badge.revoked"]},
        token=tenant.key,
    )
    assert reply.status == 201, reply.body
    return reply.json()


def bus_queue() -> str:
    """A queue behind a rule on the bus: what EventBridge would hand a subscriber."""
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName="bus-tap")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    events = boto3.client("events")
    events.put_rule(Name="tap", EventBusName=BUS, EventPattern=json.dumps({"source": ["badgehub"]}))
    events.put_targets(Rule="tap", EventBusName=BUS, Targets=[{"Id": "q", "Arn": arn}])
    return url


def test_issuing_lands_a_signed_delivery_and_an_event_on_the_bus(
    local_webhooks: Api, tenant: Tenant, receiver: Receiver
) -> None:
    api = local_webhooks
    queue = bus_queue()
    created = subscribe(api, tenant, receiver.url())
    assertion = issue(api, tenant)

    summary = jobs.send_events(60_000)

    assert summary["published"] == 1
    assert summary["delivered"] == 1
    (got,) = receiver.wait(1)
    message = standardwebhooks.Webhook(created["secret"]).verify(got.body, got.headers)
    assert message["type"] == "badge.issued"
    assert message["data"]["assertionId"] == assertion["id"]
    assert message["data"]["issuerId"] == tenant.issuer_id
    assert got.headers["user-agent"].startswith("badgehub-webhooks/")

    (on_bus,) = boto3.client("sqs").receive_message(QueueUrl=queue, MaxNumberOfMessages=10)[
        "Messages"
    ]
    envelope = json.loads(on_bus["Body"])
    assert envelope["source"] == "badgehub"
    assert envelope["detail-type"] == "badge.issued"
    assert envelope["detail"]["data"]["assertionId"] == assertion["id"]
    assert envelope["detail"]["id"] == got.headers["webhook-id"]

    log = api.call("GET", f"/v1/webhooks/{created['id']}/deliveries", token=tenant.key).json()
    (delivery,) = log["items"]
    assert delivery["state"] == "succeeded"
    (attempt,) = delivery["attempts"]
    assert attempt["statusCode"] == 204
    assert attempt["durationMs"] >= 0
    assert attempt["error"] is None


def test_the_secret_is_shown_once_and_never_stored_in_the_clear(
    local_webhooks: Api, tenant: Tenant
) -> None:
    api = local_webhooks
    created = subscribe(api, tenant, "https://portal.example/hooks")
    assert created["secret"].startswith("whsec_")
    listed = api.call("GET", f"/v1/issuers/{tenant.issuer_id}/webhooks", token=tenant.key)
    assert listed.status == 200
    assert "secret" not in listed.json()["items"][0]
    one = api.call("GET", f"/v1/webhooks/{created['id']}", token=tenant.key).json()
    assert "secret" not in one
    assert one["state"] == "enabled"
    assert created["secret"].removeprefix("whsec_") not in str(table_items())


def test_a_slow_receiver_never_delays_issuing(local_webhooks: Api, tenant: Tenant) -> None:
    api = local_webhooks
    with receiving(delay=3.0) as slow:
        subscribe(api, tenant, slow.url())
        issue(api, tenant)  # warm the handler: the next issue is timed alone
        started = time.perf_counter()
        issue(api, tenant)
        issuing = time.perf_counter() - started
        assert issuing < 1.5
        assert slow.received == []  # nothing is sent while issuing

        started = time.perf_counter()
        summary = jobs.send_events(60_000)
        sending = time.perf_counter() - started
    assert summary["delivered"] == 2  # a slow 204 within the 5 s timeout is still a success
    assert sending >= 3.0  # the sender, not the issuer, waited for it


def test_a_redirecting_receiver_is_not_followed(
    local_webhooks: Api, tenant: Tenant, receiver: Receiver
) -> None:
    api = local_webhooks
    with receiving(status=307, location=receiver.url("/elsewhere")) as redirecting:
        created = subscribe(api, tenant, redirecting.url())
        issue(api, tenant)
        assert jobs.send_events(60_000)["retried"] == 1
        assert len(redirecting.received) == 1
    assert receiver.received == []
    (delivery,) = api.call(
        "GET", f"/v1/webhooks/{created['id']}/deliveries", token=tenant.key
    ).json()["items"]
    assert delivery["attempts"][0]["statusCode"] == 307
    assert "redirects are not followed" in delivery["attempts"][0]["error"]
    assert delivery["state"] == "pending"
    assert delivery["nextAttemptAt"] is not None


def test_redeliver_sends_the_same_message_again(
    local_webhooks: Api, tenant: Tenant, receiver: Receiver
) -> None:
    api = local_webhooks
    created = subscribe(api, tenant, receiver.url())
    issue(api, tenant)
    jobs.send_events(60_000)
    (first,) = api.call("GET", f"/v1/webhooks/{created['id']}/deliveries", token=tenant.key).json()[
        "items"
    ]
    again = api.call(
        "POST",
        f"/v1/webhooks/{created['id']}/deliveries/{first['id']}/redeliver",
        token=tenant.key,
    )
    assert again.status == 202
    assert again.json()["redeliveryOf"] == first["id"]
    jobs.send_events(60_000)
    one, two = receiver.wait(2)
    assert one.body == two.body
    assert one.headers["webhook-id"] == two.headers["webhook-id"]


# --- input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "https://portal.example/h", "events": ["badge.exploded"]}, "events"),
        ({"url": "https://portal.example/h", "events": ["mail.badge"]}, "events"),
        ({"url": "https://portal.example/h", "events": []}, "events"),
        ({"url": "https://portal.example/h"}, "events"),
        ({"url": "http://portal.example/h", "events": ["badge.issued"]}, "url"),
        ({"url": "https://10.1.2.3/h", "events": ["badge.issued"]}, "url"),
        ({"url": "https://localhost/h", "events": ["badge.issued"]}, "url"),
        ({"url": "http://127.0.0.1:9/h", "events": ["badge.issued"]}, "url"),
        ({"url": "https://portal.example/" + "a" * 3000, "events": ["badge.issued"]}, "url"),
        ({"events": ["badge.issued"]}, "url"),
        ({"url": "https://portal.example/h", "events": ["badge.issued"], "x": 1}, "x"),
    ],
)
def test_bad_subscriptions_get_a_400_naming_the_field(
    api: Api, tenant: Tenant, body: dict[str, Any], field: str
) -> None:
    reply = api.call("POST", f"/v1/issuers/{tenant.issuer_id}/webhooks", body, token=tenant.key)
    assert reply.status == 400, reply.body
    assert field in reply.json()["error"]["field"]
    listed = api.call("GET", f"/v1/issuers/{tenant.issuer_id}/webhooks", token=tenant.key)
    assert listed.json()["items"] == []  # nothing half-stored


def test_local_targets_are_refused_unless_the_platform_allows_them(
    api: Api, tenant: Tenant
) -> None:
    reply = api.call(
        "POST",
        f"/v1/issuers/{tenant.issuer_id}/webhooks",
        {"url": "http://127.0.0.1:8080/hooks", "events": ["badge.issued"]},
        token=tenant.key,
    )
    assert reply.status == 400
    assert reply.json()["error"]["field"] == "url"


# --- who may manage webhooks ------------------------------------------------------------------


def _routes(tenant: Tenant, webhook_id: str, delivery_id: str) -> list[tuple[str, str, Any]]:
    hook = {"url": "https://portal.example/x", "events": ["badge.issued"]}
    return [
        ("POST", f"/v1/issuers/{tenant.issuer_id}/webhooks", hook),
        ("GET", f"/v1/issuers/{tenant.issuer_id}/webhooks", None),
        ("GET", f"/v1/webhooks/{webhook_id}", None),
        ("GET", f"/v1/webhooks/{webhook_id}/deliveries", None),
        ("POST", f"/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver", None),
        ("DELETE", f"/v1/webhooks/{webhook_id}", None),
    ]


@pytest.mark.parametrize("who", ["other issuer", "admin", "nobody", "bad key"])
def test_only_the_issuers_own_key_manages_its_webhooks(
    local_webhooks: Api, tenant: Tenant, receiver: Receiver, who: str
) -> None:
    api = local_webhooks
    created = subscribe(api, tenant, receiver.url())
    issue(api, tenant)
    jobs.send_events(60_000)
    (delivery,) = api.call(
        "GET", f"/v1/webhooks/{created['id']}/deliveries", token=tenant.key
    ).json()["items"]
    token = {
        "other issuer": make_tenant(api, "Other College").key,
        "admin": ADMIN_KEY,
        "nobody": None,
        "bad key": "bh_0123456789abcdef_guess",
    }[who]
    for method, path, body in _routes(tenant, created["id"], delivery["id"]):
        reply = api.call(method, path, body, token=token)
        expected = 401 if who in ("nobody", "bad key") else 404
        assert reply.status == expected, (method, path, reply.body)
        assert created["secret"] not in reply.body.decode()

    # and the owner still has everything, untouched
    for method, path, body in _routes(tenant, created["id"], delivery["id"]):
        reply = api.call(method, path, body, token=tenant.key)
        assert reply.status in (200, 201, 202, 204), (method, path, reply.body)


def test_unknown_ids_are_404(api: Api, tenant: Tenant) -> None:
    for method, path, body in _routes(tenant, "wh_nope", "dlv_nope")[2:]:
        reply = api.call(method, path, body, token=tenant.key)
        assert reply.status == 404, (method, path)


def test_a_webhook_failing_for_days_shows_as_disabled_with_its_reason(
    local_webhooks: Api, tenant: Tenant
) -> None:
    api = local_webhooks
    with receiving(status=500) as failing:
        created = subscribe(api, tenant, failing.url())
        store = wiring.ports().webhooks
        webhook = store.get_webhook(created["id"])
        assert webhook is not None
        six_days_ago = datetime.now(UTC) - timedelta(days=6)
        store.save_webhook(webhook.model_copy(update={"failing_since": six_days_ago}))
        issue(api, tenant)
        summary = jobs.send_events(60_000)
    assert summary["disabled"] == 1
    shown = api.call("GET", f"/v1/webhooks/{created['id']}", token=tenant.key).json()
    assert shown["state"] == "disabled"
    assert "5 days" in shown["disabledReason"]
    assert "500" in shown["disabledReason"]
    assert shown["disabledAt"] is not None
