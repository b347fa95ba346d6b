"""Private documents on the local disk, read through expiring HMAC-signed links: what the
private S3 bucket and its presigned GETs are in AWS.

The front serves `/_local/private/<key>?name=&exp=&sig=` only while the link is unexpired and
its signature (keyed from the platform secret) matches the key, name and expiry; anything else
is a 403, as S3 answers a bad or expired presigned URL.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from .file_blobs import FileBlobStore

PREFIX = "/_local/private/"
_PURPOSE = b"local-private-links"


def link_key(app_secret: bytes) -> bytes:
    return hmac.new(app_secret, _PURPOSE, hashlib.sha256).digest()


def _signature(key: bytes, blob_key: str, name: str, expires: int) -> str:
    message = f"{blob_key}\n{name}\n{expires}".encode()
    return base64.urlsafe_b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


class FilePrivateBlobs:
    """Implements `PrivateBlobStore` on files (their own root, apart from the public images)."""

    def __init__(self, root: Path, app_secret: bytes) -> None:
        self.files = FileBlobStore(root)
        self._key = link_key(app_secret)

    def put_private(self, key: str, data: bytes, content_type: str) -> None:
        self.files.put_public(key, data, content_type)

    def delete_private(self, key: str) -> None:
        self.files.delete_public(key)

    def private_link(self, key: str, filename: str, lifetime: timedelta) -> str:
        expires = int(time.time() + lifetime.total_seconds())
        query = {
            "name": filename,
            "exp": str(expires),
            "sig": _signature(self._key, key, filename, expires),
        }
        return f"{PREFIX}{key}?{urlencode(query)}"

    def open_link(
        self, key: str, query: dict[str, str], now: float | None = None
    ) -> tuple[Path, str] | None:
        """The file and its download name, if the link is genuine and unexpired."""
        name, expires, signature = query.get("name", ""), query.get("exp", ""), query.get("sig", "")
        if not expires.isdigit() or not name:
            return None
        expected = _signature(self._key, key, name, int(expires))
        if not hmac.compare_digest(expected, signature):
            return None
        if (time.time() if now is None else now) >= int(expires):
            return None
        try:
            return self.files.path_of(key), name
        except Exception:
            return None
