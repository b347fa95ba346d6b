"""HTTP edge shared by every function: body parsing, the error table, JSON responses."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import BaseRouter
from pydantic import BaseModel, ValidationError

from ..domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Gone,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    ServiceUnavailable,
    TooManyRequests,
    Unauthenticated,
    UnsupportedMediaType,
)
from ..domain.urls import PublicUrls
from .observability import count, logger
from .settings import settings

M = TypeVar("M", bound=BaseModel)
JSON = "application/json"

STATUS: dict[type[DomainError], int] = {
    InvalidInput: 400,
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    Gone: 410,
    PayloadTooLarge: 413,
    UnsupportedMediaType: 415,
    TooManyRequests: 429,
    ServiceUnavailable: 503,
}


def error_body(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        error["field"] = field
    return {"error": error}


def json_response(
    status: int, body: Any, headers: dict[str, str] | None = None, content_type: str = JSON
) -> Response[str]:
    return Response(
        status_code=status,
        content_type=content_type,
        body=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        headers=headers or {},
    )


def status_for(error: DomainError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 400


BrowserPage = Callable[[BaseRouter], "Response[str] | None"]


def install_error_table(
    app: APIGatewayHttpResolver, not_found_page: BrowserPage | None = None
) -> None:
    """One place maps every failure to a status and `{"error": {code, message, field}}`.

    `not_found_page`, where a function serves people: what a browser gets instead of the JSON
    404 (an unknown route or id), or None to answer JSON as for software.
    """

    def _page_for_browsers() -> Response[str] | None:
        return not_found_page(app) if not_found_page else None

    @app.exception_handler(DomainError)
    def _domain(error: DomainError) -> Response[str]:
        if isinstance(error, NotFound) and (page := _page_for_browsers()):
            return page
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, Unauthenticated) else {}
        if isinstance(error, TooManyRequests):
            headers["Retry-After"] = str(error.retry_after)
        if isinstance(error, ServiceUnavailable):
            count("DependencyFailures")
        return json_response(
            status_for(error), error_body(error.code, error.message, error.field), headers
        )

    @app.exception_handler(ValidationError)
    def _validation(error: ValidationError) -> Response[str]:
        first = error.errors(include_url=False)[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        message = first["msg"]
        if first["type"] == "missing":
            message = "this field is required"
        elif first["type"] == "extra_forbidden":
            message = "unknown field"
        return json_response(400, error_body("invalid_input", message, field))

    @app.not_found
    def _not_found(_: Exception) -> Response[str]:
        return _page_for_browsers() or json_response(404, error_body("not_found", "no such route"))

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response[str]:
        logger.exception("unhandled error", extra={"path": app.current_event.path})
        return json_response(500, error_body("internal", "something went wrong on our side"))


JSON_MAX_BYTES = 2 * 1024 * 1024  # JSON bodies stay small where a function takes large files


def raw_body(app: BaseRouter, limit: int | None = None) -> bytes:
    """The body's bytes, refused (413) past `limit`, or past the function's cap by default."""
    event = app.current_event
    body = event.body or ""
    cap = settings().max_body_bytes if limit is None else limit
    if len(body) > cap * 4 // 3 + 4:  # refuse before decoding what cannot fit anyway
        raise PayloadTooLarge(f"the body is over {cap} bytes", field="body")
    data = base64.b64decode(body) if event.is_base64_encoded else body.encode("utf-8")
    if len(data) > cap:
        raise PayloadTooLarge(f"the body is over {cap} bytes", field="body")
    return data


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def json_body(app: BaseRouter, model: type[M], *, optional: bool = False) -> M:
    """Strict JSON (no NaN/Infinity), an object at the top, then the pydantic model."""
    data = raw_body(app, min(settings().max_body_bytes, JSON_MAX_BYTES))
    if not data.strip() and optional:
        return model()
    content_type = (app.current_event.headers.get("content-type") or JSON).split(";")[0].strip()
    if content_type.lower() not in (JSON, "application/ld+json") and not content_type.endswith(
        "+json"
    ):
        raise UnsupportedMediaType("send the body as application/json", field="Content-Type")
    return model.model_validate(json_object(data, "body"))


def json_object(data: bytes, field: str) -> dict[str, Any]:
    """Strict JSON (no NaN/Infinity) with an object at the top."""
    try:
        parsed = json.loads(data, parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{field} is not valid JSON", field=field) from exc
    except RecursionError as exc:
        raise InvalidInput(f"{field} is nested too deeply", field=field) from exc
    if not isinstance(parsed, dict):
        raise InvalidInput(f"{field} must be a JSON object", field=field)
    return parsed


def public_urls(app: BaseRouter) -> PublicUrls:
    """Ids are absolute URLs on the configured public base, or on the host the request came to."""
    config = settings()
    context = app.current_event.get("requestContext") or {}
    base = config.base_url() or f"https://{context.get('domainName', '')}"
    return PublicUrls(base=base, assets=config.assets_base())


def header(app: BaseRouter, name: str) -> str | None:
    value = app.current_event.headers.get(name)
    return str(value) if value is not None else None


def query_int(app: BaseRouter, name: str, default: int) -> int:
    value = app.current_event.get_query_string_value(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise InvalidInput(f"{name} must be a whole number", field=name) from exc


def image_origins() -> str:
    """Where pages may load badge images from: the assets host (a bucket or CDN)."""
    assets = settings().assets_base()
    return assets.split("/", 3)[0] + "//" + assets.split("/", 3)[2]
