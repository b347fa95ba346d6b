"""Configuration, read from the environment once per container: one model per concern.

A function reads only the environment its routes need: every function reads `Settings`;
the issuer API adds `SigningSettings` and `AdminSettings`, verification adds `VerifySettings`.
An environment variable is the field's name in capitals.
"""

from __future__ import annotations

import os
from functools import cache
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field


class _FromEnvironment(BaseModel):
    # Each model's validator is built when a function first reads it: a function pays only
    # for the settings its routes use.
    model_config = ConfigDict(frozen=True, defer_build=True)


S = TypeVar("S", bound=_FromEnvironment)


def read_environment(model: type[S], env: dict[str, str] | None = None) -> S:
    """The model's fields from their upper-case environment variables (unset: the default)."""
    source = os.environ if env is None else env
    values = {name: source[name.upper()] for name in model.model_fields if name.upper() in source}
    return model.model_validate(values)


class Settings(_FromEnvironment):
    """What every function needs: where the table and images are, and its public address."""

    table_name: str = Field(min_length=1)
    public_bucket: str = Field(min_length=1)
    public_base_url: str = ""
    assets_base_url: str = ""
    aws_region: str = "us-east-1"
    max_body_bytes: int = 2 * 1024 * 1024
    app_secret: str = Field(default="", description="keys page-cursor MACs, CSRF and index keys")
    # Deployed, the secret is read from Secrets Manager at first use, so it never sits in the
    # function's configuration (which anyone with lambda:GetFunctionConfiguration can read).
    app_secret_arn: str = ""

    def base_url(self) -> str:
        return self.public_base_url.rstrip("/")

    def assets_base(self) -> str:
        if self.assets_base_url:
            return self.assets_base_url.rstrip("/")
        return f"https://{self.public_bucket}.s3.{self.aws_region}.amazonaws.com"


class AdminSettings(_FromEnvironment):
    admin_api_key_hash: str = ""


class SigningSettings(_FromEnvironment):
    ed25519_key_service: str = "kms"  # or "secretsmanager" where KMS has no Ed25519 (moto)
    kms_sign_digest: bool = True  # moto re-hashes DIGEST messages, so locally we sign RAW


class VerifySettings(_FromEnvironment):
    verify_extra_ca_file: str = ""  # the local platform's CA, so it can fetch its own https URLs


class SupplementSettings(_FromEnvironment):
    """Where Diploma Supplements are kept: the private bucket and its KMS key."""

    supplement_bucket: str = ""
    supplement_key_id: str = ""


@cache
def supplement_settings() -> SupplementSettings:
    return read_environment(SupplementSettings)


class MailSettings(_FromEnvironment):
    mail_from: str = ""  # the SES identity mail is sent from, e.g. "Badges <badges@uni.example>"
    platform_name: str = "Open Badges"
    # SES's maximum send rate for the account (14 a second is a common production quota; the
    # sandbox allows 1): the notifier paces its e-mails under it.
    send_rate_per_second: float = Field(default=14.0, gt=0)


class WebhookSettings(_FromEnvironment):
    event_bus_name: str = ""  # the EventBridge bus issuer-portal events go to
    # Lets webhooks target http(s)://127.0.0.1: the local platform only, never template.yaml.
    allow_local_webhooks: bool = False


@cache
def webhook_settings() -> WebhookSettings:
    return read_environment(WebhookSettings)


class BatchSettings(_FromEnvironment):
    row_queue_url: str = ""  # where batch rows wait for the issue worker
    upload_bucket: str = ""  # large batch files, uploaded with a presigned URL
    dead_letter_queue_arn: str = ""  # rows that ran out of receives come back from here


@cache
def batch_settings() -> BatchSettings:
    return read_environment(BatchSettings)


@cache
def mail_settings() -> MailSettings:
    return read_environment(MailSettings)


@cache
def settings() -> Settings:
    env = dict(os.environ)
    env.setdefault("AWS_REGION", env.get("AWS_DEFAULT_REGION", "us-east-1"))
    return read_environment(Settings, env)


@cache
def admin_settings() -> AdminSettings:
    return read_environment(AdminSettings)


@cache
def signing_settings() -> SigningSettings:
    return read_environment(SigningSettings)


@cache
def verify_settings() -> VerifySettings:
    return read_environment(VerifySettings)


def clear() -> None:
    for cached in (
        settings,
        admin_settings,
        signing_settings,
        verify_settings,
        mail_settings,
        supplement_settings,
        webhook_settings,
        batch_settings,
    ):
        cached.cache_clear()
