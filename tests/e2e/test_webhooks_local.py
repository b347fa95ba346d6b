"""The local platform started with ALLOW_LOCAL_WEBHOOKS=1: issuing the demo badge lands a
signed delivery on a receiver bound to 127.0.0.1, through the events function's schedule."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import standardwebhooks

from devplatform.process import running_platform
from tests.support.receiver import Receiver, receiving


@pytest.fixture(scope="module")
def webhook_platform() -> Iterator[dict[str, Any]]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALLOW_LOCAL_WEBHOOKS", "1")
        with running_platform() as info:
            yield info


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as listening:
        yield listening


def call(platform: dict[str, Any], method: str, path: str, **kwargs: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {platform['demo']['api_key']}"}
    return requests.request(
        method,
        platform["base_url"] + path,
        headers=headers,
        verify=platform["ca_file"],
        timeout=30,
        **kwargs,
    )


def test_issuing_lands_a_signed_delivery_on_a_local_receiver(
    webhook_platform: dict[str, Any], receiver: Receiver
) -> None:
    issuer_id = webhook_platform["demo"]["issuer"]["id"]
    badge_id = webhook_platform["demo"]["badge"]["id"]
    made = call(
        webhook_platform,
        "POST",
        f"/v1/issuers/{issuer_id}/webhooks",
        json={"url": receiver.url("/badgehub"), "events": ["badge.issued"]},
    )
    assert made.status_code == 201, made.text
    webhook = made.json()

    started = time.perf_counter()
    issued = call(
        webhook_platform,
        "POST",
        f"/v1/badges/{badge_id}/assertions",
        json={"recipient": {"email": "graduate@example.org"}},
    )
    assert issued.status_code == 201, issued.text
    assert time.perf_counter() - started < 5
    ran = requests.post(
        webhook_platform["base_url"] + "/_local/schedules/run",
        verify=webhook_platform["ca_file"],
        timeout=60,
    )
    assert ran.status_code == 200, ran.text

    (got,) = receiver.wait(1, timeout=30)
    assert got.path == "/badgehub"
    message = standardwebhooks.Webhook(webhook["secret"]).verify(got.body, got.headers)
    assert message["type"] == "badge.issued"
    assert message["data"]["assertionId"] == issued.json()["id"]
    assert b"graduate@example.org" not in got.body

    log = call(webhook_platform, "GET", f"/v1/webhooks/{webhook['id']}/deliveries").json()
    deadline = time.monotonic() + 10
    while log["items"][0]["state"] != "succeeded" and time.monotonic() < deadline:
        time.sleep(0.2)  # the receiver answered; the sender is settling the delivery
        log = call(webhook_platform, "GET", f"/v1/webhooks/{webhook['id']}/deliveries").json()
    assert log["items"][0]["state"] == "succeeded"
    assert log["items"][0]["attempts"][0]["statusCode"] == 204
