"""Issuer signing keys: what is stored about each (never the private part) and its public forms.

cryptography is imported inside the functions that need it, so reading a key record is cheap.
"""

from __future__ import annotations

import base64
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict


class Algorithm(StrEnum):
    """One key per use: RS256 for OB 2.0 JWS, Ed25519 for Data Integrity, ES256 for VC-JWT."""

    RS256 = "RS256"
    ED25519 = "Ed25519"
    ES256 = "ES256"


ALGORITHMS_AT_CREATION = (Algorithm.ED25519, Algorithm.ES256, Algorithm.RS256)


class SigningKey(BaseModel):
    """A key as the platform knows it: where the key service keeps it, and its public half."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    issuer_id: str
    key_id: str  # "key-<n>": the DID URL fragment and the CryptographicKey path segment
    algorithm: Algorithm
    provider: str  # which key service holds the private key ("kms", "secretsmanager")
    provider_ref: str  # that service's id for it (KMS key ARN, secret ARN)
    public_key_pem: str
    created_at: datetime
    active: bool = True  # the one this issuer signs new badges with; retired keys stay published


def key_id(number: int) -> str:
    return f"key-{number}"


def load_public_key(pem: str) -> Any:
    from cryptography.hazmat.primitives import serialization

    return serialization.load_pem_public_key(pem.encode("ascii"))


def public_pem_from_der(der: bytes) -> str:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_der_public_key(der)
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def raw_ed25519(pem: str) -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    key = load_public_key(pem)
    if not isinstance(key, ed25519.Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def compressed_p256(pem: str) -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = load_public_key(pem)
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise ValueError("not an EC public key")
    return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)


def _b64url_uint(value: int) -> str:
    data = value.to_bytes((value.bit_length() + 7) // 8 or 1, "big")
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def public_jwk(key: SigningKey) -> dict[str, str]:
    """The public key as a JWK (RFC 7517), with `alg` and `use` so clients need not guess."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    public = load_public_key(key.public_key_pem)
    jwk: dict[str, str]
    if isinstance(public, rsa.RSAPublicKey):
        numbers = public.public_numbers()
        jwk = {"kty": "RSA", "n": _b64url_uint(numbers.n), "e": _b64url_uint(numbers.e)}
    elif isinstance(public, ec.EllipticCurvePublicKey):
        numbers_ec = public.public_numbers()
        jwk = {
            "kty": "EC",
            "crv": "P-256",
            "x": _b64url(numbers_ec.x.to_bytes(32, "big")),
            "y": _b64url(numbers_ec.y.to_bytes(32, "big")),
        }
    elif isinstance(public, ed25519.Ed25519PublicKey):
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        jwk = {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw)}
    else:  # pragma: no cover - we only ever create the three kinds above
        raise ValueError("unsupported key type")
    jwk["alg"] = "EdDSA" if key.algorithm is Algorithm.ED25519 else key.algorithm.value
    jwk["use"] = "sig"
    return jwk
