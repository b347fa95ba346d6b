"""The public blob store on the local disk: badge and issuer images as files under one root.

A key is a relative path of plain segments (`badges/<uuid>/image-<hash>.png`); anything that
could step outside the root or alias another key (`..`, absolute paths, backslashes, NUL,
empty or dot-led segments) is refused. Writes go to a temporary file that is fsynced and
renamed over the target, so readers, and the files left after a crash, are either the old
blob or the new one, never half of one. Each blob's content type sits in a sidecar file
(`.<name>.type`, which no valid key can name) because S3 keeps it per object, not per suffix.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from badgehub.domain.errors import NotFound, ServiceUnavailable

from .files import fsync_directory, write_atomically

CACHE_CONTROL = "public, max-age=31536000, immutable"  # what S3 serves: keys carry the hash
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_MAX_KEY = 1024  # S3's limit on key length
NO_BLOB = "no image with this key"
UNAVAILABLE = "the image store is unavailable; nothing was stored, please retry"


class InvalidKey(ValueError):
    """The key could address something outside the store, or is not one S3 would take."""


class FileBlobStore:
    """Implements `BlobStore`; `path_of` and `content_type_of` let a server send the files."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def put_public(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        try:
            _make_directories(path.parent, self.root)
            # The type first: a crash in between leaves a type without a blob (the key reads
            # as missing), never a blob served with no or the wrong type.
            write_atomically(_type_path(path), content_type.encode("utf-8"))
            write_atomically(path, data)
        except OSError as exc:  # a full disk, a permission: like S3 failing, retryable
            raise ServiceUnavailable(UNAVAILABLE) from exc

    def get_public(self, key: str) -> bytes:
        path = self.path_of(key)
        try:
            return path.read_bytes()
        except FileNotFoundError as exc:  # deleted between the check and the read
            raise NotFound(NO_BLOB, field="key") from exc
        except OSError as exc:
            raise ServiceUnavailable(UNAVAILABLE) from exc

    def delete_public(self, key: str) -> None:
        path = self._path(key)
        try:
            for stale in (path, _type_path(path)):
                with contextlib.suppress(FileNotFoundError):
                    stale.unlink()
        except OSError as exc:
            raise ServiceUnavailable(UNAVAILABLE) from exc

    def path_of(self, key: str) -> Path:
        """The file holding the blob. Raises `NotFound` for a missing blob or a key that
        cannot be one (a request for `/../x` is simply not found)."""
        try:
            path = self._path(key)
        except InvalidKey as exc:
            raise NotFound(NO_BLOB, field="key") from exc
        if not path.is_file():
            raise NotFound(NO_BLOB, field="key")
        return path

    def content_type_of(self, key: str) -> str:
        """The type the blob was stored with. Raises `NotFound` as `path_of` does."""
        path = self.path_of(key)
        try:
            return _type_path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            return "application/octet-stream"  # as S3 answers for an object stored untyped

    def _path(self, key: str) -> Path:
        if len(key) > _MAX_KEY or not all(_SEGMENT.fullmatch(s) for s in key.split("/")):
            raise InvalidKey(f"not a blob key: {key!r}")
        path = self.root.joinpath(*key.split("/"))
        # Segments are plain names, so this holds; checked anyway in case a symlink appears.
        if not path.resolve().is_relative_to(self.root):
            raise InvalidKey(f"not a blob key: {key!r}")
        return path


def _make_directories(directory: Path, root: Path) -> None:
    """Creates the key's directories, each made durable in its parent as it appears."""
    if directory == root or directory.is_dir():
        return
    _make_directories(directory.parent, root)
    with contextlib.suppress(FileExistsError):  # another writer made it meanwhile
        directory.mkdir()
        fsync_directory(directory.parent)


def _type_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.type")
