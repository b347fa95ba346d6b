"""Large batch files in the (private, expiring) upload bucket, put there with presigned URLs."""

from __future__ import annotations

import logging

from botocore.exceptions import BotoCoreError, ClientError

from ..domain.errors import NotFound, PayloadTooLarge, ServiceUnavailable
from . import aws

log = logging.getLogger(__name__)
_MISSING = {"NoSuchKey", "404", "NotFound"}
UNAVAILABLE = "upload storage is unavailable; please retry"


class S3Uploads:
    """Implements `UploadStore`."""

    def __init__(self, bucket: str) -> None:
        self._bucket = bucket

    def upload_url(self, key: str, content_type: str, expires_in: int) -> str:
        url: str = aws.s3().generate_presigned_url(
            "put_object",
            Params={"Bucket": self._bucket, "Key": key, "ContentType": content_type},
            ExpiresIn=expires_in,
        )
        return url

    def put(self, key: str, data: bytes, content_type: str) -> None:
        try:
            aws.s3().put_object(Bucket=self._bucket, Key=key, Body=data, ContentType=content_type)
        except (BotoCoreError, ClientError) as exc:
            log.warning("dependency failed", extra={"dependency": "s3", "operation": "put"})
            raise ServiceUnavailable(UNAVAILABLE) from exc

    def size(self, key: str) -> int:
        try:
            return int(aws.s3().head_object(Bucket=self._bucket, Key=key).get("ContentLength", 0))
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in _MISSING:
                raise NotFound(
                    "nothing was uploaded for this batch yet: PUT the file to its upload url",
                    field="upload",
                ) from exc
            raise ServiceUnavailable(UNAVAILABLE) from exc
        except BotoCoreError as exc:
            raise ServiceUnavailable(UNAVAILABLE) from exc

    def read(self, key: str, max_bytes: int) -> bytes:
        try:
            head = aws.s3().head_object(Bucket=self._bucket, Key=key)
            if int(head.get("ContentLength", 0)) > max_bytes:
                raise PayloadTooLarge(f"the file is over {max_bytes} bytes", field="body")
            body: bytes = aws.s3().get_object(Bucket=self._bucket, Key=key)["Body"].read()
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in _MISSING:
                raise NotFound(
                    "nothing was uploaded for this batch yet: PUT the file to its uploadUrl",
                    field="upload",
                ) from exc
            log.warning("dependency failed", extra={"dependency": "s3", "code": code})
            raise ServiceUnavailable(UNAVAILABLE) from exc
        except BotoCoreError as exc:
            raise ServiceUnavailable(UNAVAILABLE) from exc
        return body

    def delete(self, key: str) -> None:
        try:
            aws.s3().delete_object(Bucket=self._bucket, Key=key)
        except (BotoCoreError, ClientError):
            log.warning("an uploaded batch file stays until the bucket's lifecycle expires it")
