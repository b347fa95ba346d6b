"""Events function: on its schedule, sends issuer-portal events to the bus and to webhooks."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from badgehub.runtime.jobs import send_events
from badgehub.runtime.observability import observed_job


@observed_job
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return send_events(context.get_remaining_time_in_millis())
