"""Logs carry ids, never e-mail addresses or tokens; each request has a correlation id."""

from __future__ import annotations

import io
import json
import logging

import pytest

from badgehub.runtime import observability


def test_redaction_removes_emails_tokens_and_keys() -> None:
    text = observability.redact(
        "ada.l+x@example.org sent Bearer abc.def and bh_1234567890abcdef_xyz to /claim/"
        "AbCdEfGhIjKlMnOpQrStUv"
    )
    assert "example.org" not in text and "abc.def" not in text
    assert "bh_1234567890" not in text and "AbCdEfGhIjKlMnOp" not in text
    assert "[email]" in text and "[token]" in text and "[api-key]" in text


def test_powertools_log_lines_are_redacted_in_message_and_extra_fields() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(observability.logger.registered_formatter)
    observability.logger.addHandler(handler)
    try:
        observability.logger.info(
            "issued to %s", "ada@example.org", extra={"recipient": "ada@example.org"}
        )
    finally:
        observability.logger.removeHandler(handler)
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert "ada@example.org" not in json.dumps(line)
    assert line["recipient"] == "[email]"


def test_our_own_loggers_are_redacted_too(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="badgehub"):
        logging.getLogger("badgehub.adapters.tables.dynamodb").warning(
            "failed for %s", "ada@example.org"
        )
    assert "ada@example.org" not in caplog.text


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"x-correlation-id": "portal-42"}, "portal-42"),
        ({"x-correlation-id": "bad id with spaces\n"}, "req-1"),
        ({}, "req-1"),
    ],
)
def test_correlation_id_is_the_callers_when_well_formed(
    headers: dict[str, str], expected: str
) -> None:
    event = {"headers": headers, "requestContext": {"requestId": "req-1"}}
    assert observability.correlation_id(event) == expected
