"""Notify function: on its schedule, sends the notices that are due, within one bounded run."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from badgehub.runtime.jobs import send_due_notices
from badgehub.runtime.observability import observed_job


@observed_job
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return send_due_notices(context.get_remaining_time_in_millis())
