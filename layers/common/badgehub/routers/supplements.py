"""The Diploma Supplement's public URLs: the short-lived download and the signed statement.

Both answer only what `recipients.disclose` allows the link's viewer (the statement: anyone,
while the graduate shows it); everyone else gets the same 404 as for a badge with none.
"""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from ..runtime import wiring

router = Router()
_PRIVATE = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
}


@router.get("/assertions/<assertion_id>/supplement/download")
def download(assertion_id: str) -> Response[str]:
    """Checks the link and the graduate's choice now, then hands over to storage for a minute."""
    from ..usecases import supplements

    event = router.current_event
    query = {name: event.get_query_string_value(name) for name in ("v", "for", "exp", "sig")}
    location = supplements.open_download(assertion_id, query, ports=wiring.ports())
    return Response(302, "text/plain; charset=utf-8", "", {"Location": location, **_PRIVATE})


@router.get("/assertions/<assertion_id>/supplement/statement")
def statement(assertion_id: str) -> Response[str]:
    """The issuer's compact JWS (ES256, its DID's key) over the PDF's SHA-384 and the badge."""
    from ..usecases import supplements

    token = supplements.public_statement(assertion_id, ports=wiring.ports())
    headers = {
        "Cache-Control": "no-cache",
        "X-Robots-Tag": "noindex",
        "Access-Control-Allow-Origin": "*",
    }
    return Response(200, "application/jwt", token, headers)
