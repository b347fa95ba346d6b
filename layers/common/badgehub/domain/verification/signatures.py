"""Checking a signature: JWS and VC-JWT (ES256, RS256, EdDSA) and Data Integrity proofs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from .. import dataintegrity
from .inputs import Token
from .keys import KeyProblem, PublicKey, ResolvedKey, jwk_thumbprint, key_fits, key_from_jwk
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
_DOES_NOT_MATCH = (
    "does not match: the badge was changed after it was signed, or it was signed with another key."
)
_SIGNATURE_BAD = f"The signature {_DOES_NOT_MATCH}"


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


def header_key(token: Token) -> PublicKey | Check | None:
    """The public key a VC-JWT carries in its header (`jwk`), if any; a failed check if the
    header holds something that is not a usable public key."""
    jwk = token.header.get("jwk")
    if jwk is None:
        return None
    if not isinstance(jwk, dict):
        return failed("key_resolution", "The key in the token's header (jwk) is malformed.")
    try:
        return key_from_jwk(jwk)
    except KeyProblem as exc:
        return failed("key_resolution", str(exc))


def carried_key_check(token: Token, key: PublicKey, jwk: Mapping[str, Any]) -> Check:
    """Whether the token matches the key it carries: not whether the issuer signed it, but a
    token that does not even match its own key was changed, or forged."""
    label = jwk_thumbprint(jwk)[:16] + "…"
    check = jws_proof_check(token, ResolvedKey(f"#{label}", "", key))
    if not check.passed:
        return check
    return passed(
        "proof",
        f"The signature matches the key the token carries ({label}); that alone does not "
        "show who signed it.",
    )


def jwt_method_id(token: Token) -> str | None:
    """The key a VC-JWT names: `kid` (relative ones against `iss`), or a did:key or did:jwk
    issuer's own key."""
    kid, iss = token.header.get("kid"), token.payload.get("iss")
    if isinstance(kid, str) and kid:
        if kid.startswith("#") and isinstance(iss, str):
            return iss + kid
        if ":" in kid:
            return kid
        return f"{iss}#{kid}" if isinstance(iss, str) and iss.startswith("did:") else None
    if isinstance(iss, str) and iss.startswith(("did:key:", "did:jwk:")):
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
    """The single proof to check on a document that must carry exactly one (a status list),
    or why there is none."""
    proofs = as_list(document.get("proof"))
    if len(proofs) > 1:
        return unverifiable(
            name, "The document carries several signatures; this verifier checks single ones."
        )
    found = data_integrity_proofs(document, name)
    item = found[0]
    return item if isinstance(item, Check) else item.proof


@dataclass(frozen=True)
class ProofInSet:
    """One proof of a document's proof set, with its place in the set for messages."""

    proof: Json
    position: int
    size: int

    @property
    def title(self) -> str:
        if self.size == 1:
            return "The signature"
        suite = self.proof.get("cryptosuite") or self.proof.get("type")
        return f"Signature {self.position} of {self.size} ({suite})"


def data_integrity_proofs(
    document: Mapping[str, Any], name: str = "proof"
) -> list[ProofInSet | Check]:
    """Each proof to check (eddsa-rdfc-2022 or Ed25519Signature2020), or why one cannot be.

    Several proofs side by side are a proof set (W3C VC Data Integrity 1.0, §2.1.2). Its
    verification algorithm (§4.5, "Verify Proof Sets and Chains") verifies every proof and
    succeeds only if all of them verify; we follow it, and report each proof as a check of
    its own: one that fails makes the badge invalid, one we cannot check (an unknown suite,
    or a proof chained to another with `previousProof`) leaves it unverifiable, since we
    could not say that every proof verifies. (DCC's verifier accepts a set if any one proof
    verifies; a set with a broken proof is where the two can differ.)
    """
    proofs = as_list(document.get("proof"))
    if not proofs:
        return [failed(name, "The badge carries no signature.")]
    if unknown_contexts(document):
        return [
            unverifiable(
                name,
                "The badge names a JSON-LD context this verifier does not hold, so its "
                "signature could not be checked.",
            )
        ]
    return [_proof_to_check(p, i, len(proofs), name) for i, p in enumerate(proofs, start=1)]


def _proof_to_check(proof: object, position: int, size: int, name: str) -> ProofInSet | Check:
    if not isinstance(proof, dict):
        what = "The signature" if size == 1 else f"Signature {position} of {size}"
        return failed(name, f"{what} is not a signature object.")
    item = ProofInSet(proof, position, size)
    kind, suite = proof.get("type"), proof.get("cryptosuite")
    if not dataintegrity.is_supported(proof):
        shown = f"{kind} ({suite})" if suite else str(kind)
        what = "The badge is" if size == 1 else f"{item.title.split(' (')[0]} is"
        return unverifiable(
            name,
            f"{what} signed with a kind of signature this verifier cannot check ({shown}), "
            "so its authenticity could not be confirmed.",
        )
    if not isinstance(proof.get("verificationMethod"), str):
        return failed(name, f"{item.title} does not say which key made it.")
    if "previousProof" in proof:
        return unverifiable(
            name,
            f"{item.title} is chained to another signature (previousProof), which this "
            "verifier does not check, so its authenticity could not be confirmed.",
        )
    return item


def data_integrity_check(
    document: Mapping[str, Any], key: ResolvedKey, item: ProofInSet | None = None
) -> Check:
    """One proof (the document's only one, unless `item` names it) against `key`."""
    title = item.title if item else "The signature"
    if not isinstance(key.key, ed25519.Ed25519PublicKey):
        return failed(
            "proof",
            f"{title} was made with Ed25519, but key {key.label} is not an Ed25519 key.",
        )
    raw = key.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    single = dict(document)
    proofs = as_list(single.get("proof"))
    if item is not None:
        single["proof"] = item.proof  # each proof of a set covers the document without proofs
    elif len(proofs) == 1:
        single["proof"] = proofs[0]  # a one-proof set is the same proof, verified alone
    if dataintegrity.verify_proof(single, raw):
        return passed("proof", f"{title} matches the issuer's published key {key.label}.")
    return failed("proof", f"{title} {_DOES_NOT_MATCH}")
