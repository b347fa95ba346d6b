"""Public documents: Open Badges 2.0 issuer, badge class and assertion at their id URLs."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from badgehub.runtime import wiring
from badgehub.runtime.http import install_error_table, json_response, logger, public_urls
from badgehub.usecases import public
from badgehub.usecases.public import PublicDocument

app = APIGatewayHttpResolver()
install_error_table(app)

LD_JSON = "application/ld+json"


def negotiated_type() -> str:
    """JSON-LD by default; plain JSON for clients that accept only that."""
    accept = (app.current_event.headers.get("accept") or "").lower()
    if "application/json" in accept and LD_JSON not in accept and "*/*" not in accept:
        return "application/json"
    return LD_JSON


def document_response(document: PublicDocument) -> Response[str]:
    headers = {
        "Access-Control-Allow-Origin": "*",
        "Cache-Control": "public, max-age=60" if document.status == 200 else "no-cache",
        "Vary": "Accept",
    }
    return json_response(document.status, document.body, headers, negotiated_type())


@app.get("/health")
def health() -> Response[str]:
    return json_response(200, {"status": "ok"})


@app.get("/issuers/<issuer_id>")
def issuer_profile(issuer_id: str) -> Response[str]:
    return document_response(public.issuer_document(issuer_id, wiring.store(), public_urls(app)))


@app.get("/badges/<badge_id>")
def badge_class(badge_id: str) -> Response[str]:
    return document_response(public.badge_document(badge_id, wiring.store(), public_urls(app)))


@app.get("/assertions/<assertion_id>")
def assertion(assertion_id: str) -> Response[str]:
    return document_response(
        public.assertion_document(assertion_id, wiring.store(), public_urls(app))
    )


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
