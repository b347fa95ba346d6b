"""The issuer API (`/v1`): issuers, keys, badge classes, issuing, listing and revoking."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from ..domain.events import Event
from ..domain.models import ApiKeyInput, AssertionInput, BadgeClassInput, IssuerInput, RevokeInput
from ..domain.supplements import Supplement
from ..domain.urls import PublicUrls
from ..runtime import views, wiring
from ..runtime.http import header, json_body, json_response, public_urls, query_int, raw_body
from ..runtime.observability import count, logger
from ..runtime.settings import admin_settings
from ..usecases import assertions, badges, issuers
from ..usecases.auth import Principal, authenticate

router = Router()


def caller() -> Principal:
    return authenticate(
        header(router, "authorization"),
        admin_settings().admin_api_key_hash,
        wiring.ports().api_keys,
    )


@router.post("/v1/issuers")
def create_issuer() -> Response[str]:
    urls = public_urls(router)
    issuer = issuers.create_issuer(
        caller(), json_body(router, IssuerInput), urls, ports=wiring.ports()
    )
    return json_response(201, views.issuer_view(issuer, urls))


@router.get("/v1/issuers/<issuer_id>")
def get_issuer(issuer_id: str) -> Response[str]:
    issuer = issuers.get_issuer(caller(), issuer_id, ports=wiring.ports())
    return json_response(200, views.issuer_view(issuer, public_urls(router)))


@router.get("/v1/issuers/<issuer_id>/keys")
def list_keys(issuer_id: str) -> Response[str]:
    keys = issuers.list_keys(caller(), issuer_id, ports=wiring.ports())
    urls = public_urls(router)
    return json_response(200, {"items": [views.key_view(key, urls) for key in keys]})


@router.post("/v1/issuers/<issuer_id>/keys/rotate")
def rotate_keys(issuer_id: str) -> Response[str]:
    keys = issuers.rotate_keys(caller(), issuer_id, ports=wiring.ports())
    urls = public_urls(router)
    return json_response(200, {"items": [views.key_view(key, urls) for key in keys]})


@router.post("/v1/issuers/<issuer_id>/api-keys")
def mint_api_key(issuer_id: str) -> Response[str]:
    principal = caller()
    data = json_body(router, ApiKeyInput, optional=True)
    key, token = issuers.mint_api_key(principal, issuer_id, data, ports=wiring.ports())
    return json_response(201, views.api_key_view(key, token), {"Cache-Control": "no-store"})


@router.post("/v1/issuers/<issuer_id>/badges")
def create_badge(issuer_id: str) -> Response[str]:
    principal = caller()
    data = json_body(router, BadgeClassInput)
    badge = badges.create_badge(principal, issuer_id, data, ports=wiring.ports())
    return json_response(201, views.badge_view(badge, public_urls(router)))


@router.get("/v1/badges/<badge_id>")
def get_badge(badge_id: str) -> Response[str]:
    badge = badges.get_owned_badge(caller(), badge_id, wiring.ports().badges)
    return json_response(200, views.badge_view(badge, public_urls(router)))


@router.post("/v1/badges/<badge_id>/assertions")
def issue_assertion(badge_id: str) -> Response[str]:
    principal = caller()
    urls = public_urls(router)
    issued = assertions.issue(
        principal,
        badge_id,
        json_body(router, AssertionInput),
        header(router, "idempotency-key"),
        urls,
        ports=wiring.ports(),
    )
    if not issued.replayed:
        count("BadgesIssued")
    if issued.mail is not None:
        send_now(issued.mail, urls)
    headers = {"Idempotent-Replayed": "true"} if issued.replayed else {}
    entry = assertions.recipient_entry(issued.assertion, wiring.ports())
    view = views.assertion_view(issued.assertion, issued.badge, urls, entry)
    return json_response(201, view, headers)


@router.post("/v1/assertions/<assertion_id>/resend")
def resend(assertion_id: str) -> Response[str]:
    urls = public_urls(router)
    issued, _ = assertions.resend(caller(), assertion_id, ports=wiring.ports())
    if issued.mail is not None:
        send_now(issued.mail, urls)
    entry = assertions.recipient_entry(issued.assertion, wiring.ports())
    return json_response(200, views.assertion_view(issued.assertion, issued.badge, urls, entry))


def send_now(mail: Event, urls: PublicUrls) -> None:
    """The badge e-mail goes out right after the badge is stored; if the mail service fails,
    the badge is issued all the same and the scheduled mailer retries (the outbox has it)."""
    from ..usecases import mailer

    try:
        mailer.deliver(mail, urls, wiring.mail_renderer(), ports=wiring.ports())
    except Exception:  # nothing after the badge is stored may fail the issue
        logger.exception("the badge e-mail will be retried", extra={"event": mail.id})


@router.get("/v1/badges/<badge_id>/assertions")
def list_assertions(badge_id: str) -> Response[str]:
    page, badge = assertions.list_assertions(
        caller(),
        badge_id,
        query_int(router, "limit", 25),
        router.current_event.get_query_string_value("cursor"),
        ports=wiring.ports(),
    )
    urls = public_urls(router)
    body = {
        "items": [
            views.assertion_view(a, badge, urls, assertions.recipient_entry(a, wiring.ports()))
            for a in page.items
        ],
        "nextCursor": page.next_cursor,
    }
    return json_response(200, body)


@router.get("/v1/assertions/<assertion_id>")
def get_assertion(assertion_id: str) -> Response[str]:
    assertion, badge = assertions.get_owned_assertion(caller(), assertion_id, ports=wiring.ports())
    entry = assertions.recipient_entry(assertion, wiring.ports())
    return json_response(200, views.assertion_view(assertion, badge, public_urls(router), entry))


@router.post("/v1/assertions/<assertion_id>/revoke")
def revoke_assertion(assertion_id: str) -> Response[str]:
    principal = caller()
    urls = public_urls(router)
    data = json_body(router, RevokeInput)
    assertion, badge = assertions.revoke(principal, assertion_id, data, urls, ports=wiring.ports())
    count("BadgesRevoked")
    entry = assertions.recipient_entry(assertion, wiring.ports())
    return json_response(200, views.assertion_view(assertion, badge, urls, entry))


# The Diploma Supplement ----------------------------------------------------------------------


def _supplement_view(found: Supplement, urls: PublicUrls, current: bool) -> dict[str, object]:
    from ..usecases.supplements import statement_url

    return {
        "assertionId": found.assertion_id,
        "version": found.version,
        "digest": found.digest,
        "size": found.size,
        "mediaType": "application/pdf",
        "attachedAt": found.attached_at.isoformat(),
        "withdrawnAt": found.withdrawn_at.isoformat() if found.withdrawn_at else None,
        "current": current,
        "statement": found.statement,
        "statementUrl": statement_url(urls, found.assertion_id),
    }


@router.put("/v1/assertions/<assertion_id>/supplement")
def attach_supplement(assertion_id: str) -> Response[str]:
    from ..domain.supplements import MAX_SUPPLEMENT_BYTES
    from ..usecases import supplements

    principal = caller()
    urls = public_urls(router)
    attached = supplements.attach(
        principal,
        assertion_id,
        raw_body(router, MAX_SUPPLEMENT_BYTES),
        header(router, "content-type"),
        urls,
        ports=wiring.ports(),
    )
    count("SupplementsAttached")
    return json_response(
        201 if attached.version == 1 else 200, _supplement_view(attached, urls, True)
    )


@router.get("/v1/assertions/<assertion_id>/supplement")
def get_supplement(assertion_id: str) -> Response[str]:
    """The current PDF, through a short-lived link (a PDF of 10 MiB cannot pass through
    Lambda's 6 MB response): clients follow the 303."""
    from ..usecases import supplements

    version = router.current_event.get_query_string_value("version")
    link = supplements.issuer_link(
        caller(),
        assertion_id,
        query_int(router, "version", 0) if version is not None else None,
        public_urls(router),
        ports=wiring.ports(),
    )
    return Response(
        303, "text/plain; charset=utf-8", "", {"Location": link, "Cache-Control": "no-store"}
    )


@router.get("/v1/assertions/<assertion_id>/supplement/versions")
def supplement_versions(assertion_id: str) -> Response[str]:
    from ..usecases import supplements

    found = supplements.versions(caller(), assertion_id, ports=wiring.ports())
    urls = public_urls(router)
    latest = found[-1].version if found else 0
    items = [_supplement_view(s, urls, s.version == latest and s.current) for s in found]
    return json_response(200, {"items": items}, {"Cache-Control": "no-store"})


@router.delete("/v1/assertions/<assertion_id>/supplement")
def withdraw_supplement(assertion_id: str) -> Response[str]:
    from ..usecases import supplements

    withdrawn = supplements.withdraw(caller(), assertion_id, ports=wiring.ports())
    return json_response(200, _supplement_view(withdrawn, public_urls(router), False))
