"""The API reference, public: `GET /openapi.json`, the `/docs` page and the page's files."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from ..domain.errors import NotFound
from ..runtime.negotiation import language

router = Router()

# The document changes only with a deployment: five minutes' caching, then revalidated.
SPEC_CACHE = "public, max-age=300, must-revalidate"
# Asset names carry their digest: a new file is a new name.
ASSET_CACHE = "public, max-age=31536000, immutable"


@router.get("/openapi.json")
def openapi_document() -> Response[str]:
    from ..web import api_docs

    headers = {"Access-Control-Allow-Origin": "*", "Cache-Control": SPEC_CACHE}
    return Response(200, "application/json", api_docs.openapi_json(), headers)


@router.get("/docs")
def docs_page() -> Response[str]:
    from ..web import api_docs
    from ..web.pages import accessibility_url

    lang = language(router)
    # Links relative to the host the page was opened on: the page reads no settings.
    page = api_docs.docs_page(lang, accessibility_url("/verify", lang))
    return Response(200, "text/html; charset=utf-8", page.html, page.headers)


@router.get("/docs/assets/<name>")
def docs_asset(name: str) -> Response[str]:
    from ..web import api_docs

    asset = api_docs.asset_named(name)
    if asset is None:
        raise NotFound("no such file", field="name")
    headers = {"Cache-Control": ASSET_CACHE, "X-Content-Type-Options": "nosniff"}
    return Response(200, asset.media_type, asset.body, headers)
