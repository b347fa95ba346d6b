"""Secrets handed to people in links and cookies: random, stored only as hashes, compared in
constant time, and never logged (the log filter redacts link tokens too)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from badgehub.domain.hashing import same_secret

CLAIM_LINK_LIFETIME = timedelta(days=30)  # a graduate may open the e-mail weeks later
SIGNIN_LINK_LIFETIME = timedelta(minutes=15)
SESSION_IDLE = timedelta(hours=2)
SESSION_ABSOLUTE = timedelta(days=7)
TOKEN_BYTES = 32  # 256 bits


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """SHA-256 is right: the token is 256 random bits, not a guessable password."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_token(token: str) -> bool:
    return 20 <= len(token) <= 100 and all(c.isalnum() or c in "-_" for c in token)


def csrf_token(key: bytes, bound_to: str) -> str:
    """A form token bound to one session (or one claim link): forged or replayed forms fail."""
    return hmac.new(key, bound_to.encode("utf-8"), hashlib.sha256).hexdigest()


def csrf_matches(key: bytes, bound_to: str, presented: str | None) -> bool:
    return bool(presented) and same_secret(csrf_token(key, bound_to), presented or "")


def recipient_key(key: bytes, email: str) -> str:
    """The backpack's partition for an address: keyed, so the table holds no plain address."""
    normalised = email.strip().lower()
    return hmac.new(key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()
