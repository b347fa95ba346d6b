"""The local platform's bundle of ports: the same use cases and handlers, on local storage.

Everything lives in one data directory (see the package docstring for its layout). Adapters
are made on first use, as in AWS, so a process that only serves public documents never loads
the key service. Every process that runs handlers calls `install(data_dir)` once.
"""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from badgehub.runtime import wiring

from ..mailbox import LocalMailbox
from .file_blobs import FileBlobStore
from .files import create_once, fsync_directory
from .private_blobs import FilePrivateBlobs

if TYPE_CHECKING:
    from collections.abc import Callable

    from badgehub.adapters.tables.core import Table
    from badgehub.ports import KeyService, RowQueue, UploadStore

TABLE_FILE = "badgehub.sqlite3"
BLOBS_DIR = "blobs"
PRIVATE_DIR = "private"  # Diploma Supplements: served only through signed, expiring links
KEYS_DIR = "keys"
SECRET_FILE = "app-secret"  # noqa: S105 - a file name, not a secret
MAILBOX_FILE = "mailbox.sqlite3"
MARKER = ".badgehub-data"
_MARKER_TEXT = b"Data of the local badgehub platform. `devplatform.local.reset` empties this.\n"


def local_ports(
    data_dir: Path,
    row_queue: Callable[[], RowQueue] | None = None,
    uploads: Callable[[], UploadStore] | None = None,
    *,
    synchronous: str = "FULL",
) -> wiring.Ports:
    """SQLite table, file blobs, local keys, the platform secret and the mailbox, all under
    `data_dir`; the row queue and uploads are moto's (SQS, S3) unless given (a benchmark's).
    `synchronous`: the table's durability mode (`SqliteTable`)."""
    root = claim(data_dir)

    def table() -> Table:
        from .sqlite_table import SqliteTable

        return SqliteTable(root / TABLE_FILE, synchronous=synchronous)

    def key_service() -> KeyService:
        from .key_store import LocalKeyService  # only functions that sign load cryptography

        return LocalKeyService(root / KEYS_DIR)

    return wiring.Ports(
        table=table,
        blobs=lambda: blob_store(root),
        key_service=key_service,
        secret=lambda: app_secret(root),
        mailer=lambda: mailbox(root),
        private_blobs=lambda: private_store(root),
        row_queue=row_queue,
        uploads=uploads,
    )


def install(data_dir: Path, synchronous: str = "FULL") -> None:
    """Makes this process's handlers use the local adapters on `data_dir`."""
    claim(data_dir)
    wiring.install(lambda: local_ports(data_dir, synchronous=synchronous))


def blob_store(data_dir: Path) -> FileBlobStore:
    """The store the handlers put images in: the server sends them with `path_of`."""
    return FileBlobStore(Path(data_dir) / BLOBS_DIR)


def private_store(data_dir: Path) -> FilePrivateBlobs:
    """Where supplements are kept; the front serves them at their signed links."""
    return FilePrivateBlobs(Path(data_dir) / PRIVATE_DIR, app_secret(data_dir))


def app_secret(data_dir: Path) -> bytes:
    """The platform secret (cursor MACs, CSRF, index keys): made once, kept (0600), so
    cursors, forms and backpacks survive a restart."""
    return create_once(Path(data_dir) / SECRET_FILE, secrets.token_urlsafe(32).encode())


def mailbox(data_dir: Path) -> LocalMailbox:
    """Where the local platform's e-mail goes: `/_local/mail` shows it."""
    return LocalMailbox(Path(data_dir) / MAILBOX_FILE)


def claim(data_dir: Path) -> Path:
    """`data_dir`, created (0700) and marked as ours if new or empty.

    A non-empty directory without the marker is refused: `reset` deletes whatever a data
    directory holds, so it must never be pointed at a directory that holds something else.
    """
    root = Path(data_dir).absolute()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    marker = root / MARKER
    if not marker.exists():
        if any(root.iterdir()):
            raise ValueError(f"{root} holds other files; give an empty or new data directory")
        create_once(marker, _MARKER_TEXT, mode=0o600)
    return root


def reset(data_dir: Path) -> None:
    """Empties the data directory (keeping it and its marker) and forgets this process's ports.

    Only entries of the directory itself are removed: a symlink is unlinked, never followed,
    and nothing outside is touched. Handler processes other than this one must be stopped
    first (they hold the old table open); call `install` again afterwards.
    """
    root = Path(data_dir).absolute()
    if not root.exists():
        return
    if root.is_symlink() or not (root / MARKER).is_file():
        raise ValueError(f"{root} is not a badgehub data directory; refusing to empty it")
    wiring.reset()
    for entry in root.iterdir():
        if entry.name == MARKER:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)  # fd-based on Linux: does not follow links inside either
        else:
            entry.unlink()
    fsync_directory(root)
