"""The local platform's front: API Gateway's job on uvicorn, in front of the worker pools.

uvicorn (asyncio, h11) keeps every connection off the accept path: TLS handshakes, idle and
slow clients cost a socket each and delay nobody. On top of it the front adds what API Gateway
does before a function runs: a deadline for the request head and for the body, a body cap
answered with 413, 404/405 with the API's JSON error body, routing from the template's HttpApi
events. It answers `/health` itself, so health stays fast when every worker is busy, and serves
the dev-only `/_local/*` routes (never in template.yaml).
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import json
import logging
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

# How our verifier's fetcher names itself: a request from it is a handler calling its own host.
from badgehub.adapters.http_fetcher import USER_AGENT as SELF_AGENT

from .assets import HEADERS as ASSET_HEADERS
from .assets import AssetSource, valid_key
from .gateway import HttpRequest, MethodNotAllowed, Router, build_event, error_response
from .pool import FunctionPool, HandlerFailed, StartFailed, Throttled, TimedOut

if TYPE_CHECKING:
    from .local.private_blobs import FilePrivateBlobs
    from .mailbox import LocalMailbox

log = logging.getLogger("devplatform.front")
T = TypeVar("T")
Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASSETS_PREFIX = "/_local/assets/"
SCHEDULES_RUN = "/_local/schedules/run"
MAILBOX = "/_local/mail"
MAILBOX_JSON = "/_local/mail.json"
PRIVATE_PREFIX = "/_local/private/"  # S3's presigned GETs of the private bucket, locally
_DRAIN_LIMIT = 64 * 1024 * 1024  # past this an oversized body is cut off, not read to the end


@dataclass(frozen=True)
class FrontConfig:
    max_body_bytes: int = 2 * 1024 * 1024  # the handlers' own default (Settings.max_body_bytes)
    head_timeout_s: float = 10.0  # from connect (or the last response) to a complete head
    body_timeout_s: float = 30.0  # from the head to the end of the body
    keep_alive_s: float = 5.0


class _BodyError(Exception):
    def __init__(self, response: dict[str, Any]) -> None:
        self.response = response


class Front:
    """The ASGI app: one request becomes one API Gateway v2 event for one function's pool."""

    def __init__(
        self,
        router: Router,
        pools: dict[str, FunctionPool],
        config: FrontConfig,
        body_caps: dict[str, int] | None = None,
        assets: AssetSource | None = None,
        run_schedules: Callable[[], Awaitable[list[dict[str, Any]]]] | None = None,
        mailbox: LocalMailbox | None = None,
        private: FilePrivateBlobs | None = None,
    ) -> None:
        self._private = private
        self._router = router
        self._pools = pools
        self._config = config
        self._caps = body_caps or {}
        self._assets = assets
        self._run_schedules = run_schedules
        self._mailbox = mailbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        try:
            response = await self._respond(scope, receive)
        except _BodyError as error:
            response = error.response
        await _send_response(send, response, head=scope["method"] == "HEAD")

    async def _respond(self, scope: Scope, receive: Receive) -> dict[str, Any]:
        method: str = scope["method"]
        path: str = scope["path"]
        if path == "/health":
            if method not in ("GET", "HEAD"):
                return _not_allowed(method, ("GET", "HEAD"))
            return _json(200, {"status": "ok"}, **{"cache-control": "no-store"})
        if path.startswith("/_local/"):
            return await self._local(method, path, scope, receive)
        raw_path = scope["raw_path"].decode("latin-1")
        query = scope["query_string"].decode("latin-1")
        target = f"{raw_path}?{query}" if query else raw_path
        matched = self._router.match(method, urlsplit(target).path)
        if matched is None:
            return error_response(404, "not_found", "no such route")
        if isinstance(matched, MethodNotAllowed):
            return _not_allowed(method, matched.allowed)
        route, params = matched
        headers = _headers(scope)
        cap = self._caps.get(route.function, self._config.max_body_bytes)
        body = await self._read_body(receive, headers, cap)
        client = scope.get("client") or ("127.0.0.1", 0)
        server = scope.get("server") or ("127.0.0.1", 0)
        request = HttpRequest(
            method="GET" if method == "HEAD" else method,
            target=target,
            headers=headers,
            body=body,
            host=headers.get("host", f"{server[0]}:{server[1]}"),
            source_ip=client[0],
        )
        event = build_event(request, route, params)
        self_call = client[0] == "127.0.0.1" and headers.get("user-agent") == SELF_AGENT
        result = await self._invoke(route.function, event, self_call)
        return _as_http_response(result)

    async def _invoke(self, function: str, event: dict[str, Any], self_call: bool) -> Any:
        request_id = event["requestContext"]["requestId"]
        try:
            return await self._pools[function].invoke(event, request_id, self_call)
        except Throttled as error:
            return error_response(503, "service_unavailable", str(error), **{"retry-after": "1"})
        except TimedOut as error:
            return error_response(504, "timeout", f"{function}: {error}")
        except (StartFailed, HandlerFailed) as error:
            log.error("%s failed: %s", function, getattr(error, "error", error))
            return error_response(500, "internal", "something went wrong on our side")

    async def _read_body(self, receive: Receive, headers: dict[str, str], cap: int) -> bytes:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._config.body_timeout_s
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            if "100-continue" not in headers.get("expect", "").lower():
                await self._drain(receive, deadline)  # so the client reads the 413, not a reset
            raise _BodyError(_too_large(cap))
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await self._receive(receive, deadline)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > cap:
                await self._drain(receive, deadline, size)
                raise _BodyError(_too_large(cap))
            chunks.append(chunk)
            more = bool(message.get("more_body"))
        return b"".join(chunks)

    async def _receive(self, receive: Receive, deadline: float) -> dict[str, Any]:
        remaining = deadline - asyncio.get_running_loop().time()
        try:
            message = await asyncio.wait_for(receive(), max(remaining, 0.001))
        except TimeoutError:
            raise _BodyError(
                error_response(
                    408,
                    "request_timeout",
                    "the body did not arrive in time",
                    "body",
                    connection="close",
                )
            ) from None
        if message["type"] == "http.disconnect":
            raise _BodyError(error_response(400, "disconnected", "the client went away"))
        return message

    async def _drain(self, receive: Receive, deadline: float, read: int = 0) -> None:
        more = True
        while more and read < _DRAIN_LIMIT:
            try:
                message = await self._receive(receive, deadline)
            except _BodyError:
                return
            read += len(message.get("body", b""))
            more = bool(message.get("more_body"))

    async def _local(
        self, method: str, path: str, scope: Scope, receive: Receive
    ) -> dict[str, Any]:
        """Dev-only routes: stored images, the mailbox, and firing every schedule now."""
        if path in (MAILBOX, MAILBOX_JSON):
            return await self._mail(method, path, scope)
        if path.startswith(ASSETS_PREFIX):
            return await self._asset(method, path[len(ASSETS_PREFIX) :])
        if path.startswith(PRIVATE_PREFIX):
            return await self._private_blob(method, path[len(PRIVATE_PREFIX) :], scope)
        if path == SCHEDULES_RUN:
            if method != "POST":
                return _not_allowed(method, ("POST",))
            await self._read_body(receive, _headers(scope), self._config.max_body_bytes)
            fired = await self._run_schedules() if self._run_schedules else []
            return _json(200, {"fired": fired})
        return error_response(404, "not_found", "no such route")

    async def _mail(self, method: str, path: str, scope: Scope) -> dict[str, Any]:
        from urllib.parse import parse_qs

        from .mailbox import mailbox_json, mailbox_page

        if method not in ("GET", "HEAD"):
            return _not_allowed(method, ("GET", "HEAD"))
        if self._mailbox is None:
            return error_response(404, "not_found", "this platform keeps no mailbox")
        query = parse_qs(scope["query_string"].decode("latin-1"))
        to = (query.get("to") or [None])[0]
        if path == MAILBOX_JSON:
            body = await asyncio.to_thread(mailbox_json, self._mailbox, to)
            content_type = "application/json"
        else:
            body = await asyncio.to_thread(mailbox_page, self._mailbox, to)
            content_type = "text/html; charset=utf-8"
        headers = {
            "content-type": content_type,
            "cache-control": "no-store",
            "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
            "x-content-type-options": "nosniff",
        }
        return {"statusCode": 200, "headers": headers, "body": body.decode("utf-8")}

    async def _private_blob(self, method: str, key: str, scope: Scope) -> dict[str, Any]:
        """A signed, unexpired link only; a bad or expired one is a 403, as S3 answers."""
        from urllib.parse import parse_qs

        if method not in ("GET", "HEAD"):
            return _not_allowed(method, ("GET", "HEAD"))
        if self._private is None:
            return error_response(404, "not_found", "this platform keeps no private documents")
        query = {k: v[0] for k, v in parse_qs(scope["query_string"].decode("latin-1")).items()}
        opened = await asyncio.to_thread(self._private.open_link, key, query)
        if opened is None:
            return error_response(403, "forbidden", "this link is not valid or has expired")
        path, name = opened
        body = await asyncio.to_thread(path.read_bytes)
        return {
            "statusCode": 200,
            "headers": {
                "content-type": "application/pdf",
                "content-disposition": f'attachment; filename="{name}"',
                "cache-control": "private, no-store",
                "x-content-type-options": "nosniff",
                "content-security-policy": "default-src 'none'; sandbox",
            },
            "body": base64.b64encode(body).decode("ascii"),
            "isBase64Encoded": True,
        }

    async def _asset(self, method: str, key: str) -> dict[str, Any]:
        if method not in ("GET", "HEAD"):
            return _not_allowed(method, ("GET", "HEAD"))
        asset = None
        if self._assets is not None and valid_key(key):
            asset = await asyncio.to_thread(self._assets.get, key)
        if asset is None:
            return error_response(404, "not_found", "no such asset")
        return {
            "statusCode": 200,
            "headers": {"content-type": asset.content_type, **ASSET_HEADERS},
            "body": base64.b64encode(asset.body).decode("ascii"),
            "isBase64Encoded": True,
        }


