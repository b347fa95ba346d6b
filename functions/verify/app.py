"""Verify function: public documents at their ids, downloads, and verification for anyone."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.utilities.typing import LambdaContext

from badgehub.routers import (
    accessibility,
    api_docs,
    landing,
    public_documents,
    supplements,
    verification,
)
from badgehub.runtime.http import install_error_table
from badgehub.runtime.observability import observed

app = APIGatewayHttpResolver()
install_error_table(app, landing.not_found_page)
app.include_router(public_documents.router)
app.include_router(verification.router)
app.include_router(accessibility.router)
app.include_router(supplements.router)
app.include_router(landing.router)
app.include_router(api_docs.router)


@observed
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
