"""The platform's HTTP API over the standard library: one request, one parsed answer, and every
way it can fail turned into a one-line `CliError` (never a traceback)."""

from __future__ import annotations

import http.client
import json
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import IO, Any, NoReturn
from urllib.parse import urlsplit

from .config import KEY_VARIABLE, Config, is_this_machine
from .errors import CliError

USER_AGENT = "badgehub-cli/0.1"
MAX_REPLY = 64 * 1024 * 1024


class ApiError(CliError):
    """The platform refused the request: its `{"error": {code, message, field}}`, in words."""

    def __init__(self, status: int, code: str, message: str, field: str | None) -> None:
        where = f" ({field})" if field else ""
        super().__init__(f"the platform refused it ({status}): {message}{where}")
        self.status = status
        self.error_code = code
        self.field = field


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would carry the API key to wherever it points: follow none."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        raise CliError(
            f"the platform answered {code} with a redirect to {newurl}: "
            "set BADGEHUB_URL to the address it redirects to"
        )


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise CliError(f"the platform's answer ({self.status}) is not JSON") from None


class Client:
    def __init__(self, config: Config) -> None:
        self.config = config
        context = ssl.create_default_context(cafile=config.ca_bundle)
        self._opener = urllib.request.build_opener(
            _NoRedirects(), urllib.request.HTTPSHandler(context=context)
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        content_type: str | None = None,
        authenticated: bool = False,
        accept: str = "application/json",
    ) -> Reply:
        """`path` is the API's own (`/v1/...`). 4xx and 5xx answers raise `ApiError`."""
        headers = {"User-Agent": USER_AGENT, "Accept": accept}
        if content_type:
            headers["Content-Type"] = content_type
        if authenticated:
            headers["Authorization"] = f"Bearer {self._api_key()}"
        return self._send(method, self.config.base_url + path, body, headers)

    def put_url(self, url: str, body: bytes, headers: dict[str, str]) -> None:
        """A PUT to an address the platform handed out (a presigned upload): never with the API
        key, and, since it carries the whole file, never in clear text across a network."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CliError("the platform's upload address is not an http(s) address")
        if parts.scheme == "http" and not is_this_machine(parts.hostname):
            raise CliError(
                "refusing to upload the file over plain http: the upload address is not https"
            )
        sent = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        self._send("PUT", url, body, {"User-Agent": USER_AGENT, **sent})

    def _send(self, method: str, url: str, body: bytes | None, headers: dict[str, str]) -> Reply:
        request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310 - http(s) only, checked in config and put_url
        try:
            with self._opener.open(request, timeout=self.config.timeout) as answer:
                return Reply(answer.status, _type(answer.headers), _read(answer))
        except urllib.error.HTTPError as refused:
            with refused:
                raise _api_error(refused.code, _type(refused.headers), _read(refused)) from None
        except CliError:
            raise
        except urllib.error.URLError as failed:
            self._unreachable(failed.reason)
        except (TimeoutError, OSError, http.client.HTTPException) as failed:
            self._unreachable(failed)

    def post_json(self, path: str, document: Any, *, authenticated: bool = False) -> Any:
        body = json.dumps(document).encode("utf-8")
        reply = self.request(
            "POST", path, body=body, content_type="application/json", authenticated=authenticated
        )
        return reply.json()

    def _api_key(self) -> str:
        if not self.config.api_key:
            raise CliError(f"this command needs an API key: set {KEY_VARIABLE}")
        if not self.config.key_may_travel:
            raise CliError(
                f"refusing to send the API key to {self.config.base_url} over plain http: "
                "use https (plain http only to this machine)"
            )
        return self.config.api_key

    def _unreachable(self, reason: object) -> NoReturn:
        where = self.config.base_url
        if isinstance(reason, ssl.SSLCertVerificationError):
            raise CliError(
                f"cannot trust {where}: {reason.verify_message or 'certificate not verified'} "
                "(for the local platform, set BADGEHUB_CA_BUNDLE to its .local/tls/ca.pem)"
            )
        if isinstance(reason, ssl.SSLError):
            raise CliError(
                f"cannot talk TLS to {where} ({reason.reason or reason}): "
                "does it serve https, or plain http?"
            )
        if isinstance(reason, ConnectionRefusedError):
            raise CliError(f"cannot reach {where}: connection refused (is the platform running?)")
        if isinstance(reason, TimeoutError):
            raise CliError(f"no answer from {where} within {self.config.timeout:g} s")
        detail = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
        raise CliError(f"cannot reach {where}: {detail}")


def _type(headers: Message) -> str:
    return (headers.get("Content-Type") or "").split(";")[0].strip().lower()


def _read(answer: Any) -> bytes:
    data: bytes = answer.read(MAX_REPLY + 1)
    if len(data) > MAX_REPLY:
        raise CliError("the platform's answer is larger than this command accepts")
    return data


def _api_error(status: int, content_type: str, body: bytes) -> ApiError:
    error: dict[str, Any] = {}
    if content_type.endswith("json"):
        try:
            parsed = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            parsed = None
        if isinstance(parsed, dict) and isinstance(parsed.get("error"), dict):
            error = parsed["error"]
    message = str(error.get("message") or f"HTTP {status}")
    field = error.get("field")
    return ApiError(
        status, str(error.get("code") or "http_error"), message, str(field) if field else None
    )