def _headers(scope: Scope) -> dict[str, str]:
    """Repeated headers joined with commas (cookies with `; `), as API Gateway does."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        if name in headers:
            joiner = "; " if name == "cookie" else ","
            headers[name] = f"{headers[name]}{joiner}{value}"
        else:
            headers[name] = value
    return headers


def _json(status: int, body: Any, **headers: str) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"content-type": "application/json", **headers},
        "body": json.dumps(body, separators=(",", ":")),
    }


def _not_allowed(method: str, allowed: tuple[str, ...]) -> dict[str, Any]:
    return error_response(
        405,
        "method_not_allowed",
        f"{method} is not allowed here",
        "method",
        allow=", ".join(allowed),
    )


def _too_large(cap: int) -> dict[str, Any]:
    return error_response(
        413, "payload_too_large", f"the body is over {cap} bytes", "body", connection="close"
    )


def _as_http_response(result: Any) -> dict[str, Any]:
    """Payload 2.0: a result without `statusCode` is a 200 whose body is the result as JSON."""
    if isinstance(result, dict) and "statusCode" in result:
        return result
    return _json(200, result)


async def _send_response(send: Send, response: dict[str, Any], head: bool) -> None:
    raw = response.get("body") or ""
    data = base64.b64decode(raw) if response.get("isBase64Encoded") else str(raw).encode("utf-8")
    headers: list[tuple[bytes, bytes]] = []
    singles = dict(response.get("headers") or {})
    for name, values in (response.get("multiValueHeaders") or {}).items():
        singles[name] = ", ".join(values)
    for name, value in singles.items():
        if name.lower() not in ("content-length", "transfer-encoding"):
            headers.append((name.lower().encode("latin-1"), str(value).encode("latin-1")))
    for cookie in response.get("cookies") or []:
        headers.append((b"set-cookie", cookie.encode("latin-1")))
    headers.append((b"content-length", str(len(data)).encode("ascii")))
    await send(
        {
            "type": "http.response.start",
            "status": int(response.get("statusCode", 200)),
            "headers": headers,
        }
    )
    await send({"type": "http.response.body", "body": b"" if head else data})


def _send_at_once(transport: asyncio.BaseTransport) -> None:
    """TCP_NODELAY on the accepted socket. An answer goes out as two writes (head, then body);
    with Nagle's algorithm on, a short body waited for the client to acknowledge the head,
    which clients delay by up to 40 ms: every small answer on a kept-alive connection took
    about 44 ms instead of 2 or 3."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _protocol(head_timeout_s: float) -> type[H11Protocol]:
    class HeadDeadline(H11Protocol):
        """Closes a connection whose request head is not complete `head_timeout_s` after it
        opened (or after its last response): idle and one-byte-a-second clients go away."""

        _timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            _send_at_once(transport)
            self._arm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            if self._timer:
                self._timer.cancel()
            super().connection_lost(exc)

        def _arm(self) -> None:
            if self._timer:
                self._timer.cancel()
            self._timer = self.loop.call_later(head_timeout_s, self._expire, self.cycle)

        def _expire(self, armed_with: object) -> None:
            self._timer = None
            waiting = self.cycle is None or self.cycle.response_complete
            if self.cycle is armed_with and waiting and not self.transport.is_closing():
                self.transport.close()

    return HeadDeadline


