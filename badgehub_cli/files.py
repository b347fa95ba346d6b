"""Reading the user's files: at most a limit, and every way it can fail said in one line."""

from __future__ import annotations

from pathlib import Path

from .errors import CliError


def read_at_most(file: Path, limit: int, shown: str, kind: str) -> bytes:
    """Up to `limit + 1` bytes of `file` (so callers can tell it is too large); `shown` names it
    in messages, `kind` says what a directory is not ("a CSV file", "a badge file")."""
    try:
        if file.is_dir():
            raise CliError(f"{shown} is a directory, not {kind}")
        with file.open("rb") as handle:
            return handle.read(limit + 1)
    except FileNotFoundError:
        raise CliError(f"no such file: {shown}") from None
    except PermissionError:
        raise CliError(f"cannot read {shown}: permission denied") from None
    except OSError as failed:
        raise CliError(f"cannot read {shown}: {failed.strerror or failed}") from None
