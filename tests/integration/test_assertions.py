"""Issuing, idempotency, listing and revoking, through the handlers against moto."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.integration.conftest import Api, Tenant, issue, table_items
from tests.support.builders import an_assertion


def _assertions_in_table() -> list[dict]:
    return [
        i
        for i in table_items()
        if i["PK"]["S"].startswith("ASSERTION#") and i["SK"]["S"] == "ASSERTION"
    ]


def test_issue_returns_the_hosted_links(api: Api, tenant: Tenant) -> None:
    body = issue(
        api, tenant, evidence=[{"url": "https://portfolio.example/ada", "name": "Portfolio"}]
    )
    assert body["links"]["assertion"] == f"https://badges.test/assertions/{body['id']}"
    assert body["links"]["badge"] == f"https://badges.test/badges/{tenant.badge_id}"
    assert body["links"]["issuer"] == f"https://badges.test/issuers/{tenant.issuer_id}"
    assert body["recipient"] == {"email": "ada@example.org", "name": "Ada Lovelace"}
    assert body["evidence"] == [{"url": "https://portfolio.example/ada", "name": "Portfolio"}]


def test_same_idempotency_key_returns_the_first_assertion(api: Api, tenant: Tenant) -> None:
    path = f"/v1/badges/{tenant.badge_id}/assertions"
    first = api.call(
        "POST", path, an_assertion(), token=tenant.key, headers={"idempotency-key": "grad-2026-ada"}
    )
    again = api.call(
        "POST", path, an_assertion(), token=tenant.key, headers={"idempotency-key": "grad-2026-ada"}
    )
    assert first.status == again.status == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers.get("idempotent-replayed") == "true"
    assert len(_assertions_in_table()) == 1


def test_idempotency_key_reused_with_another_body_is_a_conflict(api: Api, tenant: Tenant) -> None:
    path = f"/v1/badges/{tenant.badge_id}/assertions"
    headers = {"idempotency-key": "k1"}
    api.call("POST", path, an_assertion(), token=tenant.key, headers=headers)
    reply = api.call(
        "POST", path, an_assertion("bob@example.org"), token=tenant.key, headers=headers
    )
    assert reply.status == 409
    assert reply.json()["error"]["field"] == "Idempotency-Key"
    assert len(_assertions_in_table()) == 1


def test_without_a_key_each_call_issues_a_new_assertion(api: Api, tenant: Tenant) -> None:
    assert issue(api, tenant)["id"] != issue(api, tenant)["id"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"issuedOn": (datetime.now(UTC) + timedelta(days=2)).isoformat()}, "issuedOn"),
        ({"expires": (datetime.now(UTC) - timedelta(days=1)).isoformat()}, "expires"),
    ],
)
def test_impossible_dates_are_refused(api: Api, tenant: Tenant, changes: dict, field: str) -> None:
    reply = api.call(
        "POST",
        f"/v1/badges/{tenant.badge_id}/assertions",
        an_assertion(**changes),
        token=tenant.key,
    )
    assert reply.status == 400
    assert reply.json()["error"]["field"] == field
    assert _assertions_in_table() == []


def test_listing_pages_through_every_assertion_once(api: Api, tenant: Tenant) -> None:
    issued = {issue(api, tenant, email=f"p{i}@example.org")["id"] for i in range(5)}
    seen: list[str] = []
    cursor = None
    while True:
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = api.call(
            "GET", f"/v1/badges/{tenant.badge_id}/assertions{query}", token=tenant.key
        ).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["nextCursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(issued)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("limit=500", "limit"),
        ("cursor=zzz", "cursor"),
    ],
)
def test_bad_paging_parameters_are_named(api: Api, tenant: Tenant, query: str, field: str) -> None:
    reply = api.call("GET", f"/v1/badges/{tenant.badge_id}/assertions?{query}", token=tenant.key)
    assert reply.status == 400
    assert reply.json()["error"]["field"] == field


def test_a_cursor_from_another_badge_is_refused(api: Api, tenant: Tenant) -> None:
    from tests.integration.conftest import make_tenant

    other = make_tenant(api, "Other")
    for i in range(3):
        issue(api, other, email=f"o{i}@example.org")
    cursor = api.call(
        "GET", f"/v1/badges/{other.badge_id}/assertions?limit=1", token=other.key
    ).json()["nextCursor"]
    reply = api.call(
        "GET", f"/v1/badges/{tenant.badge_id}/assertions?cursor={cursor}", token=tenant.key
    )
    assert (reply.status, reply.json()["error"]["field"]) == (400, "cursor")


def test_revoking_twice_keeps_the_first_reason(api: Api, tenant: Tenant) -> None:
    assertion_id = issue(api, tenant)["id"]
    first = api.call(
        "POST",
        f"/v1/assertions/{assertion_id}/revoke",
        {"reason": "issued in error"},
        token=tenant.key,
    )
    second = api.call(
        "POST", f"/v1/assertions/{assertion_id}/revoke", {"reason": "other"}, token=tenant.key
    )
    assert first.status == second.status == 200
    assert second.json()["revocationReason"] == "issued in error"
    assert second.json()["revokedAt"] == first.json()["revokedAt"]


def test_revoke_needs_a_reason(api: Api, tenant: Tenant) -> None:
    assertion_id = issue(api, tenant)["id"]
    reply = api.call("POST", f"/v1/assertions/{assertion_id}/revoke", {}, token=tenant.key)
    assert (reply.status, reply.json()["error"]["field"]) == (400, "reason")
    assert (
        api.call("GET", f"/v1/assertions/{assertion_id}", token=tenant.key).json()["revoked"]
        is False
    )


def test_stored_assertion_keeps_the_email_private_to_the_record(api: Api, tenant: Tenant) -> None:
    issue(api, tenant)
    (item,) = _assertions_in_table()
    doc = json.loads(item["doc"]["S"])
    assert doc["recipient_email"] == "ada@example.org"
    assert doc["identity_hash"].startswith("sha256$")


def test_issuing_and_revoking_write_their_events_in_the_table(api: Api, tenant: Tenant) -> None:
    issued = issue(api, tenant)
    api.call("POST", f"/v1/assertions/{issued['id']}/revoke", {"reason": "x"}, token=tenant.key)
    events = [i for i in table_items() if i["PK"]["S"].startswith("EVENT#")]
    kinds = sorted(json.loads(e["doc"]["S"])["type"] for e in events)
    assert kinds == [
        "badge.issued",
        "badge.revoked",
        "mail.badge",
        "notice.unclaimed",  # the 7- and 30-day reminders (dropped when due: it is revoked)
        "notice.unclaimed",
    ]
    announced = [e for e in events if not json.loads(e["doc"]["S"])["type"].startswith("mail.")]
    assert all(e["state"]["S"] == "pending" and "GSI1PK" in e for e in announced)


def test_issuing_emits_an_emf_metric_and_echoes_the_correlation_id(
    api: Api, tenant: Tenant, capsys: pytest.CaptureFixture[str]
) -> None:
    reply = api.call(
        "POST",
        f"/v1/badges/{tenant.badge_id}/assertions",
        an_assertion(),
        token=tenant.key,
        headers={"x-correlation-id": "portal-run-7"},
    )
    assert reply.status == 201
    assert reply.headers["x-correlation-id"] == "portal-run-7"
    documents = [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if "_aws" in line
    ]
    emitted = [m["Name"] for d in documents for m in d["_aws"]["CloudWatchMetrics"][0]["Metrics"]]
    assert "BadgesIssued" in emitted
    assert "ada@example.org" not in json.dumps(documents)


def test_a_hand_made_cursor_is_refused_even_with_the_right_partition(
    api: Api, tenant: Tenant
) -> None:
    import base64

    for _ in range(3):
        issue(api, tenant)
    made = {"PK": "", "SK": "", "GSI1PK": f"BADGE#{tenant.badge_id}", "GSI1SK": ""}
    for forged in (
        base64.urlsafe_b64encode(json.dumps(made).encode()).decode().rstrip("="),
        base64.urlsafe_b64encode(b"\0" * 16 + json.dumps(made).encode()).decode().rstrip("="),
    ):
        reply = api.call(
            "GET", f"/v1/badges/{tenant.badge_id}/assertions?cursor={forged}", token=tenant.key
        )
        assert (reply.status, reply.json()["error"]["field"]) == (400, "cursor")
