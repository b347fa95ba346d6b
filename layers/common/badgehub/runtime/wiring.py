"""Builds the adapters once per container, on first use."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING

from ..adapters.dynamo_store import DynamoStore
from ..adapters.s3_blobs import S3BlobStore
from .settings import settings

if TYPE_CHECKING:
    from ..adapters.http_fetcher import SafeHttpFetcher
    from ..adapters.keys import RoutingKeyService


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@cache
def store() -> DynamoStore:
    return DynamoStore(settings().table_name)


@cache
def blobs() -> S3BlobStore:
    return S3BlobStore(settings().public_bucket)


@cache
def key_service() -> RoutingKeyService:
    # Imported here: only functions that sign pay for the key adapters and cryptography.
    from ..adapters.keys import KmsKeyService, RoutingKeyService, SecretsManagerEd25519

    config = settings()
    kms = KmsKeyService(sign_digest=config.kms_sign_digest)
    ed25519 = SecretsManagerEd25519() if config.ed25519_key_service == "secretsmanager" else kms
    return RoutingKeyService(kms, ed25519)


@cache
def fetcher(own_base_url: str) -> SafeHttpFetcher:
    """Safe fetching for verification; our own host is allowed even on a private address
    (the local platform), and over http only when the platform itself runs on http."""
    from urllib.parse import urlsplit

    from ..adapters.http_fetcher import SafeHttpFetcher

    own = urlsplit(own_base_url)
    own_host = own.netloc.lower()
    return SafeHttpFetcher(
        allow_http_hosts={own_host} if own.scheme == "http" else set(),
        extra_ca_file=settings().verify_extra_ca_file or None,
        allowed_private_hosts={own_host},
    )


def clock() -> SystemClock:
    return SystemClock()


def reset() -> None:
    """Forget everything cached (tests that rebuild the environment)."""
    from ..adapters import aws

    settings.cache_clear()
    store.cache_clear()
    blobs.cache_clear()
    key_service.cache_clear()
    fetcher.cache_clear()
    aws.reset()
