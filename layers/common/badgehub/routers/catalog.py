"""Every HTTP route, once: which function serves it, from which router.

`template.yaml`'s HttpApi events, the routers' registered routes, `PublicUrls` and the
verifier's own-documents lookup are all held to this list by `tests/unit/test_routes.py`.
Paths use the routers' `<name>` syntax; the template writes the same path as `{name}`.
"""

from __future__ import annotations

from dataclasses import dataclass

ISSUE = "IssueFunction"
VERIFY = "VerifyFunction"
CLAIM = "ClaimFunction"
SHARE = "ShareFunction"


@dataclass(frozen=True)
class Route:
    function: str
    router: str
    method: str
    path: str

    @property
    def template_path(self) -> str:
        return self.path.replace("<", "{").replace(">", "}")


def _routes(function: str, router: str, *pairs: tuple[str, str]) -> list[Route]:
    return [Route(function, router, method, path) for method, path in pairs]


ROUTES: tuple[Route, ...] = (
    *_routes(
        ISSUE,
        "issuer_api",
        ("POST", "/v1/issuers"),
        ("GET", "/v1/issuers/<issuer_id>"),
        ("GET", "/v1/issuers/<issuer_id>/keys"),
        ("POST", "/v1/issuers/<issuer_id>/keys/rotate"),
        ("POST", "/v1/issuers/<issuer_id>/api-keys"),
        ("POST", "/v1/issuers/<issuer_id>/badges"),
        ("GET", "/v1/badges/<badge_id>"),
        ("POST", "/v1/badges/<badge_id>/assertions"),
        ("GET", "/v1/badges/<badge_id>/assertions"),
        ("GET", "/v1/assertions/<assertion_id>"),
        ("POST", "/v1/assertions/<assertion_id>/revoke"),
        ("POST", "/v1/assertions/<assertion_id>/resend"),
    ),
    # The Diploma Supplement: the issuer's API, and its public (policy-checked) URLs.
    *_routes(
        ISSUE,
        "issuer_api",
        ("PUT", "/v1/assertions/<assertion_id>/supplement"),
        ("GET", "/v1/assertions/<assertion_id>/supplement"),
        ("DELETE", "/v1/assertions/<assertion_id>/supplement"),
        ("GET", "/v1/assertions/<assertion_id>/supplement/versions"),
    ),
    *_routes(
        VERIFY,
        "supplements",
        ("GET", "/assertions/<assertion_id>/supplement/download"),
        ("GET", "/assertions/<assertion_id>/supplement/statement"),
    ),
    *_routes(
        ISSUE,
        "webhooks",
        ("POST", "/v1/issuers/<issuer_id>/webhooks"),
        ("GET", "/v1/issuers/<issuer_id>/webhooks"),
        ("GET", "/v1/webhooks/<webhook_id>"),
        ("DELETE", "/v1/webhooks/<webhook_id>"),
        ("GET", "/v1/webhooks/<webhook_id>/deliveries"),
        ("POST", "/v1/webhooks/<webhook_id>/deliveries/<delivery_id>/redeliver"),
    ),
    *_routes(
        ISSUE,
        "batches",
        ("POST", "/v1/badges/<badge_id>/batches"),
        ("POST", "/v1/badges/<badge_id>/batches/uploads"),
        ("POST", "/v1/batches/<batch_id>/start"),
        ("GET", "/v1/batches/<batch_id>"),
        ("GET", "/v1/batches/<batch_id>/errors"),
    ),
    *_routes(
        VERIFY,
        "public_documents",
        ("GET", "/health"),
        ("GET", "/issuers/<issuer_id>"),
        ("GET", "/issuers/<issuer_id>/keys/<key_id>"),
        ("GET", "/issuers/<issuer_id>/did.json"),
        ("GET", "/issuers/<issuer_id>/revocations"),
        ("GET", "/issuers/<issuer_id>/status/<list_number>"),
        ("GET", "/issuers/<issuer_id>/jwks.json"),
        ("GET", "/badges/<badge_id>"),
        ("GET", "/assertions/<assertion_id>"),
        ("GET", "/assertions/<assertion_id>/jws"),
        ("GET", "/assertions/<assertion_id>/credential"),
        ("GET", "/assertions/<assertion_id>/credential/jwt"),
        ("GET", "/assertions/<assertion_id>/baked"),
        ("GET", "/assertions/<assertion_id>/credential/baked"),
    ),
    *_routes(
        VERIFY,
        "verification",
        ("GET", "/verify"),
        ("POST", "/verify"),
        ("POST", "/v1/verify"),
    ),
    *_routes(VERIFY, "accessibility", ("GET", "/accessibility")),
    *_routes(VERIFY, "landing", ("GET", "/"), ("GET", "/openapi.yaml")),
    # The API reference: the OpenAPI document, Swagger UI's page and the page's own files.
    *_routes(
        VERIFY,
        "api_docs",
        ("GET", "/openapi.json"),
        ("GET", "/docs"),
        ("GET", "/docs/assets/<name>"),
    ),
    *_routes(
        CLAIM,
        "recipient",
        ("GET", "/claim/<token>"),
        ("POST", "/claim/<token>"),
        ("GET", "/signin"),
        ("POST", "/signin"),
        ("GET", "/signin/<token>"),
        ("POST", "/signin/<token>"),
        ("POST", "/signout"),
        ("GET", "/backpack"),
        ("POST", "/backpack/<assertion_id>"),
        ("POST", "/backpack/import"),
        ("POST", "/backpack/imports/<import_id>/remove"),
        ("GET", "/v1/me/assertions"),
        ("PATCH", "/v1/me/assertions/<assertion_id>"),
    ),
    *_routes(
        SHARE,
        "share",
        ("GET", "/share/<assertion_id>"),
        ("GET", "/share/<assertion_id>/preview.png"),
        ("GET", "/share/<assertion_id>/instagram.png"),
        ("GET", "/share/<assertion_id>/qr.svg"),
        ("GET", "/share/<assertion_id>/qr.png"),
        ("GET", "/share/<assertion_id>/print"),
        ("GET", "/embed/<assertion_id>"),
        ("GET", "/oembed"),
    ),
)

# API Gateway's `$default` route (whatever no route matches) goes to this function, whose
# error table gives browsers a page where software gets the JSON 404.
DEFAULT_ROUTE_FUNCTION = VERIFY

# Public documents: served to anyone, and answered from the store when we verify our own badges.
DOCUMENTS = frozenset(
    r.path
    for r in ROUTES
    if r.router == "public_documents" and r.path != "/health" and not r.path.endswith("/baked")
)


def routes_of(function: str) -> list[Route]:
    return [r for r in ROUTES if r.function == function]
