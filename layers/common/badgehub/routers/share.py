"""Sharing, for anyone: the share page, its pictures and QR codes, the embed card, oEmbed and
the print view. Everything answers only while the policy lists the badge for anyone, and
nothing here is cached past that: making a badge private turns every URL into a 404 at once.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from ..domain.errors import DomainError, InvalidInput, NotFound
from ..runtime import wiring
from ..runtime.http import error_body, header, image_origins, json_response, public_urls
from ..runtime.negotiation import language
from ..usecases import analytics, share

if TYPE_CHECKING:
    from ..domain.previews import Shape
    from ..usecases.share import Shared
    from ..web.pages import Page
    from ..web.share_pages import ShareView

router = Router()
HTML = "text/html; charset=utf-8"
# Pictures: stored by no one on the way (each request checks visibility), revalidated by ETag.
IMAGE_CACHING = "no-cache"
_ID = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


def _verify_url() -> str:
    return public_urls(router).base + "/verify"


def _html(page: Page, status: int = 200) -> Response[str]:
    return Response(status, HTML, page.html, page.headers)


def _missing() -> Response[str]:
    from ..web.share_pages import missing_page

    return _html(missing_page(language(router), _verify_url(), image_origins()), 404)


def _found(assertion_id: str) -> Shared | None:
    if not _ID.match(assertion_id):
        return None
    try:
        return share.shared(assertion_id, ports=wiring.ports())
    except NotFound:
        return None


def _verdict(assertion_id: str) -> str:
    """The verifier's own check of our badge, as its verification page runs it."""
    from ..usecases.own_documents import OwnDocumentsFetcher
    from ..usecases.verify import Url, verify

    urls = public_urls(router)
    fetcher = OwnDocumentsFetcher(wiring.ports(), urls, wiring.fetcher(urls.base))
    report = verify(
        Url(urls.assertion(assertion_id)), fetcher, wiring.ports().clock.now(), None, urls.base
    )
    return report.verdict.value


def _view(found: Shared) -> ShareView:
    from ..domain.recipients import Viewer
    from ..usecases.supplements import public_view
    from ..web.share_pages import share_view

    urls = public_urls(router)
    verdict = _verdict(found.assertion.id)
    supplement = public_view(found.assertion.id, Viewer.ANYONE, urls, ports=wiring.ports())
    return share_view(found, urls, verdict, language(router), supplement)


@router.get("/share/<assertion_id>")
def share_page(assertion_id: str) -> Response[str]:
    from ..web.share_pages import share_page as render

    found = _found(assertion_id)
    if found is None:
        return _missing()
    counting = analytics.record(
        assertion_id, "share_view", header(router, "user-agent"), ports=wiring.ports()
    )
    page = _html(render(_view(found), language(router), _verify_url(), image_origins()))
    counting.settle()
    return page


@router.get("/share/<assertion_id>/print")
def print_view(assertion_id: str) -> Response[str]:
    from ..web.share_pages import print_page

    found = _found(assertion_id)
    if found is None:
        return _missing()
    return _html(print_page(_view(found), language(router), _verify_url(), image_origins()))


@router.get("/embed/<assertion_id>")
def embed_card(assertion_id: str) -> Response[str]:
    from ..web.share_pages import embed_page

    found = _found(assertion_id)
    if found is None:
        return _missing()
    return _html(embed_page(_view(found), language(router), _verify_url(), image_origins()))


def _image(data: bytes, content_type: str, filename: str | None = None) -> Response[Any]:
    tag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
    headers = {
        "Cache-Control": IMAGE_CACHING,
        "ETag": tag,
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    }
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    if header(router, "if-none-match") == tag:
        return Response(304, content_type, b"", headers)
    return Response(200, content_type, data, headers)


def _picture(assertion_id: str, shape: Shape, filename: str | None = None) -> Response[Any]:
    found = _found(assertion_id)
    if found is None:
        return _missing()
    data = share.picture(found, shape, ports=wiring.ports())
    return _image(data, "image/png", filename)


