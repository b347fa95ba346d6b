"""Issuer API function: the `/v1` routes issuer portals call with their API keys."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.utilities.typing import LambdaContext

from badgehub.routers import batches, issuer_api, webhooks
from badgehub.runtime.http import install_error_table
from badgehub.runtime.observability import observed

app = APIGatewayHttpResolver()
install_error_table(app)
app.include_router(issuer_api.router)
app.include_router(webhooks.router)
app.include_router(batches.router)


@observed
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
