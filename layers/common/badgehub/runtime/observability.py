"""Structured logs with a correlation id per request, and metrics as CloudWatch EMF.

No log line may carry an e-mail address, a token or a key: a filter redacts them from every
record of the `badgehub` loggers and of Powertools' logger, whatever a caller passes in.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import cache, wraps
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger

if TYPE_CHECKING:
    from aws_lambda_powertools import Metrics
    from aws_lambda_powertools.utilities.typing import LambdaContext

SERVICE = "badgehub"
NAMESPACE = "badgehub"
CORRELATION_HEADER = "x-correlation-id"
_SECRETS = [
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[email]"),
    (re.compile(r"(?i)(bearer\s+)\S+"), r"\1[token]"),
    (re.compile(r"\bbh_[A-Za-z0-9_-]{8,}"), "[api-key]"),
    (re.compile(r"(/(?:claim|signin)/)[A-Za-z0-9_-]{16,}"), r"\1[token]"),
]
_CORRELATION = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    return value


class RedactingFilter(logging.Filter):
    """Rewrites the message, its arguments and every extra field before any handler sees them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.args:
            record.args = (
                tuple(_scrub(a) for a in record.args)
                if isinstance(record.args, tuple)
                else _scrub(record.args)
            )
        for name, value in list(vars(record).items()):
            if name not in _STANDARD and isinstance(value, str | dict | list):
                setattr(record, name, _scrub(value))
        return True


_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message"}

logger = Logger(service=SERVICE)
logger.addFilter(RedactingFilter())
_ours = logging.getLogger(SERVICE)
_ours.addFilter(RedactingFilter())
for _handler in logger.handlers:
    _handler.addFilter(RedactingFilter())


@cache
def metrics() -> Metrics:
    """EMF metrics, loaded on the first metric (documents and pages need none)."""
    from aws_lambda_powertools import Metrics

    return Metrics(namespace=NAMESPACE, service=SERVICE)


_unflushed: list[str] = []


def count(name: str, value: float = 1) -> None:
    from aws_lambda_powertools.metrics import MetricUnit

    metrics().add_metric(name=name, unit=MetricUnit.Count, value=value)
    _unflushed.append(name)


def correlation_id(event: dict[str, Any]) -> str:
    """The caller's id when it sent a well-formed one, else API Gateway's request id."""
    headers = event.get("headers") or {}
    sent = headers.get(CORRELATION_HEADER) or ""
    if _CORRELATION.fullmatch(sent):
        return str(sent)
    return str((event.get("requestContext") or {}).get("requestId") or "")


EVERY_RESPONSE = {
    "X-Content-Type-Options": "nosniff",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    # API answers carry e-mail addresses and names: nothing may keep them unless a route says
    # so (public documents and images set their own caching).
    "Cache-Control": "no-store",
}

Handler = Callable[[dict[str, Any], "LambdaContext"], dict[str, Any]]


def observed(handler: Handler) -> Handler:
    """The Lambda entry point: context and correlation id in every log line, the id echoed
    back in `X-Correlation-Id`, and the request's metrics flushed as one EMF document."""

    @logger.inject_lambda_context(clear_state=True)
    @wraps(handler)
    def entry(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        correlation = correlation_id(event)
        logger.set_correlation_id(correlation)
        try:
            response = handler(event, context)
        finally:
            if _unflushed:
                _unflushed.clear()
                metrics().flush_metrics()
        headers = response.setdefault("headers", {})
        if correlation:
            headers["X-Correlation-Id"] = correlation
        for name, value in EVERY_RESPONSE.items():
            headers.setdefault(name, value)
        return response

    return entry


Job = Callable[[dict[str, Any], "LambdaContext"], dict[str, Any]]


def observed_job(job: Job) -> Job:
    """A scheduled function's entry point: context in every log line, metrics flushed."""

    @logger.inject_lambda_context(clear_state=True)
    @wraps(job)
    def entry(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        try:
            return job(event, context)
        finally:
            if _unflushed:
                _unflushed.clear()
                metrics().flush_metrics()

    return entry
