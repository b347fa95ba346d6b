"""Badge and issuer images in the public S3 bucket."""

from __future__ import annotations

from . import aws


class S3BlobStore:
    def __init__(self, public_bucket: str) -> None:
        self._bucket = public_bucket

    def put_public(self, key: str, data: bytes, content_type: str) -> None:
        # Keys carry the content hash, so a stored object never changes: cache it for a year.
        aws.s3().put_object(
            Bucket=self._bucket,
            Key=key,
            Body=data,
            ContentType=content_type,
            CacheControl="public, max-age=31536000, immutable",
        )

    def get_public(self, key: str) -> bytes:
        return aws.s3().get_object(Bucket=self._bucket, Key=key)["Body"].read()

    def delete_public(self, key: str) -> None:
        aws.s3().delete_object(Bucket=self._bucket, Key=key)
