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
)

# Public documents: served to anyone, and answered from the store when we verify our own badges.
DOCUMENTS = frozenset(
    r.path
    for r in ROUTES
    if r.router == "public_documents" and r.path != "/health" and not r.path.endswith("/baked")
)


def routes_of(function: str) -> list[Route]:
    return [r for r in ROUTES if r.function == function]
