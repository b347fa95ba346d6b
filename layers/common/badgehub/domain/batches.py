"""Bulk issuing: reading a CSV or NDJSON file of rows, checking each row, and the errors file.

Pure: the rows become the same `AssertionInput` a single issue takes, so a batch row is
issued by the one issue use case, with its own evidence and narrative. A row that fails is
reported (row number, field, message) and never stops the others.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import InvalidInput, UnsupportedMediaType
from .models import AssertionInput

CSV = "text/csv"
NDJSON = "application/x-ndjson"
MEDIA_TYPES = (CSV, NDJSON)
FIELDS = (
    "email",
    "name",
    "narrative",
    "evidence_url",
    "evidence_narrative",
    "issued_on",
    "expires",
    "locale",
    "external_id",
)
MAX_ROW_BYTES = 64 * 1024  # a row carries a narrative and evidence, not a thesis
MAX_EXTERNAL_ID = 200
_MULTILINE = frozenset({"narrative", "evidence_narrative"})
# Where a row's field lands in `AssertionInput`, and back (for naming the field in errors).
_INPUT_FIELD = {
    ("recipient", "email"): "email",
    ("recipient", "name"): "name",
    ("narrative",): "narrative",
    ("evidence", 0, "url"): "evidence_url",
    ("evidence", 0, "narrative"): "evidence_narrative",
    ("evidence", 0): "evidence_url",
    ("issuedOn",): "issued_on",
    ("expires",): "expires",
    ("locale",): "locale",
}


class BatchStatus(StrEnum):
    AWAITING_UPLOAD = "awaiting_upload"  # a presigned upload was handed out; nothing yet
    VALIDATING = "validating"
    ISSUING = "issuing"
    DONE = "done"
    FAILED = "failed"  # the file itself could not be read: no row was issued


class Batch(BaseModel):
    """A bulk issue's record; its counts live in a counter item beside it (atomic adds)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: str
    badge_id: str
    issuer_id: str
    status: BatchStatus
    total: int = 0
    dry_run: bool = False
    notify: bool = True
    media_type: str = CSV
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None = None
    message: str | None = None  # why a batch failed as a whole


class RowOutcome(StrEnum):
    ISSUED = "issued"
    SKIPPED = "skipped"  # its identity was issued before (this batch or an earlier one)
    FAILED = "failed"


@dataclass(frozen=True)
class Counts:
    issued: int = 0
    skipped: int = 0
    failed: int = 0

    @property
    def settled(self) -> int:
        return self.issued + self.skipped + self.failed


@dataclass(frozen=True)
class RowError:
    row: int  # 1 is the first data row (a CSV's header is not counted)
    field: str
    message: str


@dataclass(frozen=True)
class Settled:
    """What became of one row, as the worker records it."""

    row: int
    outcome: RowOutcome
    error: RowError | None = None


@dataclass(frozen=True)
class Row:
    """A valid row: what to issue, and the identity that says whether it already was."""

    number: int
    data: AssertionInput
    external_id: str | None

    def identity(self, key: bytes) -> str:
        """(badge, external_id) when given, else (badge, e-mail, issued_on), keyed so the
        table never holds an address: the same person's rows share it, nobody can read it."""
        if self.external_id is not None:
            subject = f"external\n{self.external_id}"
        else:
            issued = self.data.issued_on.isoformat() if self.data.issued_on else ""
            subject = f"email\n{self.data.recipient.email.strip().lower()}\n{issued}"
        return hmac.new(key, subject.encode(), hashlib.sha256).hexdigest()


def media_type(content_type: str | None) -> str:
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind not in MEDIA_TYPES:
        raise UnsupportedMediaType(
            "send the rows as text/csv or application/x-ndjson", field="Content-Type"
        )
    return kind


def read_rows(data: bytes, kind: str) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    """(row number, fields or why the row cannot be read), in file order.

    A file that is not text at all, or a CSV without an `email` column, is refused whole.
    """
    try:
        text = data.decode("utf-8-sig")  # a BOM (Excel's UTF-8 CSV) is not part of the data
    except UnicodeDecodeError as exc:
        raise InvalidInput("the file must be UTF-8 text", field="body") from exc
    if kind == CSV:
        yield from _csv_rows(text)
    else:
        yield from _ndjson_rows(text)


def check_header(data: bytes, kind: str) -> None:
    """What refuses a file whole, checked before it is kept: text, and a usable header row."""
    rows = read_rows(data, kind)
    if kind == CSV:
        if next(rows, None) is None:  # reading a row checks the text and the header first
            raise InvalidInput("the file holds no rows", field="body")
    elif not data.strip():
        raise InvalidInput("the file holds no rows", field="body")
    else:
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput("the file must be UTF-8 text", field="body") from exc


