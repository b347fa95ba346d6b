"""Claim function: the recipient's pages (claim, sign-in, backpack) and `/v1/me`."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.utilities.typing import LambdaContext

from badgehub.routers import recipient
from badgehub.runtime.http import install_error_table
from badgehub.runtime.observability import observed

app = APIGatewayHttpResolver()
install_error_table(app)
app.include_router(recipient.router)


@observed
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
