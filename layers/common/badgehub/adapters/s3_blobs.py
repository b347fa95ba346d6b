"""Badge and issuer images in the public S3 bucket; S3 failures become domain errors here."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError

from ..domain.errors import NotFound, ServiceUnavailable
from . import aws

log = logging.getLogger(__name__)
_MISSING = {"NoSuchKey", "404", "NotFound"}


@contextmanager
def _service_errors(operation: str) -> Iterator[None]:
    try:
        yield
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in _MISSING:
            raise NotFound("the stored image is missing", field="image") from exc
        log.warning(
            "dependency failed", extra={"dependency": "s3", "operation": operation, "code": code}
        )
        raise ServiceUnavailable("image storage is unavailable; please retry") from exc
    except BotoCoreError as exc:
        log.warning(
            "dependency failed",
            extra={"dependency": "s3", "operation": operation, "code": type(exc).__name__},
        )
        raise ServiceUnavailable("image storage is unavailable; please retry") from exc


class S3BlobStore:
    def __init__(self, public_bucket: str) -> None:
        self._bucket = public_bucket

    def put_public(self, key: str, data: bytes, content_type: str) -> None:
        # Keys carry the content hash, so a stored object never changes: cache it for a year.
        with _service_errors("PutObject"):
            aws.s3().put_object(
                Bucket=self._bucket,
                Key=key,
                Body=data,
                ContentType=content_type,
                CacheControl="public, max-age=31536000, immutable",
            )

    def get_public(self, key: str) -> bytes:
        with _service_errors("GetObject"):
            return aws.s3().get_object(Bucket=self._bucket, Key=key)["Body"].read()

    def delete_public(self, key: str) -> None:
        with _service_errors("DeleteObject"):
            aws.s3().delete_object(Bucket=self._bucket, Key=key)
