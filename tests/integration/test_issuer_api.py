"""The issuer API through the real handlers, DynamoDB and S3 (moto)."""

from __future__ import annotations

import base64

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.integration.conftest import (
    ADMIN_KEY,
    NAMES,
    Api,
    Tenant,
    bucket_keys,
    make_tenant,
    table_items,
)
from tests.support.builders import SVG, a_badge, an_assertion, an_issuer, data_uri, png_bytes


def test_admin_creates_an_issuer_with_a_public_profile_url(api: Api) -> None:
    reply = api.call("POST", "/v1/issuers", an_issuer(image=data_uri(png_bytes())), token=ADMIN_KEY)
    assert reply.status == 201
    body = reply.json()
    assert body["links"]["profile"] == f"https://badges.test/issuers/{body['id']}"
    assert body["links"]["image"].startswith("https://assets.test/issuers/")
    assert len(bucket_keys()) == 1


def test_api_key_is_shown_once_and_stored_only_as_a_hash(api: Api, tenant: Tenant) -> None:
    stored = [i for i in table_items() if i["PK"]["S"].startswith("APIKEY#")]
    assert len(stored) == 1
    secret = tenant.key.split("_", 2)[2]
    assert secret not in str(stored)
    assert tenant.key not in str(table_items())


def test_issuer_key_can_read_its_own_issuer_but_not_another(api: Api, tenant: Tenant) -> None:
    other = make_tenant(api, "Other College")
    assert api.call("GET", f"/v1/issuers/{tenant.issuer_id}", token=tenant.key).status == 200
    reply = api.call("GET", f"/v1/issuers/{other.issuer_id}", token=tenant.key)
    assert reply.status == 403
    assert reply.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("token", [None, "wrong", "bh_0123456789abcdef_guess", "Basic abc"])
def test_missing_or_wrong_keys_get_401(api: Api, tenant: Tenant, token: str | None) -> None:
    headers = {"authorization": token} if token and token.startswith("Basic") else None
    reply = api.call(
        "POST",
        f"/v1/badges/{tenant.badge_id}/assertions",
        an_assertion(),
        token=None if headers else token,
        headers=headers,
    )
    assert reply.status == 401
    assert reply.json()["error"]["field"] == "Authorization"
    assert reply.headers["www-authenticate"] == "Bearer"


def test_issuer_keys_cannot_create_issuers_or_mint_keys(api: Api, tenant: Tenant) -> None:
    assert api.call("POST", "/v1/issuers", an_issuer(), token=tenant.key).status == 403
    path = f"/v1/issuers/{tenant.issuer_id}/api-keys"
    assert api.call("POST", path, {}, token=tenant.key).status == 403


def test_issuers_act_only_on_their_own_badges_and_assertions(api: Api, tenant: Tenant) -> None:
    other = make_tenant(api, "Other College")
    assertion = api.call(
        "POST", f"/v1/badges/{tenant.badge_id}/assertions", an_assertion(), token=tenant.key
    )
    assertion_id = assertion.json()["id"]
    for method, path, body in [
        ("POST", f"/v1/issuers/{tenant.issuer_id}/badges", a_badge()),
        ("GET", f"/v1/badges/{tenant.badge_id}", None),
        ("POST", f"/v1/badges/{tenant.badge_id}/assertions", an_assertion()),
        ("GET", f"/v1/badges/{tenant.badge_id}/assertions", None),
        ("GET", f"/v1/assertions/{assertion_id}", None),
        ("POST", f"/v1/assertions/{assertion_id}/revoke", {"reason": "hostile"}),
    ]:
        reply = api.call(method, path, body, token=other.key)
        assert reply.status == 403, (method, path, reply.body)
    assert (
        api.call("GET", f"/v1/assertions/{assertion_id}", token=tenant.key).json()["revoked"]
        is False
    )


