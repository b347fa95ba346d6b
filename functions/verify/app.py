"""Public documents: OB 2.0 hosted and signed, OB 3.0 credentials, keys, DIDs and status lists."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from badgehub.domain.errors import DomainError, InvalidInput, NotFound
from badgehub.domain.statuslist import TTL_MS
from badgehub.runtime import wiring
from badgehub.runtime.http import (
    install_error_table,
    json_body,
    json_object,
    json_response,
    logger,
    public_urls,
    raw_body,
    status_for,
)
from badgehub.runtime.settings import settings
from badgehub.usecases import public
from badgehub.usecases.public import PublicDocument

if TYPE_CHECKING:
    from badgehub.domain.verification.report import Report
    from badgehub.runtime.forms import FormData
    from badgehub.usecases.verify import VerifySubject
    from badgehub.web.pages import Page

# The verification engine, pyld and Jinja2 load on the first verification or page, not for
# every public document: documents are most of this function's traffic.

app = APIGatewayHttpResolver()
install_error_table(app)


def negotiated(media_type: str) -> str:
    """JSON-LD types by default; plain JSON for clients that accept only that."""
    if not media_type.endswith("json"):
        return media_type
    accept = (app.current_event.headers.get("accept") or "").lower()
    if "application/json" in accept and "+json" not in accept and "*/*" not in accept:
        return "application/json"
    return media_type


def document_response(document: PublicDocument) -> Response[str]:
    headers = {
        "Access-Control-Allow-Origin": "*",
        "Cache-Control": f"public, max-age={document.max_age}" if document.max_age else "no-cache",
        "Vary": "Accept",
    }
    if isinstance(document.body, str):
        return Response(document.status, document.media_type, document.body, headers)
    return json_response(document.status, document.body, headers, negotiated(document.media_type))


@app.get("/health")
def health() -> Response[str]:
    return json_response(200, {"status": "ok"})


@app.get("/issuers/<issuer_id>")
def issuer_profile(issuer_id: str) -> Response[str]:
    return document_response(public.issuer_document(issuer_id, wiring.store(), public_urls(app)))


@app.get("/issuers/<issuer_id>/keys/<key_id>")
def issuer_key(issuer_id: str, key_id: str) -> Response[str]:
    urls = public_urls(app)
    return document_response(public.key_document(issuer_id, key_id, wiring.store(), urls))


@app.get("/issuers/<issuer_id>/did.json")
def did_document(issuer_id: str) -> Response[str]:
    return document_response(public.did_document(issuer_id, wiring.store(), public_urls(app)))


@app.get("/issuers/<issuer_id>/revocations")
def revocation_list(issuer_id: str) -> Response[str]:
    urls = public_urls(app)
    return document_response(public.revocation_list_document(issuer_id, wiring.store(), urls))


@app.get("/issuers/<issuer_id>/status/<list_number>")
def status_list(issuer_id: str, list_number: str) -> Response[str]:
    if not list_number.isdigit():
        raise NotFound("no status list with this number", field="listNumber")
    document = public.status_list_document(
        issuer_id, int(list_number), wiring.store(), TTL_MS // 1000
    )
    return document_response(document)


@app.get("/.well-known/jwks.json")
def jwks() -> Response[str]:
    return document_response(public.jwks_document(wiring.store(), public_urls(app)))


@app.get("/badges/<badge_id>")
def badge_class(badge_id: str) -> Response[str]:
    return document_response(public.badge_document(badge_id, wiring.store(), public_urls(app)))


@app.get("/assertions/<assertion_id>")
def assertion(assertion_id: str) -> Response[str]:
    """JSON-LD for software; the verification page for a browser, on the same URL."""
    urls = public_urls(app)
    if wants_html():
        from badgehub.usecases.verify import Url

        public.assertion_document(assertion_id, wiring.store(), urls)  # 404 for unknown ids
        return verification_page(Url(urls.assertion(assertion_id)), None, links_for(assertion_id))
    return document_response(public.assertion_document(assertion_id, wiring.store(), urls))


def wants_html() -> bool:
    accept = (app.current_event.headers.get("accept") or "").lower()
    return "text/html" in accept and "json" not in accept.split("text/html")[0]


def language() -> str:
    from badgehub.web import i18n

    return i18n.choose(
        app.current_event.get_query_string_value("lang"),
        app.current_event.headers.get("accept-language"),
    )


def links_for(assertion_id: str) -> list[tuple[str, str]]:
    urls = public_urls(app)
    return [
        ("Open Badges 2.0 (JSON-LD)", urls.assertion(assertion_id)),
        ("Open Badges 2.0 signed (JWS)", urls.ob2_signed(assertion_id)),
        ("Open Badges 3.0 credential", urls.credential(assertion_id)),
        ("Open Badges 3.0 VC-JWT", urls.credential_jwt(assertion_id)),
    ]


def html_response(page: Page, status: int = 200) -> Response[str]:
    return Response(status, "text/html; charset=utf-8", page.html, page.headers)


def run_verification(subject: VerifySubject, email: str | None) -> Report:
    from badgehub.usecases.own_documents import OwnDocumentsFetcher
    from badgehub.usecases.verify import verify

    urls = public_urls(app)
    fetcher = OwnDocumentsFetcher(wiring.store(), urls, wiring.fetcher(urls.base))
    return verify(subject, fetcher, wiring.clock().now(), email, urls.base)


def verification_page(
    subject: VerifySubject, email: str | None, links: list[tuple[str, str]] | None = None
) -> Response[str]:
    from badgehub.web import pages
    from badgehub.web.verify_views import page_report

    report = run_verification(subject, email)
    page = pages.report_page(
        page_report(report),
        language(),
        public_urls(app).base + "/verify",
        image_origins(),
        links,
    )
    return html_response(page)


def image_origins() -> str:
    """Badge images may live on the assets host (a bucket or CDN), not only on https: URLs."""
    assets = settings().assets_base()
    return assets.split("/", 3)[0] + "//" + assets.split("/", 3)[2]


@app.get("/verify")
def verify_form() -> Response[str]:
    from badgehub.web import pages

    urls = public_urls(app)
    return html_response(pages.verify_form_page(language(), urls.base + "/verify", image_origins()))


@app.post("/verify")
def verify_form_submit() -> Response[str]:
    """The form: an uploaded image, pasted text or a URL; errors come back on the form."""
    from badgehub.runtime.forms import parse_multipart
    from badgehub.web import pages

    urls = public_urls(app)
    form = parse_multipart(raw_body(app), app.current_event.headers.get("content-type"))
    email = form.fields.get("email") or None
    try:
        return verification_page(subject_from_form(form), email)
    except DomainError as error:
        page = pages.verify_form_page(
            language(),
            urls.base + "/verify",
            image_origins(),
            error=error.message,
            text=form.fields.get("text"),
            url=form.fields.get("url"),
            email=email,
        )
        return html_response(page, status_for(error))


def subject_from_form(form: FormData) -> VerifySubject:
    from badgehub.usecases.verify import BakedImage, CompactToken, CredentialJson, Url

    if form.files.get("file"):
        return BakedImage(form.files["file"])
    text = form.fields.get("text", "")
    if text.startswith("{"):
        return CredentialJson(json_object(text.encode(), "text"))
    if text:
        return CompactToken(text)
    if form.fields.get("url"):
        return Url(form.fields["url"])
    raise InvalidInput("choose an image, paste a badge or give its web address", field="file")


@app.post("/v1/verify")
def verify_api() -> Response[str]:
    """JSON (`credential`, `jws` or `url`) or a baked image as the raw body."""
    from badgehub.runtime.views import VerifyRequest
    from badgehub.usecases.verify import BakedImage, CompactToken, CredentialJson, Url

    content_type = (app.current_event.headers.get("content-type") or "").split(";")[0].strip()
    email = app.current_event.get_query_string_value("recipient")
    if content_type in ("image/png", "image/svg+xml"):
        subject: VerifySubject = BakedImage(raw_body(app))
    else:
        body = json_body(app, VerifyRequest)
        email = body.recipient or email
        if body.credential is not None:
            subject = CredentialJson(body.credential)
        elif body.jws:
            subject = CompactToken(body.jws)
        elif body.url:
            subject = Url(body.url)
        else:
            raise InvalidInput("give one of credential, jws or url", field="credential")
    return json_response(200, run_verification(subject, email).to_json())


@app.get("/assertions/<assertion_id>/jws")
def ob2_signed(assertion_id: str) -> Response[str]:
    return document_response(public.signed_form(assertion_id, "ob2_jws", wiring.store()))


@app.get("/assertions/<assertion_id>/credential")
def credential(assertion_id: str) -> Response[str]:
    return document_response(public.signed_form(assertion_id, "credential", wiring.store()))


@app.get("/assertions/<assertion_id>/credential/jwt")
def credential_jwt(assertion_id: str) -> Response[str]:
    return document_response(public.signed_form(assertion_id, "credential_jwt", wiring.store()))


def download_response(version: str, assertion_id: str) -> Response[bytes]:
    # Imported on first download: the baker's parsers are not needed for documents.
    from badgehub.domain.baking import Version
    from badgehub.usecases import downloads

    fmt = app.current_event.get_query_string_value("format")
    download = downloads.baked_badge(
        assertion_id, Version(version), fmt, wiring.store(), wiring.blobs()
    )
    headers = {
        "Content-Disposition": f'attachment; filename="{download.filename}"',
        "Cache-Control": "no-cache",  # revocation must stop downloads at once
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    }
    return Response(200, download.content_type, download.data, headers)


@app.get("/assertions/<assertion_id>/baked")
def baked(assertion_id: str) -> Response[bytes]:
    return download_response("ob2", assertion_id)


@app.get("/assertions/<assertion_id>/credential/baked")
def baked_credential(assertion_id: str) -> Response[bytes]:
    return download_response("ob3", assertion_id)


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
