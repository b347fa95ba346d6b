"""The README renders as written: its tables stay whole."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_table_row_belongs_to_a_table() -> None:
    """A blank line inside a table ends it; the rows after it render as stray text."""
    lines = README.read_text(encoding="utf-8").splitlines()
    fenced = False
    for number, line in enumerate(lines):
        if line.startswith("```"):
            fenced = not fenced
        starts_table = line.startswith("|") and (number == 0 or not lines[number - 1].strip())
        if fenced or not starts_table:
            continue
        following = lines[number + 1] if number + 1 < len(lines) else ""
        assert following.startswith("|-") or following.startswith("| -"), (
            f"README.md line {number + 1} starts a table without a header separator: {line!r}"
        )
