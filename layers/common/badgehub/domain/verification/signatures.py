"""Checking a signature: JWS and VC-JWT (ES256, RS256, EdDSA) and Data Integrity proofs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from .. import dataintegrity
from .inputs import Token
from .keys import PublicKey, ResolvedKey, key_fits
from .ob3 import ob3_issuer_id, unknown_contexts
from .report import Check, failed, passed, unverifiable
from .values import Json, as_list

JWT_ALGORITHMS = frozenset({"ES256", "RS256", "EdDSA"})


def jws_signature_valid(
    algorithm: str, key: PublicKey, signing_input: bytes, signature: bytes
) -> bool:
    """RS256, ES256 (r||s) or EdDSA over the JWS signing input; never raises."""
    try:
        if algorithm == "EdDSA" and isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, signing_input)
        elif algorithm == "ES256" and isinstance(key, ec.EllipticCurvePublicKey):
            if len(signature) != 64:
                return False
            r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            key.verify(encode_dss_signature(r, s), signing_input, ec.ECDSA(hashes.SHA256()))
        elif algorithm == "RS256" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True


_SIGNATURE_OK = "The signature matches the issuer's published key {label}."
_SIGNATURE_BAD = (
    "The signature does not match: the badge was changed after it was signed, "
    "or it was signed with another key."
)


def jws_proof_check(token: Token, key: ResolvedKey) -> Check:
    algorithm = str(token.header.get("alg"))
    if not key_fits(algorithm, key.key):
        return failed(
            "proof",
            f"The badge says it was signed with {algorithm}, but key {key.label} "
            "is not a key of that kind.",
        )
    if jws_signature_valid(algorithm, key.key, token.signing_input, token.signature):
        return passed("proof", _SIGNATURE_OK.format(label=key.label))
    return failed("proof", _SIGNATURE_BAD)


def jwt_method_id(token: Token) -> str | None:
    """The key a VC-JWT names: `kid` (relative ones against `iss`), or a did:key issuer."""
    kid, iss = token.header.get("kid"), token.payload.get("iss")
    if isinstance(kid, str) and kid:
        if kid.startswith("#") and isinstance(iss, str):
            return iss + kid
        if ":" in kid:
            return kid
        return f"{iss}#{kid}" if isinstance(iss, str) and iss.startswith("did:") else None
    if isinstance(iss, str) and iss.startswith("did:key:"):
        return iss
    return None


def jwt_algorithm_check(token: Token) -> Check | None:
    """None when the token's algorithm is one we verify; else the failed check."""
    if token.header.get("alg") in JWT_ALGORITHMS:
        return None
    return failed(
        "proof",
        f"The badge is signed with {token.header.get('alg')}, which this verifier does not "
        "accept (ES256, RS256 and EdDSA are).",
    )


def jwt_claim_checks(token: Token, credential: Mapping[str, Any]) -> list[Check]:
    """A VC-JWT's claims must agree with the credential they carry."""
    iss, jti = token.payload.get("iss"), token.payload.get("jti")
    checks: list[Check] = []
    if iss is not None and iss != ob3_issuer_id(credential):
        checks.append(failed("structure", "The token's issuer (iss) is not the badge's issuer."))
    if jti is not None and jti != credential.get("id"):
        checks.append(
            failed("structure", "The token's identifier (jti) is not the badge's identifier.")
        )
    return checks


def data_integrity_proof(document: Mapping[str, Any], name: str = "proof") -> Json | Check:
    """The single eddsa-rdfc-2022 (or Ed25519Signature2020) proof to check, or why there is none."""
    proofs = as_list(document.get("proof"))
    if not proofs:
        return failed(name, "The badge carries no signature.")
    if len(proofs) > 1 or not isinstance(proofs[0], dict):
        return unverifiable(
            name, "The badge carries several signatures; this verifier checks single ones."
        )
    proof: Json = proofs[0]
    kind, suite = proof.get("type"), proof.get("cryptosuite")
    if not dataintegrity.is_supported(proof):
        shown = f"{kind} ({suite})" if suite else str(kind)
        return unverifiable(
            name,
            f"The badge is signed with a kind of signature this verifier cannot check ({shown}), "
            "so its authenticity could not be confirmed.",
        )
    if not isinstance(proof.get("verificationMethod"), str):
        return failed(name, "The signature does not say which key made it.")
    if unknown_contexts(document):
        return unverifiable(
            name,
            "The badge names a JSON-LD context this verifier does not hold, so its signature "
            "could not be checked.",
        )
    return proof


def data_integrity_check(document: Mapping[str, Any], key: ResolvedKey) -> Check:
    if not isinstance(key.key, ed25519.Ed25519PublicKey):
        return failed(
            "proof",
            f"The badge was signed with Ed25519, but key {key.label} is not an Ed25519 key.",
        )
    raw = key.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    single = dict(document)
    proofs = as_list(single.get("proof"))
    if len(proofs) == 1:
        single["proof"] = proofs[0]  # a one-proof set is the same proof, verified alone
    if dataintegrity.verify_proof(single, raw):
        return passed("proof", _SIGNATURE_OK.format(label=key.label))
    return failed("proof", _SIGNATURE_BAD)
