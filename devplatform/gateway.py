"""API Gateway (HTTP API, payload 2.0) semantics shared by the local front and the tests: routing
from the template's HttpApi events and the event each request becomes.

`Gateway` calls the handlers in this process, one at a time (the integration tests use it on
`mock_aws`); the local platform's front runs them in worker processes instead.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import template
from .lambda_runtime import Handler, LambdaContext

__all__ = ["Gateway", "HttpRequest", "LambdaContext", "Router", "build_event"]

_TEXT_TYPES = re.compile(
    r"^(text/|application/(json|ld\+json|xml|x-www-form-urlencoded)|.*\+(json|xml)$)"
)


@dataclass(frozen=True)
class CompiledRoute:
    route: template.Route
    pattern: re.Pattern[str]


def _compile(route: template.Route) -> CompiledRoute:
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(route.path))
    return CompiledRoute(route, re.compile(f"^{regex}$"))


@dataclass(frozen=True)
class MethodNotAllowed:
    """The path exists, with other methods."""

    allowed: tuple[str, ...]


class Router:
    """Matches a method and path to a route as API Gateway does; HEAD is served by GET."""

    def __init__(self, routes: list[template.Route], default: template.Route | None = None) -> None:
        self._routes = [_compile(r) for r in routes]
        self._default = default

    def match(
        self, method: str, path: str
    ) -> tuple[template.Route, dict[str, str]] | MethodNotAllowed | None:
        method = "GET" if method == "HEAD" else method
        allowed: set[str] = set()
        for compiled in self._routes:
            found = compiled.pattern.match(path)
            if not found:
                continue
            if compiled.route.method == method:
                return compiled.route, found.groupdict()
            allowed.add(compiled.route.method)
        if allowed:
            if "GET" in allowed:
                allowed.add("HEAD")
            return MethodNotAllowed(tuple(sorted(allowed)))
        # A path no route has goes to `$default` when the template has one, as on API Gateway
        # (which also sends it a method a path lacks; locally that stays a 405 with `Allow`).
        return (self._default, {}) if self._default else None


@dataclass(frozen=True)
class HttpRequest:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    host: str
    source_ip: str = "127.0.0.1"


def error_response(
    status: int, code: str, message: str, field: str | None = None, **headers: str
) -> dict[str, Any]:
    """A Lambda-style response with the API's error body, for answers the front gives itself."""
    error: dict[str, str] = {"code": code, "message": message}
    if field is not None:
        error["field"] = field
    return {
        "statusCode": status,
        "headers": {"content-type": "application/json", **headers},
        "body": json.dumps({"error": error}, separators=(",", ":")),
    }


def _load_in_process(function: template.Function) -> Handler:
    """The handler module under a name of its own: every function's module is called `app`."""
    module_file, attribute = function.handler.rsplit(".", 1)
    path = function.code_uri / f"{module_file}.py"
    spec = importlib.util.spec_from_file_location(f"functions_{function.logical_id}", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {path}")
    module: ModuleType = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    handler: Handler = getattr(module, attribute)
    return handler


class Gateway:
    """Routes as the template's HttpApi events say, builds the 2.0 event, calls the handler."""

    def __init__(self, source: template.Template | None = None) -> None:
        source = source or template.read()
        self._router = Router(source.routes(), source.default_route())
        self._functions = {f.logical_id: f for f in source.functions()}
        self._handlers: dict[str, Handler] = {}
        self._invocation = threading.Lock()

    def handler(self, logical_id: str) -> Handler:
        if logical_id not in self._handlers:
            self._handlers[logical_id] = _load_in_process(self._functions[logical_id])
        return self._handlers[logical_id]

    def match(
        self, method: str, path: str
    ) -> tuple[template.Route, dict[str, str]] | MethodNotAllowed | None:
        return self._router.match(method, path)

    def invoke(self, request: HttpRequest) -> dict[str, Any]:
        split = urlsplit(request.target)
        matched = self.match(request.method, split.path)
        if matched is None:
            return error_response(404, "not_found", "no such route")
        if isinstance(matched, MethodNotAllowed):
            return error_response(
                405,
                "method_not_allowed",
                f"{request.method} is not allowed here",
                allow=", ".join(matched.allowed),
            )
        route, params = matched
        event = build_event(request, route, params)
        context = LambdaContext(function_name=route.function)
        # Lambda runs one invocation per process at a time; Powertools relies on that (it keeps
        # the current event in a class attribute), so the in-process gateway runs one at a time.
        with self._invocation:
            response: dict[str, Any] = self.handler(route.function)(event, context)
        return response


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
