"""One casing on the wire: every field name the issuer API answers with is camelCase, links too."""

from __future__ import annotations

import re
from typing import Any

from tests.integration.conftest import ADMIN_KEY, Api, Tenant, issue
from tests.support.builders import a_badge, an_issuer

CAMEL = re.compile(r"^[a-z][a-zA-Z0-9]*$")


def _names(value: Any, where: str = "") -> list[str]:
    """Every object key in a JSON value, with its path."""
    if isinstance(value, dict):
        found = []
        for key, inner in value.items():
            found.append(f"{where}.{key}")
            found += _names(inner, f"{where}.{key}")
        return found
    if isinstance(value, list):
        return [name for item in value for name in _names(item, f"{where}[]")]
    return []


def _not_camel(body: Any) -> list[str]:
    return [path for path in _names(body) if not CAMEL.match(path.rsplit(".", 1)[-1])]


def test_issuer_badge_assertion_and_key_answers_are_camel_case(api: Api, tenant: Tenant) -> None:
    made = api.call("POST", "/v1/issuers", an_issuer(), token=ADMIN_KEY).json()
    aligned = a_badge(
        alignments=[
            {"targetName": "Skills", "targetUrl": "https://example.org/f", "targetCode": "S"}
        ]
    )
    badge = api.call("POST", f"/v1/issuers/{tenant.issuer_id}/badges", aligned, token=tenant.key)
    assertion = issue(api, tenant, badge.json()["id"])
    keys = api.call("GET", f"/v1/issuers/{tenant.issuer_id}/keys", token=tenant.key).json()
    listing = api.call("GET", f"/v1/badges/{tenant.badge_id}/assertions", token=tenant.key).json()
    answers = {"issuer": made, "badge": badge.json(), "assertion": assertion, "keys": keys}
    answers["assertions"] = listing
    assert {name: _not_camel(body) for name, body in answers.items()} == {
        name: [] for name in answers
    }
    assert set(assertion["links"]) >= {"ob2Signed", "credentialJwt", "bakedCredential"}
    assert set(made["links"]) >= {"didDocument", "revocationList", "statusList"}