def _csv_rows(text: str) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput("the file is empty: it needs a header row", field="body") from None
    except csv.Error as exc:
        raise InvalidInput(f"the header row is not valid CSV: {exc}", field="body") from exc
    columns = [c.strip().lower() for c in header]
    if "email" not in columns:
        raise InvalidInput("the header row needs an email column", field="email")
    unknown = sorted({c for c in columns if c not in FIELDS})
    if unknown:
        raise InvalidInput(f"unknown columns: {', '.join(unknown)[:200]}", field="header")
    if len(set(columns)) != len(columns):
        raise InvalidInput("a column is named twice in the header row", field="header")
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            number += 1
            yield number, RowError(number, "row", f"not valid CSV: {exc}")
            return  # the reader cannot find the next row's start after a broken quote
        if not any(cell.strip() for cell in cells):
            continue  # blank lines (a trailing newline, Excel's empty rows) are not rows
        number += 1
        if len(cells) != len(columns):
            yield number, RowError(number, "row", f"has {len(cells)} cells, not {len(columns)}")
            continue
        if sum(len(c.encode()) for c in cells) > MAX_ROW_BYTES:
            yield number, RowError(number, "row", f"is over {MAX_ROW_BYTES} bytes")
            continue
        yield number, {c: v for c, v in zip(columns, cells, strict=True) if v.strip()}


def _ndjson_rows(text: str) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    number = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        number += 1
        if len(line.encode()) > MAX_ROW_BYTES:
            yield number, RowError(number, "row", f"is over {MAX_ROW_BYTES} bytes")
            continue
        try:
            parsed = json.loads(line, parse_constant=_refuse_constant)
        except (ValueError, RecursionError):
            yield number, RowError(number, "row", "is not valid JSON")
            continue
        if not isinstance(parsed, dict):
            yield number, RowError(number, "row", "must be a JSON object")
            continue
        unknown = sorted(str(k) for k in parsed if k not in FIELDS)
        if unknown:
            yield number, RowError(number, unknown[0][:100], "unknown field")
            continue
        yield number, {k: v for k, v in parsed.items() if v is not None}


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def check_row(number: int, fields: dict[str, Any]) -> Row | RowError:
    """The row as an issue request, or the first thing wrong with it (named by its column)."""
    for name, value in fields.items():
        if not isinstance(value, str):
            return RowError(number, name, "must be text")
        if _has_controls(value, multiline=name in _MULTILINE):
            return RowError(number, name, "must not contain control characters")
    if "email" not in fields:
        return RowError(number, "email", "this field is required")
    external_id = fields.get("external_id")
    if external_id is not None:
        external_id = external_id.strip()
        if not 1 <= len(external_id) <= MAX_EXTERNAL_ID:
            return RowError(number, "external_id", f"must be 1 to {MAX_EXTERNAL_ID} characters")
    request = _request(fields)
    try:
        data = AssertionInput.model_validate(request)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        location = tuple(first["loc"])
        field = _INPUT_FIELD.get(location, "row")
        message = "this field is required" if first["type"] == "missing" else first["msg"]
        if first["type"] == "value_error" and not location:
            field = "expires"  # the only whole-row rule: expires after issued_on
        return RowError(number, field, _plain(message))
    return Row(number, data, external_id)


def _request(fields: dict[str, str]) -> dict[str, Any]:
    """The row's columns as the issue request's (camelCase) fields."""
    recipient = {"email": fields["email"], **({"name": fields["name"]} if "name" in fields else {})}
    request: dict[str, Any] = {"recipient": recipient}
    for name, key in (
        ("narrative", "narrative"),
        ("issued_on", "issuedOn"),
        ("expires", "expires"),
        ("locale", "locale"),
    ):
        if name in fields:
            request[key] = fields[name]
    evidence = {
        key: fields[name]
        for name, key in (("evidence_url", "url"), ("evidence_narrative", "narrative"))
        if name in fields
    }
    if evidence:
        request["evidence"] = [evidence]
    return request


def _has_controls(value: str, *, multiline: bool) -> bool:
    allowed = {"\n", "\r", "\t"} if multiline else set()
    return any(unicodedata.category(c) == "Cc" and c not in allowed for c in value)


def _plain(message: str) -> str:
    return message.removeprefix("Value error, ")


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula (`=cmd|...`, `+`, `-`,
    `@`, a tab) gets a leading apostrophe, as OWASP's CSV-injection advice says; controls go."""
    cleaned = "".join(c if unicodedata.category(c) != "Cc" else " " for c in value)
    # Spreadsheets skip leading blanks before deciding a cell is a formula: so do we.
    risky = value.startswith(_FORMULA_STARTS) or cleaned.lstrip().startswith(_FORMULA_STARTS)
    return "'" + cleaned if risky else cleaned


def errors_csv(errors: Iterable[RowError]) -> str:
    """The errors file: `row,field,message`, every cell safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["row", "field", "message"])
    for error in errors:
        writer.writerow([str(error.row), safe_cell(error.field), safe_cell(error.message)])
    return out.getvalue()
