"""Who is calling: the platform admin, or one issuer through its API key."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from ..domain import apikeys
from ..domain.errors import Forbidden, Unauthenticated
from ..ports import ApiKeyStore


@dataclass(frozen=True)
class Principal:
    is_admin: bool = False
    issuer_id: str | None = None


def authenticate(authorization: str | None, admin_key_hash: str, keys: ApiKeyStore) -> Principal:
    """Reads `Authorization: Bearer <key>`; any doubt is a 401 that says what is missing."""
    if not authorization:
        raise Unauthenticated(
            "send an API key as 'Authorization: Bearer <key>'", field="Authorization"
        )
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated(
            "use the Bearer scheme: 'Authorization: Bearer <key>'", field="Authorization"
        )
    if admin_key_hash and hmac.compare_digest(apikeys.hash_secret(token), admin_key_hash):
        return Principal(is_admin=True)
    parsed = apikeys.parse(token)
    if parsed is not None:
        key_id, secret = parsed
        stored = keys.get_api_key(key_id)
        if stored is not None and apikeys.secret_matches(secret, stored.secret_hash):
            return Principal(issuer_id=stored.issuer_id)
    raise Unauthenticated("the API key is not valid", field="Authorization")


def require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden("this needs the platform admin key")


def require_issuer(principal: Principal, issuer_id: str) -> None:
    """Issuer keys act only on their own issuer's resources."""
    if principal.is_admin:
        raise Forbidden(
            "the platform admin key manages issuers; act for an issuer with its own API key"
        )
    if principal.issuer_id != issuer_id:
        raise Forbidden("this API key belongs to another issuer")
