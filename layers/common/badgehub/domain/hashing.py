"""Recipient identity hashing (Open Badges IdentityObject, `sha256$` + hex)."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def normalise_email(email: str) -> str:
    """E-mail case is unspecified by Open Badges; we hash the trimmed, lower-cased address."""
    return email.strip().lower()


def new_salt() -> str:
    return secrets.token_hex(16)


def hash_identity(identity: str, salt: str) -> str:
    digest = hashlib.sha256((identity + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def hash_email(email: str, salt: str) -> str:
    return hash_identity(normalise_email(email), salt)


def identity_matches(identity_hash: str, identity: str, salt: str) -> bool:
    """Checks a plaintext identity against a `sha256$`/`md5$` hash, as verifiers do."""
    algorithm, _, expected = identity_hash.partition("$")
    if algorithm not in ("sha256", "md5") or not expected:
        return False
    actual = hashlib.new(algorithm, (identity + salt).encode("utf-8")).hexdigest()
    return same_secret(actual, expected.lower())


def same_secret(expected: str, presented: str) -> bool:
    """Constant-time equality for a value from outside: anything that is not the expected text
    (non-ASCII, an unpaired surrogate from JSON) is a mismatch, never an error."""
    return hmac.compare_digest(
        expected.encode("utf-8", "surrogatepass"), presented.encode("utf-8", "surrogatepass")
    )
