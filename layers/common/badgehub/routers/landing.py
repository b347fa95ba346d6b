"""The platform's front door for browsers: `/`, the API description, and the page for lost URLs.

Software keeps getting JSON everywhere; only a browser (text/html before any JSON type in
Accept) gets these pages.
"""

from __future__ import annotations

from importlib import resources

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import BaseRouter, Router

from ..runtime.http import image_origins, json_response, public_urls
from ..runtime.negotiation import language, wants_html

router = Router()
OPENAPI = "application/yaml"


@router.get("/")
def landing() -> Response[str]:
    from ..web import pages

    base = public_urls(router).base
    if not wants_html(router):
        return json_response(
            200,
            {
                "verify": base + "/v1/verify",
                "openapi": base + "/openapi.json",
                "docs": base + "/docs",
            },
        )
    page = pages.landing_page(language(router), base + "/verify", image_origins(), base + "/docs")
    return Response(200, "text/html; charset=utf-8", page.html, page.headers)


@router.get("/openapi.yaml")
def openapi() -> Response[str]:
    """The API's OpenAPI 3.0 description, as `docs/openapi.yaml` in the repository."""
    text = resources.files("badgehub.data").joinpath("openapi.yaml").read_text(encoding="utf-8")
    headers = {"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"}
    return Response(200, OPENAPI, text, headers)


def not_found_page(app: BaseRouter) -> Response[str] | None:
    """For a browser's GET of an address with nothing at it: a page in its language (404)."""
    if app.current_event.http_method not in ("GET", "HEAD") or not wants_html(app):
        return None
    from ..web import pages

    base = public_urls(app).base
    lang = language(app)
    page = pages.not_found_page(lang, base + "/verify", image_origins(), base + "/")
    return Response(404, "text/html; charset=utf-8", page.html, page.headers)
