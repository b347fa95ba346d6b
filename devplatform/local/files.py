"""Durable file writes for the local stores: whole or not at all, and still there after a crash."""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path


def write_atomically(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Replaces `path` with `data`: readers see the old file or the new one, never a mix.

    The file is created with `mode` from its first byte (so a 0600 secret is never readable
    by others, whatever the umask), fsynced, renamed over the target, and the rename fsynced.
    """
    temporary = _temporary(path)
    _write_new(temporary, data, mode)
    try:
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise
    fsync_directory(path.parent)


def create_once(path: Path, data: bytes, mode: int = 0o600) -> bytes:
    """What `path` holds, first writing `data` there if nothing does.

    Processes racing to create it all end up with the same content: the file is written in
    full under a temporary name and linked into place, and a link never replaces a file.
    """
    with contextlib.suppress(FileNotFoundError):
        return path.read_bytes()
    temporary = _temporary(path)
    _write_new(temporary, data, mode)
    try:
        with contextlib.suppress(FileExistsError):  # another process was first: theirs wins
            os.link(temporary, path)
            fsync_directory(path.parent)
    finally:
        temporary.unlink()
    return path.read_bytes()


def fsync_directory(directory: Path) -> None:
    """Makes a rename or a new entry durable (POSIX keeps those in the directory)."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")


def _write_new(path: Path, data: bytes, mode: int) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        raise
