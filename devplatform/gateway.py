"""A small API Gateway (HTTP API, payload 2.0) in front of the real handlers, in-process."""

from __future__ import annotations

import base64
import importlib.util
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import template

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
MAX_BODY = 10 * 1024 * 1024  # API Gateway's own payload limit
_TEXT_TYPES = re.compile(
    r"^(text/|application/(json|ld\+json|xml|x-www-form-urlencoded)|.*\+(json|xml)$)"
)


@dataclass
class LambdaContext:
    """The attributes Powertools reads from a Lambda context."""

    function_name: str
    memory_limit_in_mb: int = 512
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    invoked_function_arn: str = ""
    log_group_name: str = ""
    log_stream_name: str = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 15_000


@dataclass(frozen=True)
class CompiledRoute:
    route: template.Route
    pattern: re.Pattern[str]


def _compile(route: template.Route) -> CompiledRoute:
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(route.path))
    return CompiledRoute(route, re.compile(f"^{regex}$"))


def load_handler(function: template.Function) -> Handler:
    module_file, attribute = function.handler.rsplit(".", 1)
    path = function.code_uri / f"{module_file}.py"
    spec = importlib.util.spec_from_file_location(f"functions_{function.logical_id}", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {path}")
    module: ModuleType = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    handler: Handler = getattr(module, attribute)
    return handler


@dataclass(frozen=True)
class HttpRequest:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    host: str
    source_ip: str = "127.0.0.1"


class Gateway:
    """Routes as the template's HttpApi events say, builds the 2.0 event, calls the handler."""

    def __init__(self) -> None:
        self._routes = [_compile(r) for r in template.routes()]
        self._functions = {f.logical_id: f for f in template.functions()}
        self._handlers: dict[str, Handler] = {}
        self._invocation = threading.Lock()

    def handler(self, logical_id: str) -> Handler:
        if logical_id not in self._handlers:
            self._handlers[logical_id] = load_handler(self._functions[logical_id])
        return self._handlers[logical_id]

    def match(self, method: str, path: str) -> tuple[template.Route, dict[str, str]] | None:
        for compiled in self._routes:
            if compiled.route.method != method:
                continue
            found = compiled.pattern.match(path)
            if found:
                return compiled.route, found.groupdict()
        return None

    def invoke(self, request: HttpRequest) -> dict[str, Any]:
        split = urlsplit(request.target)
        matched = self.match(request.method, split.path)
        if matched is None:
            return {
                "statusCode": 404,
                "headers": {"content-type": "application/json"},
                "body": '{"error":{"code":"not_found","message":"no such route"}}',
            }
        route, params = matched
        event = build_event(request, route, params)
        context = LambdaContext(function_name=route.function)
        # Lambda runs one invocation per process at a time; Powertools relies on that (it keeps
        # the current event in a class attribute), so the local gateway runs one at a time too.
        with self._invocation:
            return self.handler(route.function)(event, context)


def build_event(
    request: HttpRequest, route: template.Route, path_parameters: dict[str, str]
) -> dict[str, Any]:
    split = urlsplit(request.target)
    headers = {k.lower(): v for k, v in request.headers.items()}
    cookies = [c.strip() for c in headers.pop("cookie", "").split(";") if c.strip()]
    query: dict[str, str] = {}
    for key, value in parse_qsl(split.query, keep_blank_values=True):
        query[key] = f"{query[key]},{value}" if key in query else value
    content_type = headers.get("content-type", "")
    is_text = bool(_TEXT_TYPES.match(content_type.split(";")[0].strip().lower()))
    body: str | None = None
    encoded = False
    if request.body:
        if is_text:
            try:
                body = request.body.decode("utf-8")
            except UnicodeDecodeError:
                is_text = False
        if not is_text:
            body, encoded = base64.b64encode(request.body).decode("ascii"), True
    now = time.time()
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": split.path,
        "rawQueryString": split.query,
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": request.host,
            "domainPrefix": request.host.split(".")[0],
            "http": {
                "method": request.method,
                "path": split.path,
                "protocol": "HTTP/1.1",
                "sourceIp": request.source_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route.route_key,
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "pathParameters": path_parameters or None,
        "isBase64Encoded": encoded,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = query
    if body is not None:
        event["body"] = body
    return event


def make_http_server(gateway: Gateway, host: str, port: int) -> ThreadingHTTPServer:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "badgehub-local"

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in separate writes: without this, Nagle's algorithm and
            # the client's delayed ACK add ~40 ms to every keep-alive response.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            if length > MAX_BODY:
                self._write(
                    413,
                    {"content-type": "application/json"},
                    b'{"error":{"code":"payload_too_large","message":"request body too large"}}',
                )
                return
            body = self.rfile.read(length) if length else b""
            request = HttpRequest(
                method=self.command,
                target=self.path,
                headers=dict(self.headers.items()),
                body=body,
                host=self.headers.get("host", f"{host}:{port}"),
                source_ip=self.client_address[0],
            )
            response = gateway.invoke(request)
            raw = response.get("body") or ""
            data = base64.b64decode(raw) if response.get("isBase64Encoded") else raw.encode("utf-8")
            headers = dict(response.get("headers") or {})
            for name, values in (response.get("multiValueHeaders") or {}).items():
                headers[name] = ", ".join(values)
            cookies = response.get("cookies") or []
            self._write(int(response.get("statusCode", 200)), headers, data, cookies)

        def _write(
            self,
            status: int,
            headers: dict[str, str],
            data: bytes,
            cookies: list[str] | None = None,
        ) -> None:
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() not in ("content-length", "connection"):
                    self.send_header(name, value)
            for cookie in cookies or []:
                self.send_header("Set-Cookie", cookie)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if not getattr(self, "head_only", False):
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve  # noqa: N815

        def do_HEAD(self) -> None:
            self.head_only = True
            self.command = "GET"
            self._serve()

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the handlers log structured lines themselves."""

    return ThreadingHTTPServer((host, port), _Handler)
