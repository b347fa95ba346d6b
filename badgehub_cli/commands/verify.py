"""`badgehub verify FILE|URL`: ask the platform to verify any Open Badge and print its report.

A baked PNG or SVG is sent as the raw body, as the API documents; a text file is a credential
(JSON) or a compact JWS / VC-JWT; anything starting with http(s):// is the badge's URL. `-`
reads the badge from standard input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from ..client import Client
from ..config import Config
from ..errors import NOT_VALID, OK, CliError
from ..files import read_at_most
from ..output import safe, write

# Files larger than this are not badges (the API itself takes at most a few MiB): refuse them
# before reading them into memory.
MAX_FILE = 8 * 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MARKS = {True: "✓", False: "✗"}
SYMBOLS = {"valid": "✓", "unverifiable": "?", "not_yet_valid": "…"}  # otherwise ✗
VERDICTS = {
    "valid": "VALID",
    "revoked": "REVOKED by its issuer",
    "expired": "EXPIRED",
    "not_yet_valid": "NOT VALID YET",
    "invalid": "NOT VALID",
    "unverifiable": "COULD NOT BE FULLY VERIFIED",
}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="verify a badge (a baked PNG/SVG, a JSON or JWS file, or a URL)",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument("badge", metavar="FILE|URL", help="a badge file, its URL, or - for stdin")
    parser.add_argument("--recipient", metavar="EMAIL", help="also check it was issued to EMAIL")
    parser.add_argument("--json", action="store_true", help="print the raw report as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, config: Config) -> int:
    client = Client(config)
    # The e-mail address travels in the JSON body, out of URLs (and so out of access logs);
    # an image body leaves the API only its `recipient` query parameter.
    recipient = {"recipient": args.recipient} if args.recipient else {}
    if _is_url(args.badge):
        report = client.post_json("/v1/verify", {"url": args.badge, **recipient})
    else:
        data = _read(args.badge)
        media_type = _image_type(data)
        if media_type:
            query = f"?recipient={quote(args.recipient)}" if args.recipient else ""
            reply = client.request("POST", "/v1/verify" + query, body=data, content_type=media_type)
            report = reply.json()
        else:
            report = client.post_json(
                "/v1/verify", {**_text_subject(data, args.badge), **recipient}
            )
    if not isinstance(report, dict) or "verdict" not in report:
        raise CliError("the platform's answer is not a verification report")
    if args.json:
        write(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print_report(report)
    return OK if report.get("valid") is True else NOT_VALID


def _is_url(argument: str) -> bool:
    parts = urlsplit(argument)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _read(name: str) -> bytes:
    if name == "-":
        data = sys.stdin.buffer.read(MAX_FILE + 1)
        label = "standard input"
    else:
        data = read_at_most(Path(name), MAX_FILE, name, "a badge file")
        label = name
    if len(data) > MAX_FILE:
        raise CliError(f"{label} is larger than {MAX_FILE // (1024 * 1024)} MiB: not a badge")
    if not data.strip():
        raise CliError(f"{label} is empty")
    return data


def _image_type(data: bytes) -> str | None:
    if data.startswith(PNG_SIGNATURE):
        return "image/png"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<") and b"<svg" in head:
        return "image/svg+xml"
    return None


def _text_subject(data: bytes, name: str) -> dict[str, Any]:
    try:
        text = data.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise CliError(
            f"{name} is not a PNG or SVG image, nor UTF-8 text (JSON or a JWS)"
        ) from None
    if text.startswith("{"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as bad:
            raise CliError(f"{name} is not valid JSON: {bad.msg} (line {bad.lineno})") from None
        return {"credential": document}
    return {"jws": text}


def print_report(report: dict[str, Any]) -> None:
    """The verdict first, in words; then what the badge is; then each check."""
    verdict = str(report.get("verdict"))
    symbol = SYMBOLS.get(verdict, "✗")
    write(f"{symbol} {VERDICTS.get(verdict, safe(verdict).upper())}")
    summary = report.get("summary") or {}
    if summary.get("revocation_reason"):
        write(f"  Reason given by the issuer: {safe(summary['revocation_reason'])}")
    for label, key in (
        ("Badge", "achievement_name"),
        ("Issuer", "issuer_name"),
        ("Issued on", "issued_on"),
        ("Expires", "expires"),
        ("Format", "format"),
    ):
        if summary.get(key):
            write(f"  {label + ':':<11}{safe(summary[key])}")
    warnings = {safe(w) for w in report.get("warnings") or []}
    write("Checks:")
    for check in report.get("checks") or []:
        message = safe(check.get("message", ""))
        passed = check.get("passed") is True
        mark = MARKS[passed] if passed or message not in warnings else "!"
        write(f"  {mark} {safe(check.get('name', '?'))}: {message}")
