"""Bulk issuing for issuer portals and the CLI: post a file (or upload a large one), then
follow the batch's progress and fetch the rejected rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from ..domain.errors import InvalidInput
from ..runtime import wiring
from ..runtime.http import header, json_response, public_urls, raw_body
from ..runtime.observability import count
from ..runtime.settings import admin_settings
from ..usecases.auth import Principal, authenticate

if TYPE_CHECKING:
    from ..usecases.batches import BatchView

router = Router()


def caller() -> Principal:
    return authenticate(
        header(router, "authorization"),
        admin_settings().admin_api_key_hash,
        wiring.ports().api_keys,
    )


def _flag(name: str, default: bool) -> bool:
    value = router.current_event.get_query_string_value(name)
    if value is None:
        return default
    if value.lower() not in ("true", "false"):
        raise InvalidInput(f"{name} must be true or false", field=name)
    return value.lower() == "true"


def _upload_kind() -> str:
    """The file's media type, named exactly as the document lists it (CSV when not given)."""
    from ..domain import batches as rows

    value = router.current_event.get_query_string_value("contentType")
    if value is None:
        return rows.CSV
    if value not in rows.MEDIA_TYPES:
        raise InvalidInput(
            f"contentType must be one of {', '.join(rows.MEDIA_TYPES)}", field="contentType"
        )
    return value


def batch_view(view: BatchView) -> dict[str, Any]:
    batch, counts = view.batch, view.counts
    base = public_urls(router).base
    body: dict[str, Any] = {
        "id": batch.id,
        "badgeId": batch.badge_id,
        "status": batch.status.value,
        "dryRun": batch.dry_run,
        "total": batch.total,
        "issued": counts.issued,
        "skipped": counts.skipped,
        "failed": counts.failed,
        "pending": max(batch.total - counts.settled, 0) if not batch.dry_run else 0,
        "createdAt": batch.created_at.isoformat(),
        "updatedAt": batch.updated_at.isoformat(),
        "completedAt": batch.completed_at.isoformat() if batch.completed_at else None,
        "links": {
            "self": f"{base}/v1/batches/{batch.id}",
            "errors": f"{base}/v1/batches/{batch.id}/errors",
        },
    }
    if batch.dry_run:
        body["valid"] = batch.total - counts.failed
    if batch.message:
        body["message"] = batch.message
    return body


@router.post("/v1/badges/<badge_id>/batches")
def create_batch(badge_id: str) -> Response[str]:
    from ..usecases import batches

    principal = caller()
    view = batches.create_batch(
        principal,
        badge_id,
        raw_body(router),
        header(router, "content-type"),
        dry_run=_flag("dryRun", False),
        notify=_flag("notify", True),
        ports=wiring.ports(),
    )
    count("BatchesCreated")
    return json_response(202, batch_view(view), {"Location": f"/v1/batches/{view.batch.id}"})


@router.post("/v1/badges/<badge_id>/batches/uploads")
def create_upload(badge_id: str) -> Response[str]:
    from ..usecases import batches

    principal = caller()
    view, url = batches.create_upload(
        principal,
        badge_id,
        _upload_kind(),
        dry_run=_flag("dryRun", False),
        notify=_flag("notify", True),
        ports=wiring.ports(),
    )
    body = batch_view(view)
    body["upload"] = {
        "url": url,
        "method": "PUT",
        "headers": {"Content-Type": view.batch.media_type},
        "expiresIn": batches.UPLOAD_SECONDS,
    }
    return json_response(201, body, {"Cache-Control": "no-store"})


@router.post("/v1/batches/<batch_id>/start")
def start_batch(batch_id: str) -> Response[str]:
    from ..usecases import batches

    view = batches.start_upload(caller(), batch_id, ports=wiring.ports())
    return json_response(202, batch_view(view))


@router.get("/v1/batches/<batch_id>")
def get_batch(batch_id: str) -> Response[str]:
    from ..usecases import batches

    view = batches.get_batch(caller(), batch_id, ports=wiring.ports())
    return json_response(200, batch_view(view), {"Cache-Control": "no-store"})


@router.get("/v1/batches/<batch_id>/errors")
def batch_errors(batch_id: str) -> Response[str]:
    from ..domain import batches as rows
    from ..usecases import batches

    found = batches.batch_errors(caller(), batch_id, ports=wiring.ports())
    return Response(
        status_code=200,
        content_type="text/csv; charset=utf-8",
        body=rows.errors_csv(found),
        headers={
            "Content-Disposition": f'attachment; filename="batch-{batch_id}-errors.csv"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
