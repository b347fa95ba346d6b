"""Content negotiation: which representation of a URL a client gets, and in which language."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import BaseRouter


def accepts_only_plain_json(router: BaseRouter) -> bool:
    accept = (router.current_event.headers.get("accept") or "").lower()
    return "application/json" in accept and "+json" not in accept and "*/*" not in accept


def negotiated(router: BaseRouter, media_type: str) -> str:
    """JSON-LD types by default; plain JSON for clients that accept only that."""
    if media_type.endswith("json") and accepts_only_plain_json(router):
        return "application/json"
    return media_type


def wants_html(router: BaseRouter) -> bool:
    """A browser: text/html accepted before (or without) any JSON type."""
    accept = (router.current_event.headers.get("accept") or "").lower()
    return "text/html" in accept and "json" not in accept.split("text/html")[0]


def language(router: BaseRouter) -> str:
    from ..web import i18n

    return i18n.choose(
        router.current_event.get_query_string_value("lang"),
        router.current_event.headers.get("accept-language"),
    )
