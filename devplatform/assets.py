"""Where the front reads stored images from, to serve them at `/_local/assets/<key>`.

On AWS the public bucket (or a CDN) serves them; locally the front does, on the platform's own
https origin, so pages never mix in plain-http content. The source is pluggable: moto's S3 now,
the local file blob store later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

HEADERS = {
    # An image opened on its own can run nothing: SVG scripts and links stay inert.
    "content-security-policy": (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"
    ),
    "x-content-type-options": "nosniff",
    "cache-control": "public, max-age=31536000, immutable",  # keys carry the content hash
    "access-control-allow-origin": "*",
}


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str


class AssetSource(Protocol):
    def get(self, key: str) -> Asset | None:
        """The stored object, or None when there is none under this key. Blocking."""


def valid_key(key: str) -> bool:
    """Keys are relative paths of plain segments: nothing that could climb out of a store."""
    parts = key.split("/")
    return bool(key) and all(part not in ("", ".", "..") for part in parts) and "\\" not in key


class S3AssetSource:
    """GET object from a bucket (moto's, through its endpoint)."""

    def __init__(self, bucket: str, endpoint_url: str | None, region: str = "us-east-1") -> None:
        from .resources import client

        self._bucket = bucket
        self._s3: Any = client("s3", region, endpoint_url)

    def get(self, key: str) -> Asset | None:
        try:
            found = self._s3.get_object(Bucket=self._bucket, Key=key)
        except self._s3.exceptions.NoSuchKey:
            return None
        return Asset(found["Body"].read(), found.get("ContentType") or "application/octet-stream")


class FileAssetSource:
    """Files of a local blob store, e.g. `FileAssetSource(store.path_of, store.content_type_of)`."""

    def __init__(
        self, path_of: Callable[[str], Path], content_type_of: Callable[[str], str]
    ) -> None:
        self._path_of = path_of
        self._content_type_of = content_type_of

    def get(self, key: str) -> Asset | None:
        from badgehub.domain.errors import DomainError

        try:
            path = self._path_of(key)
            if not path.is_file():
                return None
            return Asset(path.read_bytes(), self._content_type_of(key))
        except DomainError:  # a key the store refuses or does not hold
            return None
