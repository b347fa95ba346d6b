"""Exit codes, and the one error type every command raises for a clean, one-line message."""

from __future__ import annotations

OK = 0
NOT_VALID = 1  # the platform answered, and the answer is "no" (a badge that does not verify)
SOME_FAILED = 1  # a batch settled with rows that could not be issued (see its errors file)
FAILED = 2  # no answer to give: bad usage, an unreadable file, no connection, a refused request
INTERRUPTED = 130  # Ctrl-C, as shells count it


class CliError(Exception):
    """Printed as `badgehub: <message>` with no traceback; the process exits with `code`."""

    def __init__(self, message: str, code: int = FAILED) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
