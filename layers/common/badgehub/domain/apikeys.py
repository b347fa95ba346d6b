"""Issuer API keys: `bh_<key id>_<secret>`, shown once, stored as a SHA-256 of the secret."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

PREFIX = "bh"


@dataclass(frozen=True)
class MintedKey:
    key_id: str
    token: str
    secret_hash: str


def hash_secret(secret: str) -> str:
    """A fast hash is right here: the secret is 256 random bits, not a guessable password."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def mint() -> MintedKey:
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return MintedKey(key_id, f"{PREFIX}_{key_id}_{secret}", hash_secret(secret))


def parse(token: str) -> tuple[str, str] | None:
    """Splits a presented token into (key id, secret); None when it is not ours in shape."""
    prefix, sep, rest = token.partition("_")
    key_id, sep2, secret = rest.partition("_")
    if prefix != PREFIX or not sep or not sep2 or len(key_id) != 16 or not secret:
        return None
    return key_id, secret


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)
