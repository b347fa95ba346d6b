"""AWS clients, built lazily once per container so cold starts pay only for what is used.

botocore directly rather than boto3: boto3 adds ~100 ms of imports (s3transfer) we never use.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.session import Session
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_kms import KMSClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_secretsmanager import SecretsManagerClient


@cache
def _session() -> Session:
    from botocore.session import get_session

    return get_session()


def _client(service: str) -> Any:
    from botocore.config import Config

    config = Config(
        retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5
    )
    return _session().create_client(service, config=config)


@cache
def dynamodb() -> DynamoDBClient:
    client: DynamoDBClient = _client("dynamodb")
    return client


@cache
def s3() -> S3Client:
    client: S3Client = _client("s3")
    return client


@cache
def kms() -> KMSClient:
    client: KMSClient = _client("kms")
    return client


@cache
def secretsmanager() -> SecretsManagerClient:
    client: SecretsManagerClient = _client("secretsmanager")
    return client


@cache
def sesv2() -> Any:
    return _client("sesv2")


@cache
def events() -> Any:
    return _client("events")


@cache
def sqs() -> Any:
    return _client("sqs")


def secret_text(secret_id: str) -> bytes:
    """A Secrets Manager string secret's value; errors become `ServiceUnavailable` (503)."""
    from botocore.exceptions import BotoCoreError, ClientError

    from ..domain.errors import ServiceUnavailable

    try:
        value = secretsmanager().get_secret_value(SecretId=secret_id)["SecretString"]
    except (BotoCoreError, ClientError, KeyError) as error:
        raise ServiceUnavailable("the platform secret cannot be read; please retry") from error
    return value.encode()


def reset() -> None:
    """Forget cached clients and session (tests that switch endpoints or credentials)."""
    for cached in (_session, dynamodb, s3, kms, secretsmanager, sesv2, events, sqs):
        cached.cache_clear()
