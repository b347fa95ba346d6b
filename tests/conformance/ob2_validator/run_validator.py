"""Run the 1EdTech Open Badges 2.0 validator (``openbadges`` 1.1.2) offline.

Run it with the validator's own interpreter (see ``install.sh``)::

    python run_validator.py <input> [--recipient EMAIL]

``<input>`` is a URL, a path to a JSON file, a path to a baked PNG or SVG
image, a compact JWS string or a JSON string. The validator's full result
(``graph``, ``input`` and ``report``) is printed as JSON on stdout; the verdict
is ``report.valid``. The exit code is 0 when the validator found the badge valid,
4 when it ran and found it not valid, and 1 or 2 when this harness itself failed.

Network: the validator fetches every URL with ``requests``, the JSON-LD
context included. Here the context URLs are answered from the copy bundled in
the installed ``openbadges`` package, loopback hosts are fetched for real, and
any other host fails at once with a clear error (reported by the validator as
a failed task). A socket-level guard backs this up for anything that does not
go through ``requests``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import ipaddress
import json
import os
import socket
import sys
from typing import Any
from urllib.parse import urlsplit

EXIT_HARNESS_FAILURE = 1
EXIT_USAGE = 2
EXIT_NOT_VALID = 4

# Where the Open Badges 2.0 context is published: the w3id.org permalink and the
# document it redirects to. All are answered from the bundled copy.
CONTEXT_V2_URLS = (
    "https://w3id.org/openbadges/v2",
    "https://openbadgespec.org/v2/context.json",
)

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}

_allowed_names: set[str] = set(LOOPBACK_NAMES)


def _log(message: str) -> None:
    print(f"run_validator: {message}", file=sys.stderr)


def _is_loopback_address(value: str) -> bool:
    try:
        return ipaddress.ip_address(value.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _is_allowed_host(host: str | None) -> bool:
    if not host:
        return False
    host = host.strip("[]").rstrip(".").lower()
    return _is_loopback_address(host) or host in _allowed_names or host.endswith(".localhost")


def _context_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{(parts.hostname or '').lower()}{parts.path.rstrip('/')}"


def install_network_guard(*, http_timeout: float) -> None:
    """Route ``requests`` through the bundled context and block non-loopback hosts."""
    import requests
    import urllib3
    from openbadges.verifier.openbadges_context import (
        OPENBADGES_CONTEXT_V2_DICT,
        OPENBADGES_CONTEXT_V2_URI,
    )
    from requests.adapters import HTTPAdapter

    class BlockedRequest(requests.exceptions.ConnectionError):
        """Raised instead of connecting to a host that is not loopback."""

    BlockedRequest.__module__ = "run_validator"
    BlockedRequest.__qualname__ = "BlockedRequest"

    context_body = json.dumps(OPENBADGES_CONTEXT_V2_DICT, indent=2).encode("utf-8")
    canned = {
        _context_key(url): context_body for url in (*CONTEXT_V2_URLS, OPENBADGES_CONTEXT_V2_URI)
    }
    original_send = HTTPAdapter.send

    def guarded_send(
        self: HTTPAdapter, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        url = request.url or ""
        body = canned.get(_context_key(url))
        if body is not None and request.method in {"GET", "HEAD"}:
            _log(f"served {url} from the bundled Open Badges v2 context")
            raw = urllib3.HTTPResponse(
                body=io.BytesIO(body),
                headers={
                    "Content-Type": "application/ld+json",
                    "Content-Length": str(len(body)),
                },
                status=200,
                reason="OK",
                preload_content=False,
                decode_content=False,
                request_method=request.method,
            )
            return self.build_response(request, raw)
        host = urlsplit(url).hostname
        if not _is_allowed_host(host):
            message = (
                f"blocked request to non-loopback host {host!r} ({url}): the Open Badges "
                "validator harness is offline and only fetches from loopback"
            )
            _log(message)
            raise BlockedRequest(message, request=request)
        kwargs["proxies"] = {}  # loopback never goes through a proxy from the environment
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = http_timeout
        return original_send(self, request, **kwargs)

    HTTPAdapter.send = guarded_send  # type: ignore[method-assign]

    # Second line: nothing else (urllib in PyLD's default loader, say) may leave the machine.
    original_getaddrinfo = socket.getaddrinfo
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and not _is_allowed_host(str(name)):
            raise socket.gaierror(
                socket.EAI_NONAME, f"blocked lookup of non-loopback host {name!r} (offline)"
            )
        return original_getaddrinfo(host, *args, **kwargs)

    def _check_address(address: Any) -> None:
        if isinstance(address, tuple) and not _is_loopback_address(str(address[0])):
            raise BlockedRequest(f"blocked connection to non-loopback address {address[0]!r}")

    def guarded_connect(self: socket.socket, address: Any) -> None:
        _check_address(address)
        original_connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> int:
        _check_address(address)
        return original_connect_ex(self, address)

    socket.getaddrinfo = guarded_getaddrinfo
    socket.socket.connect = guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = guarded_connect_ex  # type: ignore[method-assign]


def install_compat_shims() -> None:
    """Small fixes so the 2018 validator's own code paths run on Python 3."""
    from openbadges.verifier import verifier
    from openbadges.verifier.utils import CachableDocumentLoader
    from pyld import jsonld

    # Some expand() calls pass no options and would use PyLD's urllib loader;
    # send them through requests (and so through the guard) like the rest.
    jsonld.set_document_loader(CachableDocumentLoader(use_cache=False))

    # On an image without baked data the validator reads ``ValueError.message``
    # (Python 2 only) and crashes instead of reporting the failure.
    class UnbakeError(ValueError):
        def __init__(self, message: str) -> None:
            super().__init__(message)
            self.message = message

    original_unbake = verifier.unbake

    def unbake(image_file: Any) -> Any:
        try:
            data = original_unbake(image_file)
        except Exception as exc:
            raise UnbakeError(f"Could not read Open Badges metadata from file: {exc}") from exc
        if not data:
            raise UnbakeError("Could not find Open Badges metadata in file.")
        return data

    verifier.unbake = unbake


