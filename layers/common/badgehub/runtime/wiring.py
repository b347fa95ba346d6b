"""Builds the adapters once per container, on first use."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

from ..adapters.dynamo_store import DynamoStore
from ..adapters.s3_blobs import S3BlobStore
from .settings import settings


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@cache
def store() -> DynamoStore:
    return DynamoStore(settings().table_name)


@cache
def blobs() -> S3BlobStore:
    return S3BlobStore(settings().public_bucket)


def clock() -> SystemClock:
    return SystemClock()


def reset() -> None:
    """Forget everything cached (tests that rebuild the environment)."""
    from ..adapters import aws

    settings.cache_clear()
    store.cache_clear()
    blobs.cache_clear()
    aws.reset()
