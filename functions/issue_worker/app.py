"""Issue worker: batch rows from the queue, each issued once (partial batch failures), and
rows the dead-letter queue gives back counted as failed."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from badgehub.runtime.jobs import issue_batch_rows
from badgehub.runtime.observability import observed_job


@observed_job
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return issue_batch_rows(event, context)
