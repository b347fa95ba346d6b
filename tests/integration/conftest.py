"""Handlers and adapters against moto, with the table and bucket built from template.yaml."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from typing import Any

import boto3
import pytest
from moto import mock_aws

from badgehub.domain.apikeys import hash_secret
from badgehub.runtime import wiring
from devplatform import resources
from devplatform.gateway import Gateway, HttpRequest
from tests.support.builders import a_badge, an_assertion, an_issuer

ADMIN_KEY = "admin-key-for-tests"
BASE = "https://badges.test"
NAMES = resources.LocalNames(table="badges-test", public_bucket="badges-public-test")


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Api:
    """Calls the real handlers through the same API Gateway event builder as the local platform."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> Reply:
        all_headers = {"host": "badges.test", **(headers or {})}
        if token:
            all_headers["authorization"] = f"Bearer {token}"
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        if data and "content-type" not in {k.lower() for k in all_headers}:
            all_headers["content-type"] = "application/json"
        source_ip = all_headers.pop("x-test-source-ip", "127.0.0.1")  # the client's address
        request = HttpRequest(method, path, all_headers, data, "badges.test", source_ip)
        response = self.gateway.invoke(request)
        headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
        if response.get("cookies"):
            headers["set-cookie"] = "\n".join(response["cookies"])
        body = response.get("body") or ""
        data = base64.b64decode(body) if response.get("isBase64Encoded") else body.encode()
        return Reply(response["statusCode"], headers, data)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "TABLE_NAME": NAMES.table,
        "PUBLIC_BUCKET": NAMES.public_bucket,
        "PUBLIC_BASE_URL": BASE,
        "ASSETS_BASE_URL": "https://assets.test",
        "ADMIN_API_KEY_HASH": hash_secret(ADMIN_KEY),
        "APP_SECRET": "app-secret-for-tests",
        "MAIL_FROM": "Open Badges <badges@badges.test>",
        "POWERTOOLS_SERVICE_NAME": "tests",
        "ED25519_KEY_SERVICE": "secretsmanager",
        "KMS_SIGN_DIGEST": "false",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        wiring.reset()
        resources.create_all(NAMES, "us-east-1")
        boto3.client("sesv2").create_email_identity(EmailIdentity="badges.test")
        yield
    wiring.reset()


@pytest.fixture(scope="session")
def gateway() -> Gateway:
    return Gateway()


@pytest.fixture
def api(aws: None, gateway: Gateway) -> Api:
    return Api(gateway)


@dataclass
class Tenant:
    issuer_id: str
    key: str
    badge_id: str


def make_tenant(api: Api, name: str = "University of Examples") -> Tenant:
    issuer = api.call("POST", "/v1/issuers", an_issuer(name=name), token=ADMIN_KEY)
    assert issuer.status == 201, issuer.body
    issuer_id = issuer.json()["id"]
    key = api.call("POST", f"/v1/issuers/{issuer_id}/api-keys", {}, token=ADMIN_KEY)
    assert key.status == 201, key.body
    badge = api.call("POST", f"/v1/issuers/{issuer_id}/badges", a_badge(), token=key.json()["key"])
    assert badge.status == 201, badge.body
    return Tenant(issuer_id, key.json()["key"], badge.json()["id"])


@pytest.fixture
def tenant(api: Api) -> Tenant:
    return make_tenant(api)


def table_items() -> list[dict[str, Any]]:
    return boto3.client("dynamodb").scan(TableName=NAMES.table)["Items"]


def bucket_keys() -> list[str]:
    listing = boto3.client("s3").list_objects_v2(Bucket=NAMES.public_bucket)
    return [o["Key"] for o in listing.get("Contents", [])]


def issue(api: Api, tenant: Tenant, badge_id: str | None = None, **changes: Any) -> dict[str, Any]:
    """Issues `an_assertion(**changes)` on the tenant's badge (or `badge_id`); expects 201."""
    reply = api.call(
        "POST",
        f"/v1/badges/{badge_id or tenant.badge_id}/assertions",
        an_assertion(**changes),
        token=tenant.key,
    )
    assert reply.status == 201, reply.body
    result: dict[str, Any] = reply.json()
    return result


def sent_mail() -> list[Message]:
    """What SES accepted, as parsed messages (moto keeps them in-process)."""
    from email import message_from_bytes, policy

    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    backend = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    return [
        message_from_bytes(
            m.raw_data if isinstance(m.raw_data, bytes) else m.raw_data.encode(),
            policy=policy.default,
        )
        for m in backend.sent_messages
    ]


def mail_text(message: Message) -> str:
    part = message.get_body(preferencelist=("plain",))  # type: ignore[attr-defined]
    return str(part.get_content())