def test_badge_class_image_goes_to_the_public_bucket(api: Api, tenant: Tenant) -> None:
    reply = api.call(
        "POST",
        f"/v1/issuers/{tenant.issuer_id}/badges",
        a_badge(image=base64.b64encode(SVG).decode()),
        token=tenant.key,
    )
    assert reply.status == 201
    key = reply.json()["links"]["image"].removeprefix("https://assets.test/")
    stored = boto3.client("s3").get_object(Bucket=NAMES.public_bucket, Key=key)
    assert stored["ContentType"] == "image/svg+xml"
    assert stored["Body"].read() == SVG


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (a_badge(image=data_uri(b"GIF89a....")), 415, "image"),
        (a_badge(image="data:image/png;base64,!!!"), 400, "image"),
        (a_badge(image=data_uri(png_bytes((5000, 5000)))), 413, "image"),
        (a_badge(name=""), 400, "name"),
        (a_badge(criteria={"url": "javascript:alert(1)"}), 400, "criteria.url"),
        (a_badge(tags="data"), 400, "tags"),
    ],
)
def test_bad_badge_input_is_refused_and_nothing_is_written(
    api: Api, tenant: Tenant, body: dict, status: int, field: str
) -> None:
    before_items, before_keys = len(table_items()), bucket_keys()
    reply = api.call("POST", f"/v1/issuers/{tenant.issuer_id}/badges", body, token=tenant.key)
    assert reply.status == status, reply.body
    assert reply.json()["error"]["field"] == field
    assert len(table_items()) == before_items
    assert bucket_keys() == before_keys


def test_a_failed_table_write_is_a_503_and_removes_the_uploaded_image(
    api: Api, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from badgehub.adapters import aws as aws_clients

    def failing_put(**_: object) -> None:
        raise ClientError({"Error": {"Code": "InternalServerError", "Message": "x"}}, "PutItem")

    before_keys = bucket_keys()
    monkeypatch.setattr(aws_clients.dynamodb(), "put_item", failing_put)
    reply = api.call("POST", f"/v1/issuers/{tenant.issuer_id}/badges", a_badge(), token=tenant.key)
    assert reply.status == 503
    assert reply.json()["error"]["code"] == "service_unavailable"
    assert bucket_keys() == before_keys


@pytest.mark.parametrize(
    ("raw", "content_type", "status", "field"),
    [
        (b"{not json", "application/json", 400, "body"),
        (b"[1, 2]", "application/json", 400, "body"),
        (b'{"recipient": {"email": "a@example.org"}, "x": NaN}', "application/json", 400, "body"),
        (b"recipient=a", "application/x-www-form-urlencoded", 415, "Content-Type"),
        (b"\xff\xfe", "application/json", 400, "body"),
    ],
)
def test_malformed_bodies_get_a_clear_400(
    api: Api, tenant: Tenant, raw: bytes, content_type: str, status: int, field: str
) -> None:
    reply = api.call(
        "POST",
        f"/v1/badges/{tenant.badge_id}/assertions",
        token=tenant.key,
        raw=raw,
        headers={"content-type": content_type},
    )
    assert reply.status == status, reply.body
    assert reply.json()["error"]["field"] == field


def test_oversized_body_gets_413(api: Api, tenant: Tenant) -> None:
    huge = b'{"recipient": {"email": "a@example.org", "name": "' + b"x" * (3 * 1024 * 1024) + b'"}}'
    reply = api.call("POST", f"/v1/badges/{tenant.badge_id}/assertions", token=tenant.key, raw=huge)
    assert reply.status == 413
    assert reply.json()["error"]["field"] == "body"


def test_unknown_ids_get_404_naming_the_id(api: Api, tenant: Tenant) -> None:
    reply = api.call("POST", "/v1/badges/nope/assertions", an_assertion(), token=tenant.key)
    assert reply.status == 404
    assert reply.json()["error"]["field"] == "badgeId"
    assert (
        api.call("GET", "/v1/assertions/nope", token=tenant.key).json()["error"]["field"]
        == "assertionId"
    )
    reply = api.call("POST", "/v1/issuers/nope/api-keys", {}, token=ADMIN_KEY)
    assert (reply.status, reply.json()["error"]["field"]) == (404, "issuerId")
    assert api.call("GET", "/v1/nothing-here").status == 404


def test_an_image_store_failure_is_a_503_and_stores_no_badge(
    api: Api, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from badgehub.adapters import aws as aws_clients

    def failing_put(**_: object) -> None:
        raise ClientError({"Error": {"Code": "SlowDown", "Message": "x"}}, "PutObject")

    before_items = len(table_items())
    monkeypatch.setattr(aws_clients.s3(), "put_object", failing_put)
    reply = api.call("POST", f"/v1/issuers/{tenant.issuer_id}/badges", a_badge(), token=tenant.key)
    assert reply.status == 503
    assert reply.json()["error"]["code"] == "service_unavailable"
    assert len(table_items()) == before_items


@pytest.mark.parametrize(
    "email",
    [
        "ada\u0000@example.org",
        "ada\x01@example.org",
        "ada\x7f@example.org",
        "\u202eada@example.org",
        "ada\u200b@example.org",
    ],
)
def test_recipient_addresses_with_control_or_invisible_characters_are_refused(
    api: Api, tenant: Tenant, email: str
) -> None:
    before = len(table_items())
    reply = api.call(
        "POST",
        f"/v1/badges/{tenant.badge_id}/assertions",
        {"recipient": {"email": email}},
        token=tenant.key,
    )
    assert reply.status == 400
    assert reply.json()["error"]["field"] == "recipient.email"
    assert len(table_items()) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("issuedOn", "0001-01-01T00:00:00+01:00"), ("expires", "9999-12-31T23:59:59-01:00")],
)
def test_dates_out_of_range_are_a_400_naming_the_field(
    api: Api, tenant: Tenant, field: str, value: str
) -> None:
    reply = api.call(
        "POST",
        f"/v1/badges/{tenant.badge_id}/assertions",
        {"recipient": {"email": "ada@example.org"}, field: value},
        token=tenant.key,
    )
    assert reply.status == 400, reply.body
    assert reply.json()["error"]["field"] == field


