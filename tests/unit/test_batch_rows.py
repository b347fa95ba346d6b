"""Reading batch files: CSV and NDJSON rows, hostile ones included, and the errors file."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from badgehub.domain import batches
from badgehub.domain.batches import CSV, NDJSON, Row, RowError, check_row, errors_csv, read_rows
from badgehub.domain.errors import InvalidInput, UnsupportedMediaType


def checked(data: bytes, kind: str = CSV) -> list[Row | RowError]:
    out: list[Row | RowError] = []
    for number, fields in read_rows(data, kind):
        out.append(fields if isinstance(fields, RowError) else check_row(number, fields))
    return out


def errors_of(results: list[Row | RowError]) -> list[tuple[int, str]]:
    return [(r.row, r.field) for r in results if isinstance(r, RowError)]


def test_a_csv_row_becomes_the_same_request_a_single_issue_takes() -> None:
    data = (
        b"email,name,narrative,evidence_url,evidence_narrative,issued_on,expires,locale,external_id\n"
        b"ada@example.org,Ada Lovelace,Wrote the first program,https://ex.org/thesis,"
        b"Her thesis,2026-06-30T12:00:00Z,2030-06-30T12:00:00Z,it,S-1\n"
    )
    [row] = checked(data)
    assert isinstance(row, Row)
    assert row.external_id == "S-1"
    assert row.data.recipient.email == "ada@example.org"
    assert row.data.recipient.name == "Ada Lovelace"
    assert row.data.narrative == "Wrote the first program"
    assert str(row.data.evidence[0].url) == "https://ex.org/thesis"
    assert row.data.evidence[0].narrative == "Her thesis"
    assert row.data.locale == "it"
    assert row.data.issued_on is not None and row.data.issued_on.year == 2026


def test_bom_crlf_and_quoted_newlines_are_read_as_excel_writes_them() -> None:
    data = (
        "\ufeffemail,narrative\r\n"
        'ada@example.org,"Line one\r\nline two, with a comma"\r\n'
        "\r\n"
        "grace@example.org,Second\r\n"
    ).encode()
    results = checked(data)
    assert [r.data.recipient.email for r in results if isinstance(r, Row)] == [
        "ada@example.org",
        "grace@example.org",
    ]
    first = results[0]
    assert isinstance(first, Row)
    assert first.data.narrative == "Line one\r\nline two, with a comma"


def test_bad_rows_are_named_by_row_and_column_and_never_stop_the_valid_ones() -> None:
    data = (
        b"email,name,issued_on,locale,evidence_url\n"
        b"not-an-address,Ada,,,\n"  # 1: bad e-mail
        b"grace@example.org,Grace,yesterday,,\n"  # 2: bad date
        b"alan@example.org,Alan,,fr,\n"  # 3: unknown locale
        b"kate@example.org,Kate,,,javascript:alert(1)\n"  # 4: not an http URL
        b"edsger@example.org,Edsger,,,\n"  # 5: fine
        b"barbara@example.org\n"  # 6: too few cells
    )
    results = checked(data)
    assert errors_of(results) == [
        (1, "email"),
        (2, "issued_on"),
        (3, "locale"),
        (4, "evidence_url"),
        (6, "row"),
    ]
    assert [r.number for r in results if isinstance(r, Row)] == [5]


@pytest.mark.parametrize(
    ("cell", "field"),
    [
        ("Ada\x00Lovelace", "name"),
        ("Ada\x1b[31mLovelace", "name"),
        ("ada@example.org\x07", "email"),
    ],
)
def test_control_characters_are_refused_in_the_column_they_are_in(cell: str, field: str) -> None:
    fields = {"email": "ada@example.org", "name": "Ada"}
    fields[field] = cell
    result = check_row(1, fields)
    assert isinstance(result, RowError)
    assert result.field == field


def test_a_narrative_keeps_its_line_breaks_but_not_other_controls() -> None:
    kept = check_row(1, {"email": "ada@example.org", "narrative": "one\ntwo\tthree"})
    assert isinstance(kept, Row)
    refused = check_row(1, {"email": "ada@example.org", "narrative": "one\x0btwo"})
    assert isinstance(refused, RowError) and refused.field == "narrative"


def test_a_huge_row_is_refused_alone() -> None:
    huge = "x" * (batches.MAX_ROW_BYTES + 1)
    data = f"email,narrative\nada@example.org,{huge}\ngrace@example.org,ok\n".encode()
    results = checked(data)
    assert errors_of(results) == [(1, "row")]
    assert isinstance(results[1], Row)


def test_an_over_long_narrative_is_refused_by_the_single_issue_rules() -> None:
    result = check_row(1, {"email": "ada@example.org", "narrative": "x" * 5001})
    assert isinstance(result, RowError) and result.field == "narrative"


def test_unknown_columns_refuse_the_file_before_any_row_is_read() -> None:
    with pytest.raises(InvalidInput) as refused:
        list(read_rows(b"email,narative\nada@example.org,x\n", CSV))
    assert refused.value.field == "header"
    assert "narative" in refused.value.message


def test_a_csv_without_an_email_column_or_not_utf8_is_refused_whole() -> None:
    with pytest.raises(InvalidInput, match="email column"):
        list(read_rows(b"name\nAda\n", CSV))
    with pytest.raises(InvalidInput, match="UTF-8"):
        list(read_rows(b"email\n\xff\xfe\n", CSV))
    with pytest.raises(InvalidInput, match="empty"):
        list(read_rows(b"", CSV))


def test_a_broken_quote_is_an_error_row_not_a_crash() -> None:
    results = checked(b'email,name\nada@example.org,"Ada\n')
    assert errors_of(results) == [(1, "row")]


def test_ndjson_rows_with_bad_json_unknown_fields_and_wrong_types() -> None:
    data = (
        b'{"email": "ada@example.org", "external_id": "S-1"}\n'
        b"not json\n"
        b'["a", "list"]\n'
        b'{"email": "grace@example.org", "=cmd|\' /C calc\'!A0": "x"}\n'
        b'{"email": 42}\n'
        b'{"email": "alan@example.org", "issued_on": NaN}\n'
        b"\n"
    )
    results = checked(data, NDJSON)
    assert errors_of(results) == [
        (2, "row"),
        (3, "row"),
        (4, "=cmd|' /C calc'!A0"),
        (5, "email"),
        (6, "row"),
    ]


def test_expires_before_issued_on_is_the_expires_column() -> None:
    result = check_row(
        1,
        {
            "email": "ada@example.org",
            "issued_on": "2026-06-30T12:00:00Z",
            "expires": "2026-01-01T00:00:00Z",
        },
    )
    assert isinstance(result, RowError) and result.field == "expires"


def test_identity_is_external_id_when_given_else_email_and_issue_date() -> None:
    key = b"k" * 32

    def row(**fields: Any) -> Row:
        made = check_row(1, {"email": "ada@example.org", **fields})
        assert isinstance(made, Row)
        return made

    assert row(external_id="S-1").identity(key) == row(external_id="S-1", name="Other").identity(
        key
    )
    assert row(external_id="S-1").identity(key) != row(external_id="S-2").identity(key)
    assert row().identity(key) == check_row(1, {"email": " ADA@example.org"}).identity(key)  # type: ignore[union-attr]
    assert row().identity(key) != row(issued_on="2026-06-30T12:00:00Z").identity(key)
    assert "ada" not in row().identity(key)
    assert row().identity(key) != row().identity(b"another key" * 3)


@pytest.mark.parametrize(
    "hostile", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "|x", "%0A"]
)
def test_the_errors_file_never_hands_a_spreadsheet_a_formula(hostile: str) -> None:
    text = errors_csv([RowError(1, hostile, hostile)])
    [_, (row, field, message)] = list(csv.reader(io.StringIO(text)))
    assert row == "1"
    for cell in (field, message):
        assert cell.startswith("'")
        assert "\r" not in cell and "\t" not in cell


def test_the_errors_file_has_a_header_and_plain_cells_stay_as_they_are() -> None:
    text = errors_csv([RowError(3, "email", "must be an e-mail address, like name@example.org")])
    assert list(csv.reader(io.StringIO(text))) == [
        ["row", "field", "message"],
        ["3", "email", "must be an e-mail address, like name@example.org"],
    ]


def test_only_csv_and_ndjson_are_taken() -> None:
    assert batches.media_type("text/csv; charset=utf-8") == CSV
    assert batches.media_type("application/x-ndjson") == NDJSON
    with pytest.raises(UnsupportedMediaType):
        batches.media_type("application/json")
    with pytest.raises(UnsupportedMediaType):
        batches.media_type(None)
