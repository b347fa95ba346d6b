"""Deployed, the platform secret is read from Secrets Manager at first use, never configured."""

from __future__ import annotations

import hashlib
import hmac

import boto3
import pytest

from badgehub.runtime import wiring

from .conftest import Api, make_tenant


@pytest.fixture
def secret_in_secrets_manager(aws: None, monkeypatch: pytest.MonkeyPatch) -> str:
    arn = boto3.client("secretsmanager").create_secret(
        Name="app-secret", SecretString="kept-in-secrets-manager"
    )["ARN"]
    monkeypatch.delenv("APP_SECRET")
    monkeypatch.setenv("APP_SECRET_ARN", arn)
    wiring.reset()
    return "kept-in-secrets-manager"


def test_the_secret_named_by_its_arn_keys_every_use(secret_in_secrets_manager: str) -> None:
    expected = hmac.new(secret_in_secrets_manager.encode(), b"cursors", hashlib.sha256).digest()
    assert wiring.ports().secret_for("cursors") == expected


def test_the_platform_works_on_the_secret_read_at_first_use(
    secret_in_secrets_manager: str, api: Api
) -> None:
    tenant = make_tenant(api)
    listed = api.call("GET", f"/v1/badges/{tenant.badge_id}/assertions?limit=1", token=tenant.key)
    assert listed.status == 200, listed.body


def test_an_unreadable_secret_is_a_503_naming_no_secret(
    aws: None, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("APP_SECRET")
    monkeypatch.setenv(
        "APP_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:gone-AbCdEf"
    )
    wiring.reset()
    page = api.call("GET", "/signin")
    assert page.status == 503, page.body
    assert "kept-in" not in page.body.decode() and "gone-AbCdEf" not in page.body.decode()
