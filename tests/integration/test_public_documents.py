"""The public Open Badges 2.0 documents served by the verify function."""

from __future__ import annotations

import json

from badgehub.domain import hashing
from tests.integration.conftest import Api, Tenant, issue


def _public(api: Api, url: str, accept: str | None = None):  # type: ignore[no-untyped-def]
    path = url.removeprefix("https://badges.test")
    return api.call("GET", path, headers={"accept": accept} if accept else None)


def test_the_whole_chain_resolves_without_auth(api: Api, tenant: Tenant) -> None:
    issued = issue(api, tenant, email="Ada@Example.org")
    assertion = _public(api, issued["links"]["assertion"])
    assert assertion.status == 200
    assert assertion.headers["content-type"] == "application/ld+json"
    doc = assertion.json()
    badge = _public(api, doc["badge"]).json()
    issuer = _public(api, badge["issuer"]).json()
    assert (doc["type"], badge["type"], issuer["type"]) == ("Assertion", "BadgeClass", "Issuer")
    assert doc["id"] == issued["links"]["assertion"]
    assert issuer["id"] == f"https://badges.test/issuers/{tenant.issuer_id}"


def test_public_assertion_never_carries_the_email_or_name(api: Api, tenant: Tenant) -> None:
    issued = issue(api, tenant, email="Ada@Example.org")
    reply = _public(api, issued["links"]["assertion"])
    text = reply.body.decode().lower()
    assert "ada@example.org" not in text and "lovelace" not in text
    recipient = reply.json()["recipient"]
    assert hashing.identity_matches(recipient["identity"], "ada@example.org", recipient["salt"])


def test_revoked_assertion_answers_410_with_revoked_true_and_reason(
    api: Api, tenant: Tenant
) -> None:
    issued = issue(api, tenant, email="Ada@Example.org")
    api.call(
        "POST",
        f"/v1/assertions/{issued['id']}/revoke",
        {"reason": "academic misconduct"},
        token=tenant.key,
    )
    reply = _public(api, issued["links"]["assertion"])
    assert reply.status == 410
    assert reply.json()["revoked"] is True
    assert reply.json()["revocationReason"] == "academic misconduct"
    assert "recipient" not in reply.json()


def test_plain_json_clients_get_application_json(api: Api, tenant: Tenant) -> None:
    issued = issue(api, tenant, email="Ada@Example.org")
    reply = _public(api, issued["links"]["badge"], accept="application/json")
    assert reply.headers["content-type"] == "application/json"
    assert json.loads(reply.body)["type"] == "BadgeClass"


def test_unknown_public_ids_are_404(api: Api) -> None:
    for path in ("/assertions/x", "/badges/x", "/issuers/x"):
        reply = api.call("GET", path)
        assert reply.status == 404
        assert reply.json()["error"]["code"] == "not_found"