def _read_input(value: str) -> tuple[Any, str]:
    """Return (validator input, kind) for a URL, a file path or a literal string."""
    if value == "-":
        return sys.stdin.read().strip(), "stdin"
    if value.startswith(("http://", "https://")):
        return value, "url"
    if os.path.isfile(value):
        with open(value, "rb") as handle:
            head = handle.read(512)
        if (
            head.startswith(b"\x89PNG\r\n\x1a\n")
            or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")  # SVG / XML
            or value.lower().endswith((".png", ".svg"))
        ):
            return open(value, "rb"), "image"
        with open(value, encoding="utf-8-sig") as handle:
            return handle.read().strip(), "file"
    return value.strip(), "string"


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Run the Open Badges 2.0 validator offline and print its report as JSON."
    )
    parser.add_argument(
        "input",
        help="badge URL, path to a JSON file or baked PNG/SVG, compact JWS, JSON string, or -",
    )
    parser.add_argument(
        "--recipient",
        metavar="EMAIL",
        help="e-mail address the assertion's recipient must match",
    )
    parser.add_argument(
        "--recipient-profile",
        metavar="JSON",
        help='trusted recipient Profile as JSON, e.g. \'{"url": "https://..."}\'',
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="extra host name to let through (it must still resolve to a loopback address)",
    )
    parser.add_argument(
        "--http-timeout",
        type=float,
        default=30.0,
        help="seconds for each HTTP request to a loopback host (default 30)",
    )
    parser.add_argument("--compact", action="store_true", help="print JSON on one line")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)

    recipient_profile: dict[str, Any] | None = None
    if args.recipient_profile:
        try:
            recipient_profile = json.loads(args.recipient_profile)
        except ValueError as exc:
            _log(f"--recipient-profile is not JSON: {exc}")
            return EXIT_USAGE
        if not isinstance(recipient_profile, dict):
            _log("--recipient-profile must be a JSON object")
            return EXIT_USAGE
    if args.recipient:
        recipient_profile = {**(recipient_profile or {}), "email": args.recipient}

    _allowed_names.update(name.lower().rstrip(".") for name in args.allow_host)

    try:
        from openbadges import verify

        install_network_guard(http_timeout=args.http_timeout)
        install_compat_shims()
        badge_input, kind = _read_input(args.input)
    except Exception as exc:
        _log(f"could not set up the validator: {exc.__class__.__name__}: {exc}")
        return EXIT_HARNESS_FAILURE

    _log(f"validating {kind} input")
    try:
        # Anything the validator prints goes to stderr: stdout carries only the report.
        with contextlib.redirect_stdout(sys.stderr):
            result = verify(badge_input, recipient_profile=recipient_profile)
        output = json.dumps(
            result,
            indent=None if args.compact else 2,
            sort_keys=False,
            default=lambda value: (
                value.decode("utf-8", "replace") if isinstance(value, bytes) else repr(value)
            ),
        )
    except Exception as exc:
        _log(f"the validator failed to run: {exc.__class__.__name__}: {exc}")
        return EXIT_HARNESS_FAILURE
    finally:
        if hasattr(badge_input, "close"):
            badge_input.close()

    sys.stdout.write(output + "\n")
    sys.stdout.flush()
    report = result.get("report", {})
    _log(
        f"valid={report.get('valid')} errorCount={report.get('errorCount')} "
        f"warningCount={report.get('warningCount')}"
    )
    return 0 if report.get("valid") is True else EXIT_NOT_VALID


if __name__ == "__main__":
    sys.exit(main())
