"""Batch upload function: a file PUT to its presigned upload URL starts its batch when S3 says
it landed (the API's `POST /v1/batches/{id}/start` does the same; a batch starts once)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from badgehub.runtime.jobs import start_uploaded_batches
from badgehub.runtime.observability import observed_job


@observed_job
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return start_uploaded_batches(event)
