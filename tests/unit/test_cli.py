"""The `badgehub` CLI's own rules, with no platform: configuration, what a file is sent as,
terminal-safe output, and requests that never carry the API key where it must not go."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from badgehub_cli import config, main
from badgehub_cli.client import Client
from badgehub_cli.commands import verify
from badgehub_cli.errors import CliError
from badgehub_cli.output import safe


def _config(url: str, key: str | None = "bh_x_secret") -> config.Config:
    return config.Config(url, key, None, 5.0)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "no platform address: set BADGEHUB_URL"),
        ({"BADGEHUB_URL": "ftp://example.org"}, "must be an http(s) address"),
        ({"BADGEHUB_URL": "https://me:pw@example.org"}, "must be a plain address"),
        ({"BADGEHUB_URL": "https://example.org/?x=1"}, "must be a plain address"),
        (
            {"BADGEHUB_URL": "https://example.org", "BADGEHUB_CA_BUNDLE": "/nowhere.pem"},
            "is not a file",
        ),
    ],
)
def test_bad_configuration_is_refused_in_words(environ: dict[str, str], message: str) -> None:
    with pytest.raises(CliError, match=message.replace("(", r"\(").replace(")", r"\)")):
        config.load(environ)


def test_configuration_from_the_environment() -> None:
    loaded = config.load({"BADGEHUB_URL": "https://badges.example/ ", "BADGEHUB_API_KEY": "k"})
    assert loaded.base_url == "https://badges.example"
    assert loaded.api_key == "k"


@pytest.mark.parametrize(
    ("url", "may"),
    [
        ("https://badges.example", True),
        ("http://127.0.0.1:3000", True),
        ("http://localhost:3000", True),
        ("http://[::1]:3000", True),
        ("http://badges.example", False),
        ("http://10.0.0.5:3000", False),
    ],
)
def test_the_api_key_travels_only_over_https_or_to_this_machine(url: str, may: bool) -> None:
    assert _config(url).key_may_travel is may


def test_an_authenticated_request_over_plain_http_elsewhere_is_refused_before_sending() -> None:
    client = Client(_config("http://badges.example"))
    with pytest.raises(CliError, match="refusing to send the API key"):
        client.request("GET", "/v1/batches/b1", authenticated=True)


class _Redirecting(http.server.BaseHTTPRequestHandler):
    seen: list[tuple[str, str | None]] = []

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("Authorization")))
        if self.path == "/elsewhere":  # where a followed redirect would land, key and all
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")
            return
        self.send_response(307 if self.command == "GET" else 302)
        self.send_header("Location", "/elsewhere")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_GET  # noqa: N815 - the name http.server dispatches to

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def redirecting() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Redirecting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_redirect_is_never_followed(redirecting: str, method: str) -> None:
    _Redirecting.seen.clear()
    client = Client(_config(redirecting))
    body = b"{}" if method == "POST" else None
    with pytest.raises(CliError, match=f"redirect to {redirecting}/elsewhere"):
        client.request(method, "/v1/verify", body=body, authenticated=True)
    assert [path for path, _ in _Redirecting.seen] == ["/v1/verify"]  # nothing went elsewhere


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "image/png"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
        (b"\xef\xbb\xbf<?xml version='1.0'?>\n<svg/>", "image/svg+xml"),
        (b'{"@context": "https://w3id.org/openbadges/v2"}', None),
        (b"eyJhbGciOiJSUzI1NiJ9.e30.sig", None),
    ],
)
def test_what_a_file_is_sent_as(data: bytes, media_type: str | None) -> None:
    assert verify._image_type(data) == media_type


def test_text_files_are_a_credential_or_a_jws() -> None:
    assert verify._text_subject(b'{"a": 1}\n', "f") == {"credential": {"a": 1}}
    assert verify._text_subject(b"  a.b.c\n", "f") == {"jws": "a.b.c"}
    with pytest.raises(CliError, match="f is not valid JSON"):
        verify._text_subject(b"{nope", "f")
    with pytest.raises(CliError, match="nor UTF-8 text"):
        verify._text_subject(b"\xff\xfe\x00", "f")


HOSTILE = "Data\x1b[2J\x1b]0;pwned\x07 Science\u202eevil\r\nForged line"


def test_terminal_escapes_and_bidi_overrides_never_reach_the_terminal() -> None:
    assert safe(HOSTILE) == "Data?[2J?]0;pwned? Science?evil Forged line"


def test_the_report_prints_the_verdict_first_and_nothing_a_badge_could_smuggle(
    capsys: pytest.CaptureFixture[str],
) -> None:
    verify.print_report(
        {
            "valid": False,
            "verdict": "revoked",
            "summary": {"achievement_name": HOSTILE, "revocation_reason": HOSTILE},
            "checks": [
                {"name": "proof", "passed": True, "message": HOSTILE},
                {"name": "revocation", "passed": False, "message": "Revoked."},
                {"name": "key_resolution", "passed": False, "message": "Unreachable."},
            ],
            "warnings": ["Unreachable."],
        }
    )
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "✗ REVOKED by its issuer"
    assert "  ✗ revocation: Revoked." in lines
    assert "  ! key_resolution: Unreachable." in lines  # a warning, not a failure
    assert not any(ch in out for ch in "\x1b\x07\r\u202e")
    assert len(lines) == 7


def test_usage_errors_exit_2_and_name_the_problem(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BADGEHUB_URL", raising=False)
    with pytest.raises(SystemExit) as usage:
        main.main(["verify"])
    assert usage.value.code == 2
    assert main.main(["verify", "badge.png"]) == 2
    assert "set BADGEHUB_URL" in capsys.readouterr().err
