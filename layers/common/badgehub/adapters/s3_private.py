"""Diploma Supplements in the private bucket: SSE-KMS on write, read only by presigned links."""

from __future__ import annotations

from datetime import timedelta

from . import aws
from .s3_blobs import _service_errors


class S3PrivateBlobs:
    """Implements `PrivateBlobStore`; the bucket blocks public access and refuses plain http."""

    def __init__(self, bucket: str, kms_key_id: str) -> None:
        self._bucket = bucket
        self._kms_key_id = kms_key_id

    def put_private(self, key: str, data: bytes, content_type: str) -> None:
        encryption = {"ServerSideEncryption": "aws:kms"}
        if self._kms_key_id:
            encryption["SSEKMSKeyId"] = self._kms_key_id
        with _service_errors("PutObject"):
            aws.s3().put_object(
                Bucket=self._bucket,
                Key=key,
                Body=data,
                ContentType=content_type,
                CacheControl="private, no-store",
                **encryption,  # type: ignore[arg-type]
            )

    def delete_private(self, key: str) -> None:
        with _service_errors("DeleteObject"):
            aws.s3().delete_object(Bucket=self._bucket, Key=key)

    def private_link(self, key: str, filename: str, lifetime: timedelta) -> str:
        # Signing is local (no call to S3): it cannot fail the page for S3's sake.
        url: str = aws.s3().generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self._bucket,
                "Key": key,
                "ResponseContentDisposition": f'attachment; filename="{filename}"',
                "ResponseContentType": "application/pdf",
                "ResponseCacheControl": "private, no-store",
            },
            ExpiresIn=int(lifetime.total_seconds()),
        )
        return url
