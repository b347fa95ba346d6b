"""Issuer API: issuers, API keys, badge classes, issuing, listing and revoking assertions."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from badgehub.domain.models import (
    ApiKeyInput,
    AssertionInput,
    BadgeClassInput,
    IssuerInput,
    RevokeInput,
)
from badgehub.runtime import views, wiring
from badgehub.runtime.http import (
    install_error_table,
    json_body,
    json_response,
    logger,
    public_urls,
    query_int,
)
from badgehub.runtime.settings import settings
from badgehub.usecases import assertions, badges, issuers
from badgehub.usecases.auth import Principal, authenticate

app = APIGatewayHttpResolver()
install_error_table(app)


def caller() -> Principal:
    return authenticate(
        app.current_event.headers.get("authorization"),
        settings().admin_api_key_hash,
        wiring.store(),
    )


@app.post("/v1/issuers")
def create_issuer() -> Response[str]:
    principal = caller()
    urls = public_urls(app)
    issuer = issuers.create_issuer(
        principal,
        json_body(app, IssuerInput),
        wiring.store(),
        wiring.blobs(),
        wiring.key_service(),
        urls,
        wiring.clock(),
    )
    return json_response(201, views.issuer_view(issuer, urls))


@app.get("/v1/issuers/<issuer_id>")
def get_issuer(issuer_id: str) -> Response[str]:
    issuer = issuers.get_issuer(caller(), issuer_id, wiring.store())
    return json_response(200, views.issuer_view(issuer, public_urls(app)))


@app.get("/v1/issuers/<issuer_id>/keys")
def list_keys(issuer_id: str) -> Response[str]:
    keys = issuers.list_keys(caller(), issuer_id, wiring.store())
    urls = public_urls(app)
    return json_response(200, {"items": [views.key_view(key, urls) for key in keys]})


@app.post("/v1/issuers/<issuer_id>/keys/rotate")
def rotate_keys(issuer_id: str) -> Response[str]:
    keys = issuers.rotate_keys(
        caller(), issuer_id, wiring.store(), wiring.key_service(), wiring.clock()
    )
    urls = public_urls(app)
    return json_response(200, {"items": [views.key_view(key, urls) for key in keys]})


@app.post("/v1/issuers/<issuer_id>/api-keys")
def mint_api_key(issuer_id: str) -> Response[str]:
    principal = caller()
    data = json_body(app, ApiKeyInput, optional=True)
    key, token = issuers.mint_api_key(principal, issuer_id, data, wiring.store(), wiring.clock())
    return json_response(201, views.api_key_view(key, token), {"Cache-Control": "no-store"})


@app.post("/v1/issuers/<issuer_id>/badges")
def create_badge(issuer_id: str) -> Response[str]:
    principal = caller()
    badge = badges.create_badge(
        principal,
        issuer_id,
        json_body(app, BadgeClassInput),
        wiring.store(),
        wiring.blobs(),
        wiring.clock(),
    )
    return json_response(201, views.badge_view(badge, public_urls(app)))


@app.get("/v1/badges/<badge_id>")
def get_badge(badge_id: str) -> Response[str]:
    badge = badges.get_owned_badge(caller(), badge_id, wiring.store())
    return json_response(200, views.badge_view(badge, public_urls(app)))


@app.post("/v1/badges/<badge_id>/assertions")
def issue_assertion(badge_id: str) -> Response[str]:
    principal = caller()
    store = wiring.store()
    assertion, replayed = assertions.issue(
        principal,
        badge_id,
        json_body(app, AssertionInput),
        app.current_event.headers.get("idempotency-key"),
        store,
        wiring.key_service(),
        public_urls(app),
        wiring.clock(),
    )
    badge = badges.get_owned_badge(principal, badge_id, store)
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return json_response(201, views.assertion_view(assertion, badge, public_urls(app)), headers)


@app.get("/v1/badges/<badge_id>/assertions")
def list_assertions(badge_id: str) -> Response[str]:
    principal = caller()
    store = wiring.store()
    page = assertions.list_assertions(
        principal,
        badge_id,
        query_int(app, "limit", 25),
        app.current_event.get_query_string_value("cursor"),
        store,
    )
    badge = badges.get_owned_badge(principal, badge_id, store)
    urls = public_urls(app)
    body = {
        "items": [views.assertion_view(a, badge, urls) for a in page.items],
        "nextCursor": page.next_cursor,
    }
    return json_response(200, body)


@app.get("/v1/assertions/<assertion_id>")
def get_assertion(assertion_id: str) -> Response[str]:
    principal = caller()
    store = wiring.store()
    assertion = assertions.get_owned_assertion(principal, assertion_id, store)
    badge = badges.get_owned_badge(principal, assertion.badge_id, store)
    return json_response(200, views.assertion_view(assertion, badge, public_urls(app)))


@app.post("/v1/assertions/<assertion_id>/revoke")
def revoke_assertion(assertion_id: str) -> Response[str]:
    principal = caller()
    store = wiring.store()
    assertion = assertions.revoke(
        principal,
        assertion_id,
        json_body(app, RevokeInput),
        store,
        wiring.key_service(),
        public_urls(app),
        wiring.clock(),
    )
    badge = badges.get_owned_badge(principal, assertion.badge_id, store)
    return json_response(200, views.assertion_view(assertion, badge, public_urls(app)))


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