class LoopThread:
    """The front's event loop on a thread of its own; other threads hand it coroutines."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="front-loop", daemon=True
        )
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self.loop.close()


class FrontServer:
    """uvicorn on 127.0.0.1 only, on a socket bound first: the port (0 works) is known before
    the handlers' environment is made, since their public base URL holds it."""

    def __init__(
        self,
        loop: LoopThread,
        config: FrontConfig,
        port: int,
        cert_file: Path | None = None,
        key_file: Path | None = None,
    ) -> None:
        self._loop = loop
        self._config = config
        self._tls = (str(cert_file), str(key_file)) if cert_file and key_file else None
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", port))
        self.port: int = self._socket.getsockname()[1]
        self._server: uvicorn.Server | None = None
        self._serving: concurrent.futures.Future[None] | None = None

    def start(self, app: Front, timeout: float = 10) -> None:
        server = self._server = uvicorn.Server(
            uvicorn.Config(
                app,
                http=_protocol(self._config.head_timeout_s),
                lifespan="off",
                log_config=None,
                log_level="warning",
                access_log=False,
                server_header=False,
                timeout_keep_alive=max(1, int(self._config.keep_alive_s)),
                timeout_graceful_shutdown=2,
                ssl_certfile=self._tls[0] if self._tls else None,
                ssl_keyfile=self._tls[1] if self._tls else None,
            )
        )
        serving = self._serving = asyncio.run_coroutine_threadsafe(
            server.serve(sockets=[self._socket]), self._loop.loop
        )
        deadline = time.monotonic() + timeout
        while not server.started:
            if serving.done():
                serving.result()  # raises what stopped it
                raise RuntimeError("the front stopped while starting")
            if time.monotonic() > deadline:
                raise RuntimeError("the front did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._serving is not None:
            try:
                self._serving.result(timeout=5)
            except Exception:
                log.exception("the front did not stop cleanly")
        self._socket.close()
