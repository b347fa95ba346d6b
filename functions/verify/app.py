"""Public documents: OB 2.0 hosted and signed, OB 3.0 credentials, keys, DIDs and status lists."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from badgehub.domain.errors import NotFound
from badgehub.domain.statuslist import TTL_MS
from badgehub.runtime import wiring
from badgehub.runtime.http import install_error_table, json_response, logger, public_urls
from badgehub.usecases import public
from badgehub.usecases.public import PublicDocument

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
    urls = public_urls(app)
    return document_response(public.assertion_document(assertion_id, wiring.store(), urls))


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
