"""POST /v1/verify and the verification page, through the verify function against moto."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.integration.conftest import ADMIN_KEY, Api, Tenant, issue
from tests.support.builders import a_badge

BASE = "https://badges.test"


def _verify(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    reply = api.call("POST", "/v1/verify", body)
    assert reply.status == 200, reply.body
    result: dict[str, Any] = reply.json()
    return result


def _get(api: Api, url: str) -> Any:
    return api.call("GET", url.removeprefix(BASE))


def test_each_of_our_forms_verifies_as_valid(api: Api, tenant: Tenant) -> None:
    links = issue(api, tenant)["links"]
    credential = _get(api, links["credential"]).json()
    for body, fmt in [
        ({"url": links["assertion"]}, "ob2-hosted"),
        ({"jws": _get(api, links["ob2Signed"]).body.decode()}, "ob2-signed"),
        ({"credential": credential}, "ob3-data-integrity"),
        ({"jws": _get(api, links["credentialJwt"]).body.decode()}, "ob3-jwt"),
    ]:
        result = _verify(api, {**body, "recipient": "ada@example.org"})
        assert result["verdict"] == "valid", (fmt, result["errors"])
        assert result["summary"]["format"] == fmt
        assert result["summary"]["hosted_here"] is True
        assert "ada@example.org" not in json.dumps(result["summary"])


def test_revoked_tampered_and_wrong_recipient_are_told_apart(api: Api, tenant: Tenant) -> None:
    issued = issue(api, tenant)
    credential = _get(api, issued["links"]["credential"]).json()
    tampered = {**credential, "name": "Brain surgery"}
    assert _verify(api, {"credential": tampered})["verdict"] == "invalid"
    wrong = _verify(api, {"credential": credential, "recipient": "mallory@example.org"})
    assert wrong["verdict"] == "invalid"
    api.call("POST", f"/v1/assertions/{issued['id']}/revoke", {"reason": "fraud"}, token=tenant.key)
    for body in ({"credential": credential}, {"url": issued["links"]["assertion"]}):
        result = _verify(api, body)
        assert result["verdict"] == "revoked", result
        assert result["valid"] is False


def test_a_baked_image_can_be_verified_as_the_raw_body(api: Api, tenant: Tenant) -> None:
    from devplatform.gateway import HttpRequest

    issued = issue(api, tenant)
    response = api.gateway.invoke(
        HttpRequest(
            "GET",
            issued["links"]["baked"].removeprefix(BASE),
            {"host": "badges.test"},
            b"",
            "badges.test",
        )
    )
    png = base64.b64decode(response["body"])
    reply = api.call("POST", "/v1/verify", raw=png, headers={"content-type": "image/png"})
    assert reply.status == 200
    assert reply.json()["verdict"] == "valid"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"credential": {"hello": "world"}}, "credential"),
        ({"jws": "not.a.jws"}, "jws"),
        ({}, "credential"),
        ({"url": "ftp://example.org/x"}, "url"),
    ],
)
def test_input_that_is_not_a_badge_is_a_4xx_naming_the_field(
    api: Api, body: dict[str, Any], field: str
) -> None:
    reply = api.call("POST", "/v1/verify", body)
    assert 400 <= reply.status < 500, reply.body
    assert reply.json()["error"]["field"] == field


def test_an_open_badges_0_5_badge_is_a_report_naming_its_version(api: Api) -> None:
    """Not a 4xx: it is a badge, of a version the platform does not verify."""
    old = {
        "recipient": "ada@example.org",
        "badge": {"version": "0.5.0", "name": "Robotics", "issuer": {"name": "P2PU"}},
    }
    result = _verify(api, {"credential": old})
    assert result["verdict"] == "unverifiable"
    assert [c["name"] for c in result["checks"]] == ["unsupported_version"]
    assert "Open Badges 0.5" in result["warnings"][0]


def test_an_open_badges_1_0_badge_is_verified_as_its_2_0_equivalent(api: Api) -> None:
    """Its issuer's site cannot be reached from here, so the report says what it could do."""
    old = {
        "uid": "abc123",
        "recipient": {"type": "email", "hashed": False, "identity": "ada@example.org"},
        "badge": "https://old.example/badge.json",
        "issuedOn": "2014-01-01",
        "verify": {"type": "hosted", "url": "https://old.example/assertion.json"},
    }
    result = _verify(api, {"credential": old})
    assert result["verdict"] == "unverifiable"
    assert result["checks"][0]["name"] == "version"
    assert "Open Badges 1.0 badge" in result["checks"][0]["message"]
    assert result["summary"]["format"] == "ob1-hosted"


def test_a_png_without_a_badge_is_refused(api: Api) -> None:
    from tests.support.builders import png_bytes

    reply = api.call("POST", "/v1/verify", raw=png_bytes(), headers={"content-type": "image/png"})
    assert reply.status == 400
    assert reply.json()["error"]["field"] == "image"


def test_browsers_get_the_page_with_strict_headers_and_everything_escaped(
    api: Api, tenant: Tenant
) -> None:
    hostile = api.call(
        "POST",
        f"/v1/issuers/{tenant.issuer_id}/badges",
        a_badge(name="<script>alert(1)</script>", description='"><img src=x onerror=alert(1)>'),
        token=tenant.key,
    ).json()
    issued = issue(api, tenant, hostile["id"])
    page = api.call(
        "GET",
        issued["links"]["assertion"].removeprefix(BASE),
        headers={"accept": "text/html", "accept-language": "it-IT,it;q=0.9"},
    )
    assert page.status == 200
    assert page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    html = page.body.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "Badge valido" in html and 'lang="it"' in html
    assert "ada@example.org" not in html
    json_ld = api.call("GET", issued["links"]["assertion"].removeprefix(BASE))
    assert json_ld.headers["content-type"] == "application/ld+json"


@pytest.mark.parametrize("depth", [50, 500, 1000, 5000])
def test_deeply_nested_json_is_a_400_everywhere(api: Api, tenant: Tenant, depth: int) -> None:
    nested = b'{"a":' * depth + b"1" + b"}" * depth
    for path, token in (
        ("/v1/verify", None),
        ("/v1/issuers", ADMIN_KEY),
        (f"/v1/badges/{tenant.badge_id}/assertions", tenant.key),
    ):
        body = b'{"credential":' + nested + b"}" if path == "/v1/verify" else nested
        reply = api.call(
            "POST", path, raw=body, token=token, headers={"content-type": "application/json"}
        )
        assert reply.status == 400, (path, depth, reply.body[:200])


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"--b--\r\n", "multipart/form-data; boundary=b", 400),  # a form with no parts
        (b"text=x", "application/x-www-form-urlencoded", 415),
        (b"text=x", None, 415),
    ],
)
def test_an_unreadable_verify_form_comes_back_as_the_page_with_the_error(
    api: Api, body: bytes, content_type: str | None, status: int
) -> None:
    headers = {"accept": "text/html", "content-type": content_type or ""}
    reply = api.call("POST", "/verify", raw=body, headers=headers)

    assert reply.status == status
    assert reply.headers["content-type"].startswith("text/html")
    assert "<form" in reply.body.decode()
