"""The accessibility statement: `GET /accessibility`, in English or Italian."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from ..runtime.http import public_urls
from ..runtime.negotiation import language
from ..runtime.settings import settings

router = Router()


@router.get("/accessibility")
def accessibility_statement() -> Response[str]:
    from ..web import pages

    assets = settings().assets_base().split("/", 3)
    page = pages.accessibility_page(
        language(router), public_urls(router).base + "/verify", f"{assets[0]}//{assets[2]}"
    )
    return Response(200, "text/html; charset=utf-8", page.html, page.headers)