@router.get("/share/<assertion_id>/preview.png")
def preview(assertion_id: str) -> Response[Any]:
    from ..domain.previews import Shape

    return _picture(assertion_id, Shape.PREVIEW)


@router.get("/share/<assertion_id>/instagram.png")
def instagram(assertion_id: str) -> Response[Any]:
    from ..domain.previews import Shape

    return _picture(assertion_id, Shape.SQUARE, f"badge-{assertion_id}-instagram.png")


@router.get("/share/<assertion_id>/qr.svg")
def qr_svg(assertion_id: str) -> Response[Any]:
    from ..domain.previews import qr_svg as draw
    from ..web import i18n

    if _found(assertion_id) is None:
        return _missing()
    title = i18n.MESSAGES[language(router)]["share.qr"].format(kind="SVG")
    data = draw(public_urls(router).assertion(assertion_id), title)
    return _image(data, "image/svg+xml")


@router.get("/share/<assertion_id>/qr.png")
def qr_png(assertion_id: str) -> Response[Any]:
    from ..domain.previews import qr_png as draw

    if _found(assertion_id) is None:
        return _missing()
    return _image(draw(public_urls(router).assertion(assertion_id)), "image/png")


def _shared_id(url: str | None) -> str:
    """The assertion id of one of our share page URLs; anything else is not ours to embed."""
    if not url:
        raise InvalidInput("give the share page's address as url", field="url")
    base = urlsplit(public_urls(router).share("x")[: -len("/x")])
    given = urlsplit(url)
    prefix = base.path + "/"
    if (
        (given.scheme, given.netloc) != (base.scheme, base.netloc)
        or not given.path.startswith(prefix)
        or not _ID.match(given.path[len(prefix) :])
    ):
        raise NotFound("this url is not a share page of this platform", field="url")
    return given.path[len(prefix) :]


def _bound(name: str, default: int) -> int:
    value = router.current_event.get_query_string_value(name)
    if value is None:
        return default
    if not value.isdigit() or not 0 < int(value) <= 10_000:
        raise InvalidInput(f"{name} must be a whole number of pixels", field=name)
    return min(default, int(value))


@router.get("/oembed")
def oembed() -> Response[str]:
    """oEmbed 1.0 for our share pages: a "rich" iframe of the embed card."""
    from ..web.share_pages import (
        EMBED_HEIGHT,
        EMBED_WIDTH,
        PREVIEW_HEIGHT,
        PREVIEW_WIDTH,
        embed_snippet,
        shared_badge,
    )

    headers = {"Cache-Control": "no-store", "Access-Control-Allow-Origin": "*"}
    try:
        fmt = router.current_event.get_query_string_value("format") or "json"
        if fmt == "xml":
            body = error_body("not_implemented", "only format=json is served", "format")
            return json_response(501, body, headers)
        if fmt != "json":
            raise InvalidInput("format must be json", field="format")
        assertion_id = _shared_id(router.current_event.get_query_string_value("url"))
        width, height = _bound("maxwidth", EMBED_WIDTH), _bound("maxheight", EMBED_HEIGHT)
        found = share.shared(assertion_id, ports=wiring.ports())
    except DomainError as error:
        status = 404 if isinstance(error, NotFound) else 400
        return json_response(status, error_body(error.code, error.message, error.field), headers)
    urls = public_urls(router)
    badge = shared_badge(found, urls)
    html = embed_snippet(badge, urls.embed(assertion_id), language(router))
    html = html.replace(f'width="{EMBED_WIDTH}"', f'width="{width}"').replace(
        f'height="{EMBED_HEIGHT}"', f'height="{height}"'
    )
    body = {
        "version": "1.0",
        "type": "rich",
        "title": badge.name,
        "author_name": badge.issuer_name,
        "author_url": badge.issuer_url,
        "provider_name": "Open Badges",
        "provider_url": urls.base,
        "html": html,
        "width": width,
        "height": height,
        "thumbnail_url": badge.preview_url,
        "thumbnail_width": PREVIEW_WIDTH,
        "thumbnail_height": PREVIEW_HEIGHT,
    }
    return json_response(200, body, headers)
