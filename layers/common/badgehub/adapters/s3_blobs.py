"""Badge and issuer images in the public S3 bucket; S3's failures become the domain's."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError

from ..domain.errors import NotFound, ServiceUnavailable
from . import aws

_MISSING = {"NoSuchKey", "404", "NotFound"}
UNAVAILABLE = "the image store is unavailable; nothing was stored, please retry"


@contextmanager
def _service_errors() -> Iterator[None]:
    """A missing object is `NotFound`; any other S3 failure is a retryable 503, not a 500."""
    try:
        yield
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in _MISSING:
            raise NotFound("no image with this key", field="key") from exc
        raise ServiceUnavailable(UNAVAILABLE) from exc
    except BotoCoreError as exc:
        raise ServiceUnavailable(UNAVAILABLE) from exc


class S3BlobStore:
    def __init__(self, public_bucket: str) -> None:
        self._bucket = public_bucket

    def put_public(self, key: str, data: bytes, content_type: str) -> None:
        # Keys carry the content hash, so a stored object never changes: cache it for a year.
        with _service_errors():
            aws.s3().put_object(
                Bucket=self._bucket,
                Key=key,
                Body=data,
                ContentType=content_type,
                CacheControl="public, max-age=31536000, immutable",
            )

    def get_public(self, key: str) -> bytes:
        with _service_errors():
            return aws.s3().get_object(Bucket=self._bucket, Key=key)["Body"].read()

    def delete_public(self, key: str) -> None:
        with _service_errors():
            aws.s3().delete_object(Bucket=self._bucket, Key=key)