def test_alignments_come_back_in_the_casing_they_were_sent(api: Api, tenant: Tenant) -> None:
    badge = api.call("GET", f"/v1/badges/{tenant.badge_id}", token=tenant.key).json()
    assert badge["alignments"] == [a_badge()["alignments"][0]]


def test_the_admin_key_on_an_issuer_route_is_told_what_is_wrong(api: Api, tenant: Tenant) -> None:
    reply = api.call("POST", f"/v1/issuers/{tenant.issuer_id}/badges", a_badge(), token=ADMIN_KEY)
    assert reply.status == 403
    assert "admin key" in reply.json()["error"]["message"]


def test_api_responses_are_never_cached_or_sniffed_and_ask_for_https(
    api: Api, tenant: Tenant
) -> None:
    for reply in (
        api.call("GET", f"/v1/badges/{tenant.badge_id}", token=tenant.key),
        api.call("GET", "/v1/badges/nope", token=tenant.key),
    ):
        assert reply.headers["cache-control"] == "no-store"
        assert reply.headers["x-content-type-options"] == "nosniff"
        assert reply.headers["strict-transport-security"].startswith("max-age=")


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/issuers", an_issuer(name=" \u3000\t"), "name"),
        ("/v1/issuers/{issuer}/badges", a_badge(name="\ufeff "), "name"),
        ("/v1/issuers/{issuer}/badges", a_badge(description="\n\n"), "description"),
        (
            "/v1/badges/{badge}/assertions",
            {"recipient": {"email": "ada@example.org", "name": "  "}},
            "recipient.name",
        ),
        ("/v1/badges/{badge}/assertions", an_assertion(narrative=" "), "narrative"),
    ],
)
def test_whitespace_alone_is_a_400_naming_the_field_and_stores_nothing(
    api: Api, tenant: Tenant, path: str, body: dict, field: str
) -> None:
    before = len(table_items())
    url = path.format(issuer=tenant.issuer_id, badge=tenant.badge_id)
    token = ADMIN_KEY if path == "/v1/issuers" else tenant.key
    reply = api.call("POST", url, body, token=token)
    assert reply.status == 400
    assert reply.json()["error"]["field"] == field
    assert len(table_items()) == before


def test_a_padded_name_at_the_limit_is_stored_trimmed(api: Api, tenant: Tenant) -> None:
    name = " " * 200 + "N" * 200 + "\u3000"
    reply = api.call(
        "POST", f"/v1/issuers/{tenant.issuer_id}/badges", a_badge(name=name), token=tenant.key
    )
    assert reply.status == 201
    assert reply.json()["name"] == "N" * 200
    reply = api.call(
        "POST",
        f"/v1/issuers/{tenant.issuer_id}/badges",
        a_badge(name=" N" + "N" * 200),
        token=tenant.key,
    )
    assert reply.status == 400 and reply.json()["error"]["field"] == "name"
