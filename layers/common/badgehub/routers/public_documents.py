"""Public documents at their id URLs (no auth, no private data) and baked badge downloads.

A badge's own URL also serves the verification page to browsers (content negotiation).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from ..domain.errors import NotFound
from ..domain.statuslist import TTL_MS
from ..runtime import wiring
from ..runtime.http import header, image_origins, json_response, public_urls
from ..runtime.negotiation import language, negotiated, wants_html
from ..usecases import analytics, public
from ..usecases.analytics import Recording, Surface
from ..usecases.public import PublicDocument

if TYPE_CHECKING:
    from ..web.pages import Page

router = Router()


def document_response(document: PublicDocument) -> Response[str]:
    headers = {
        "Access-Control-Allow-Origin": "*",
        "Cache-Control": f"public, max-age={document.max_age}" if document.max_age else "no-cache",
        "Vary": "Accept",
    }
    if isinstance(document.body, str):
        return Response(document.status, document.media_type, document.body, headers)
    media_type = negotiated(router, document.media_type)
    return json_response(document.status, document.body, headers, media_type)


@router.get("/health")
def health() -> Response[str]:
    return json_response(200, {"status": "ok"})


def html_page(what: str, render: Callable[[str, str, str], Page]) -> Response[str]:
    """A page for a browser, in its language; an unknown id is an HTML 404 in that language."""
    from ..web import public_pages

    lang = language(router)
    verify_url = public_urls(router).base + "/verify"
    try:
        page, status = render(lang, verify_url, image_origins()), 200
    except NotFound:
        page, status = public_pages.not_found_page(lang, what, verify_url, image_origins()), 404
    return Response(status, "text/html; charset=utf-8", page.html, page.headers)


@router.get("/issuers/<issuer_id>")
def issuer_profile(issuer_id: str) -> Response[str]:
    """The Profile (JSON-LD) for software; the issuer's public page for a browser."""
    urls = public_urls(router)
    if wants_html(router):
        from ..web import public_pages

        def render(lang: str, verify_url: str, origins: str) -> Page:
            view = public.issuer_page(issuer_id, ports=wiring.ports(), urls=urls)
            return public_pages.issuer_page(view, lang, urls, verify_url, origins)

        return html_page("issuer", render)
    key = router.current_event.get_query_string_value("key")
    document = public.issuer_document(issuer_id, ports=wiring.ports(), urls=urls, signing_key=key)
    return document_response(document)


@router.get("/issuers/<issuer_id>/keys/<key_id>")
def issuer_key(issuer_id: str, key_id: str) -> Response[str]:
    urls = public_urls(router)
    document = public.key_document(issuer_id, key_id, ports=wiring.ports(), urls=urls)
    return document_response(document)


@router.get("/issuers/<issuer_id>/did.json")
def did_document(issuer_id: str) -> Response[str]:
    urls = public_urls(router)
    return document_response(public.did_document(issuer_id, ports=wiring.ports(), urls=urls))


@router.get("/issuers/<issuer_id>/revocations")
def revocation_list(issuer_id: str) -> Response[str]:
    urls = public_urls(router)
    document = public.revocation_list_document(issuer_id, ports=wiring.ports(), urls=urls)
    return document_response(document)


@router.get("/issuers/<issuer_id>/status/<list_number>")
def status_list(issuer_id: str, list_number: str) -> Response[str]:
    if not list_number.isdigit():
        raise NotFound("no status list with this number", field="listNumber")
    document = public.status_list_document(
        issuer_id, int(list_number), ports=wiring.ports(), ttl_seconds=TTL_MS // 1000
    )
    return document_response(document)


@router.get("/issuers/<issuer_id>/jwks.json")
def jwks(issuer_id: str) -> Response[str]:
    document = public.jwks_document(issuer_id, ports=wiring.ports(), urls=public_urls(router))
    return document_response(document)


@router.get("/badges/<badge_id>")
def badge_class(badge_id: str) -> Response[str]:
    """The BadgeClass (JSON-LD) for software; its public page, with criteria, for a browser."""
    urls = public_urls(router)
    if wants_html(router):
        from ..web import public_pages

        def render(lang: str, verify_url: str, origins: str) -> Page:
            view = public.badge_page(badge_id, ports=wiring.ports())
            return public_pages.badge_class_page(view, lang, urls, verify_url, origins)

        return html_page("badge", render)
    key = router.current_event.get_query_string_value("key")
    document = public.badge_document(badge_id, ports=wiring.ports(), urls=urls, signing_key=key)
    return document_response(document)


@router.get("/assertions/<assertion_id>")
def assertion(assertion_id: str) -> Response[str]:
    """JSON-LD for software; the verification page for a browser, on the same URL."""
    urls = public_urls(router)
    document = public.assertion_document(assertion_id, ports=wiring.ports(), urls=urls)
    if wants_html(router):
        from .verification import badge_page

        # Counted alongside the verification (it exists: the document was found), never waited on.
        counting = count_view(assertion_id, "verification_view")
        page = badge_page(assertion_id)
        counting.settle()
        return page
    return document_response(document)


def count_view(assertion_id: str, surface: Surface) -> Recording:
    """Earner analytics for one of our badges; see `usecases.analytics`."""
    return analytics.record(
        assertion_id, surface, header(router, "user-agent"), ports=wiring.ports()
    )


@router.get("/assertions/<assertion_id>/jws")
def ob2_signed(assertion_id: str) -> Response[str]:
    return document_response(public.signed_form(assertion_id, "ob2_jws", ports=wiring.ports()))


@router.get("/assertions/<assertion_id>/credential")
def credential(assertion_id: str) -> Response[str]:
    return document_response(public.signed_form(assertion_id, "credential", ports=wiring.ports()))


@router.get("/assertions/<assertion_id>/credential/jwt")
def credential_jwt(assertion_id: str) -> Response[str]:
    document = public.signed_form(assertion_id, "credential_jwt", ports=wiring.ports())
    return document_response(document)


def download_response(version: str, assertion_id: str) -> Response[bytes]:
    # Imported on first download: the baker's parsers are not needed for documents.
    from ..domain.baking import Version
    from ..usecases import downloads

    fmt = router.current_event.get_query_string_value("format")
    download = downloads.baked_badge(assertion_id, Version(version), fmt, ports=wiring.ports())
    count_view(assertion_id, "download").settle()
    headers = {
        "Content-Disposition": f'attachment; filename="{download.filename}"',
        "Cache-Control": "no-cache",  # revocation must stop downloads at once
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    }
    return Response(200, download.content_type, download.data, headers)


@router.get("/assertions/<assertion_id>/baked")
def baked(assertion_id: str) -> Response[bytes]:
    return download_response("ob2", assertion_id)


@router.get("/assertions/<assertion_id>/credential/baked")
def baked_credential(assertion_id: str) -> Response[bytes]:
    return download_response("ob3", assertion_id)
