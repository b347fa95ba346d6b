"""W3C Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (vc-di-eddsa)."""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from . import multibase

if TYPE_CHECKING:
    from types import ModuleType


def _jsonld() -> ModuleType:
    """pyld (and the requests it imports) costs ~90 ms: only code that proves or checks pays."""
    from . import jsonld

    return jsonld


Signer = Callable[[bytes], bytes]
"""Raw Ed25519 signature of the given bytes; private keys stay in the key service."""

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
_SIGNATURE_BYTES = 64
_DATE_TIME_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def add_proof(
    document: dict[str, Any],
    *,
    verification_method: str,
    created: datetime,
    sign: Signer,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """A signed copy of `document`; the input is left as it was.

    Refuses (ValueError) what would not be signed as written: terms the contexts leave
    undefined, contexts we do not ship, and a document that already carries a proof.
    """
    if "proof" in document:
        raise ValueError("the document already has a proof")
    if "@context" not in document:
        raise ValueError("the document has no @context")
    if created.tzinfo is None:
        raise ValueError("created must carry a time zone")
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    try:
        expanded = _jsonld().expand(document)
        if expanded.undefined:
            raise ValueError(
                f"terms the document's contexts do not define: {list(expanded.undefined)}"
            )
        config = _jsonld().expand({**options, "@context": document["@context"]})
        data = _sha256(config.canonical()) + _sha256(expanded.canonical())
    except _jsonld().JsonLdError as exc:
        raise ValueError(f"the document is not JSON-LD we can sign: {exc.args[0]}") from exc
    signature = sign(data)
    if len(signature) != _SIGNATURE_BYTES:
        raise ValueError("the signer did not return a 64-byte Ed25519 signature")
    signed = copy.deepcopy(document)
    signed["proof"] = {**options, "proofValue": multibase.encode_multibase(signature)}
    return signed


def hash_data(proof_config: dict[str, Any], unsecured_document: dict[str, Any]) -> bytes:
    """sha256(canonical proof configuration) || sha256(canonical document), in that order."""
    return _sha256(_jsonld().canonicalize(proof_config)) + _sha256(
        _jsonld().canonicalize(unsecured_document)
    )


def _sha256(canonical: str) -> bytes:
    return hashlib.sha256(canonical.encode("utf-8")).digest()


def verify_proof(
    document: dict[str, Any], public_key: bytes, *, proof_purpose: str = "assertionMethod"
) -> bool:
    """True only for one intact eddsa-rdfc-2022 (or legacy Ed25519Signature2020) proof by
    this raw Ed25519 public key.

    Never raises on untrusted input: a malformed proof, a key that is not Ed25519, a context
    we do not ship, or a term the contexts leave undefined (it would be unsigned) is False.
    Proof sets and chains (a list of proofs) are not supported and are False too.
    """
    proof = document.get("proof")
    if not isinstance(proof, dict) or not _well_formed(proof, proof_purpose):
        return False
    inputs = _verification_inputs(document, proof)
    try:
        key = ed25519.Ed25519PublicKey.from_public_bytes(public_key)
        signature = multibase.decode_multibase(proof["proofValue"])
        if inputs is None or len(signature) != _SIGNATURE_BYTES:
            return False
        # What is signed is these two documents' canonical forms: a term either leaves
        # undefined goes unsigned. Each is expanded once, for the check and for its form.
        config, unsecured = (_jsonld().expand(part) for part in inputs)
        if config.undefined or unsecured.undefined:
            return False
        key.verify(signature, _sha256(config.canonical()) + _sha256(unsecured.canonical()))
    except (InvalidSignature, _jsonld().JsonLdError, ValueError, TypeError):
        return False
    return True


def signed_documents(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(where, document) for what a verifier canonicalises: the document without its proofs
    and each proof's options, built as `verify_proof` builds them (so a term check over them
    and the proof checks share one expansion each). A document without proofs is itself."""
    proofs = document.get("proof")
    if proofs is None:
        return [("", document)]
    items = proofs if isinstance(proofs, list) else [proofs]
    plain = {name: value for name, value in document.items() if name != "proof"}
    found: list[tuple[str, dict[str, Any]]] = [("", plain)]
    for position, proof in enumerate(items):
        inputs = _verification_inputs(document, proof) if isinstance(proof, dict) else None
        if inputs is None:
            continue
        options, unsecured = inputs
        if unsecured["@context"] != plain.get("@context"):
            found.append(("", unsecured))  # the proof names its own context: another document
        found.append((f"proof[{position}]" if isinstance(proofs, list) else "proof", options))
    return found


def _verification_inputs(
    document: dict[str, Any], proof: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(proof configuration, unsecured document) as the spec derives them; None if they clash."""
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    if "@context" in options:
        if not _starts_with(unsecured.get("@context"), options["@context"]):
            return None
        unsecured["@context"] = options["@context"]
    if "@context" not in unsecured:
        return None
    options["@context"] = unsecured["@context"]
    return options, unsecured


LEGACY_PROOF_TYPE = "Ed25519Signature2020"
"""The older suite many badges in circulation carry: same RDFC + SHA-256 + Ed25519 hashing."""


def is_supported(proof: dict[str, Any]) -> bool:
    if proof.get("type") == PROOF_TYPE:
        return proof.get("cryptosuite") == CRYPTOSUITE
    return proof.get("type") == LEGACY_PROOF_TYPE and "cryptosuite" not in proof


def _well_formed(proof: dict[str, Any], proof_purpose: str) -> bool:
    created = proof.get("created")
    return (
        is_supported(proof)
        and proof.get("proofPurpose") == proof_purpose
        and isinstance(proof.get("verificationMethod"), str)
        and isinstance(proof.get("proofValue"), str)
        and (created is None or (isinstance(created, str) and _is_date_time_stamp(created)))
    )


def _is_date_time_stamp(value: str) -> bool:
    if not _DATE_TIME_STAMP.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _starts_with(document_context: Any, proof_context: Any) -> bool:
    """The spec's rule: the document's @context must begin with the proof's, in order."""
    ours = document_context if isinstance(document_context, list) else [document_context]
    theirs = proof_context if isinstance(proof_context, list) else [proof_context]
    return ours[: len(theirs)] == theirs
