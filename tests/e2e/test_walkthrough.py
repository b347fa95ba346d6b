"""The README's walk-through over HTTP against the running local platform."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from badgehub.domain import hashing
from tests.support.builders import a_badge, an_assertion, an_issuer

pytestmark = pytest.mark.e2e


def _post(
    platform: dict[str, Any], path: str, body: Any, token: str, **headers: str
) -> requests.Response:
    return requests.post(
        platform["base_url"] + path,
        json=body,
        headers={"Authorization": f"Bearer {token}", **headers},
        timeout=10,
    )


def test_health_answers_once_ready(platform: dict[str, Any]) -> None:
    reply = requests.get(platform["base_url"] + "/health", timeout=5)
    assert reply.status_code == 200
    assert reply.json() == {"status": "ok"}


def test_demo_issuer_and_badge_are_seeded_and_public(platform: dict[str, Any]) -> None:
    demo = platform["demo"]
    badge = requests.get(demo["badge"]["links"]["badge"], timeout=5)
    assert badge.status_code == 200
    assert badge.headers["content-type"] == "application/ld+json"
    image = requests.get(badge.json()["image"], timeout=5)
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")


def test_issuer_portal_flow_from_new_issuer_to_revoked_badge(platform: dict[str, Any]) -> None:
    admin = platform["admin_api_key"]
    issuer = _post(platform, "/v1/issuers", an_issuer(), admin)
    assert issuer.status_code == 201
    key = _post(platform, f"/v1/issuers/{issuer.json()['id']}/api-keys", {"label": "portal"}, admin)
    assert key.status_code == 201
    token = key.json()["key"]
    badge = _post(platform, f"/v1/issuers/{issuer.json()['id']}/badges", a_badge(), token)
    assert badge.status_code == 201

    issued = _post(
        platform,
        f"/v1/badges/{badge.json()['id']}/assertions",
        an_assertion("grace@example.org"),
        token,
        **{"Idempotency-Key": "once"},
    )
    assert issued.status_code == 201
    retried = _post(
        platform,
        f"/v1/badges/{badge.json()['id']}/assertions",
        an_assertion("grace@example.org"),
        token,
        **{"Idempotency-Key": "once"},
    )
    assert retried.json()["id"] == issued.json()["id"]

    hosted = requests.get(issued.json()["links"]["assertion"], timeout=5)
    assert hosted.status_code == 200
    doc = hosted.json()
    assert "grace@example.org" not in hosted.text
    assert hashing.identity_matches(
        doc["recipient"]["identity"], "grace@example.org", doc["recipient"]["salt"]
    )
    assert (
        requests.get(doc["badge"], timeout=5).json()["issuer"] == issuer.json()["links"]["profile"]
    )

    revoked = _post(
        platform, f"/v1/assertions/{issued.json()['id']}/revoke", {"reason": "replaced"}, token
    )
    assert revoked.status_code == 200
    gone = requests.get(issued.json()["links"]["assertion"], timeout=5)
    assert gone.status_code == 410
    assert gone.json() == {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": issued.json()["links"]["assertion"],
        "revoked": True,
        "revocationReason": "replaced",
    }


def test_errors_over_http_are_json_never_a_stack_trace(platform: dict[str, Any]) -> None:
    token = platform["demo"]["api_key"]
    badge_id = platform["demo"]["badge"]["id"]
    reply = requests.post(
        f"{platform['base_url']}/v1/badges/{badge_id}/assertions",
        data=b"\x00\x01garbage",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=5,
    )
    assert reply.status_code == 400
    assert reply.json()["error"]["field"] == "body"
    assert "Traceback" not in reply.text
    unknown = requests.get(f"{platform['base_url']}/no/such/route", timeout=5)
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"
