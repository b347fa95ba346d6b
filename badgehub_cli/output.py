"""Text for a terminal from what a badge or the platform says: no control characters.

Everything a badge carries is written by whoever made it; an escape sequence in a badge's name
could otherwise recolour, rewrite or hide lines of the report (or set the window title).
"""

from __future__ import annotations

import os
import re
import sys
from typing import TextIO

# C0 and C1 controls (escape sequences start with ESC or CSI), DEL, and the bidirectional
# overrides and isolates that can make text read in another order than it is.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe(text: object) -> str:
    """One line, every unsafe character shown as a visible `?`."""
    return _UNSAFE.sub("?", " ".join(str(text).split()))


def write(line: str = "", stream: TextIO | None = None) -> None:
    """A line to stdout. When the reader has gone (`badgehub verify x | head -1`) the rest is
    dropped quietly, and the command still exits with its verdict."""
    try:
        print(line, file=stream or sys.stdout)
    except BrokenPipeError:
        discard_stdout()


def discard_stdout() -> None:
    """Point stdout at /dev/null: nothing is left to flush into a closed pipe at exit."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
