"""Data Integrity `eddsa-rdfc-2022` proofs, first against the W3C test vector, then our own."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from badgehub.domain import dataintegrity, jsonld, multibase

FIXTURES = Path(__file__).parent / "fixtures"
VECTOR = FIXTURES / "vc-di-eddsa"

# Data Integrity EdDSA Cryptosuites v1.0 (W3C Recommendation, 15 May 2025), Appendix B.1.
PUBLIC_KEY_MULTIBASE = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"  # Example 7
SECRET_KEY_MULTIBASE = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"  # Example 7
CREDENTIAL_HASH = "517744132ae165a5349155bef0bb0cf2258fff99dfe1dbd914b938d775a36017"  # Ex. 10
PROOF_OPTIONS_HASH = "bea7b7acfbad0126b135104024a5f1733e705108f42d59668b05c0c50004c6b0"  # Ex. 13
SIGNATURE = (  # Example 15
    "4d8e53c2d5b3f2a7891753eb16ca993325bdb0d3cfc5be1093d0a18426f5ef85"
    "78cadc0fd4b5f4dd0d1ce0aefd15ab120b7a894d0eb094ffda4e6553cd1ed50d"
)
PROOF_VALUE = (  # Example 16
    "z2YwC8z3ap7yx1nZYCg4L3j3ApHsF8kgPdSb5xoS1VR7vPG3F561B52hYnQF9iseabecm3ijx4K1FBTQsCZahKZme"
)
VERIFICATION_METHOD = f"did:key:{PUBLIC_KEY_MULTIBASE}#{PUBLIC_KEY_MULTIBASE}"
CREATED = datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)
ED25519_SECRET_KEY_PREFIX = b"\x80\x26"  # multicodec ed25519-priv


def fixture_documents() -> dict[str, Any]:
    """Test-only contexts, checked against the digests their manifest pins."""
    manifest = json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))
    documents: dict[str, Any] = {}
    for entry in manifest["documents"]:
        raw = (FIXTURES / entry["file"]).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == entry["sha256"], entry["file"]
        documents[entry["url"]] = json.loads(raw)
    return documents


@pytest.fixture
def example_contexts() -> Iterator[None]:
    with jsonld.extra_documents(fixture_documents()):
        yield


def vector_json(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((VECTOR / name).read_text(encoding="utf-8"))
    return document


def vector_text(name: str) -> str:
    return (VECTOR / name).read_text(encoding="utf-8")


def vector_private_key() -> ed25519.Ed25519PrivateKey:
    secret = multibase.decode_multibase(SECRET_KEY_MULTIBASE)
    assert secret[:2] == ED25519_SECRET_KEY_PREFIX and len(secret) == 34
    return ed25519.Ed25519PrivateKey.from_private_bytes(secret[2:])


def raw_public(key: ed25519.Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def open_badge_credential() -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:5b4ee0b0-1c0a-4a43-9d3a-8f1f5a2b7c11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Teamwork",
        "issuer": {
            "id": "did:web:badges.example:issuers:acme",
            "type": ["Profile"],
            "name": "Acme Academy",
        },
        "validFrom": "2024-05-01T12:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://badges.example/badges/teamwork",
                "type": ["Achievement"],
                "name": "Teamwork",
                "description": "Works well with others.",
                "criteria": {"narrative": "Nominated by peers."},
            },
        },
    }


def sign(document: dict[str, Any], key: ed25519.Ed25519PrivateKey) -> dict[str, Any]:
    return dataintegrity.add_proof(
        document,
        verification_method="did:web:badges.example:issuers:acme#key-1",
        created=datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC),
        sign=key.sign,
    )


# The W3C vector


def test_given_the_vector_secret_key_then_its_public_half_is_the_vector_public_key() -> None:
    public = raw_public(vector_private_key())

    assert multibase.ed25519_multikey(public) == PUBLIC_KEY_MULTIBASE


@pytest.mark.usefixtures("example_contexts")
def test_given_the_vector_credential_when_canonicalised_then_it_matches_examples_9_and_10() -> None:
    canonical = jsonld.canonicalize(vector_json("credential.json"))

    assert canonical == vector_text("credential.nq")
    assert sha256_hex(canonical) == CREDENTIAL_HASH


@pytest.mark.usefixtures("example_contexts")
def test_given_the_vector_proof_options_when_canonicalised_then_they_match_examples_12_13() -> None:
    canonical = jsonld.canonicalize(vector_json("proof-options.json"))

    assert canonical == vector_text("proof-options.nq")
    assert sha256_hex(canonical) == PROOF_OPTIONS_HASH


@pytest.mark.usefixtures("example_contexts")
def test_given_the_vector_inputs_when_hashed_then_proof_options_hash_comes_first() -> None:
    data = dataintegrity.hash_data(
        vector_json("proof-options.json"), vector_json("credential.json")
    )

    assert data.hex() == PROOF_OPTIONS_HASH + CREDENTIAL_HASH  # Example 14


@pytest.mark.usefixtures("example_contexts")
def test_given_the_vector_key_when_signing_the_vector_credential_then_example_17_results() -> None:
    key = vector_private_key()
    signed_messages: list[bytes] = []

    def signer(message: bytes) -> bytes:
        signed_messages.append(message)
        return key.sign(message)

    signed = dataintegrity.add_proof(
        vector_json("credential.json"),
        verification_method=VERIFICATION_METHOD,
        created=CREATED,
        sign=signer,
    )

    assert [m.hex() for m in signed_messages] == [PROOF_OPTIONS_HASH + CREDENTIAL_HASH]
    assert key.sign(signed_messages[0]).hex() == SIGNATURE
    assert signed["proof"]["proofValue"] == PROOF_VALUE
    assert signed == vector_json("signed-credential.json")
    proof_keys = [key for key in vector_json("proof-options.json") if key != "@context"]
    assert list(signed["proof"]) == [*proof_keys, "proofValue"]


@pytest.mark.usefixtures("example_contexts")
def test_given_the_vector_signed_credential_then_it_verifies_with_the_vector_public_key() -> None:
    _, public = multibase.decode_multikey(PUBLIC_KEY_MULTIBASE)

    assert dataintegrity.verify_proof(vector_json("signed-credential.json"), public)


@pytest.mark.usefixtures("example_contexts")
def test_given_the_vector_signed_credential_with_one_changed_value_then_it_does_not_verify() -> (
    None
):
    _, public = multibase.decode_multikey(PUBLIC_KEY_MULTIBASE)
    signed = vector_json("signed-credential.json")
    signed["credentialSubject"]["alumniOf"] = "The School of Forgeries"

    assert not dataintegrity.verify_proof(signed, public)


# Our own credentials


def test_given_a_generated_key_when_signed_then_the_proof_verifies() -> None:
    key = ed25519.Ed25519PrivateKey.generate()

    signed = sign(open_badge_credential(), key)

    assert signed["proof"] == {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2024-05-01T12:00:00Z",
        "verificationMethod": "did:web:badges.example:issuers:acme#key-1",
        "proofPurpose": "assertionMethod",
        "proofValue": signed["proof"]["proofValue"],
    }
    assert signed["proof"]["proofValue"].startswith("z")
    assert dataintegrity.verify_proof(signed, raw_public(key))


def test_given_a_created_time_in_another_zone_then_proof_created_is_utc_seconds_with_z() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    created = datetime(2024, 5, 1, 14, 0, 0, 987654, tzinfo=timezone(timedelta(hours=2)))

    signed = dataintegrity.add_proof(
        open_badge_credential(), verification_method="did:x:1#k", created=created, sign=key.sign
    )

    assert signed["proof"]["created"] == "2024-05-01T12:00:00Z"


def test_given_a_naive_created_time_then_signing_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        dataintegrity.add_proof(
            open_badge_credential(),
            verification_method="did:x:1#k",
            created=datetime(2024, 5, 1, 12, 0, 0),  # naive: the point of the test
            sign=ed25519.Ed25519PrivateKey.generate().sign,
        )


def test_given_a_document_when_signed_and_verified_then_the_inputs_are_not_changed() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    unsigned = open_badge_credential()
    before = copy.deepcopy(unsigned)

    signed = sign(unsigned, key)
    signed_before = copy.deepcopy(signed)
    dataintegrity.verify_proof(signed, raw_public(key))

    assert unsigned == before
    assert "proof" not in unsigned
    assert signed == signed_before


TAMPERINGS = {
    "name": lambda d: d.update(name="Rocket Science"),
    "issuer": lambda d: d["issuer"].update(id="did:web:evil.example"),
    "achievement name": lambda d: d["credentialSubject"]["achievement"].update(name="PhD"),
    "criteria": lambda d: d["credentialSubject"]["achievement"]["criteria"].update(narrative="-"),
    "extra type": lambda d: d["type"].append("Achievement"),
    "added evidence": lambda d: d.update(evidence=[{"type": ["Evidence"], "narrative": "x"}]),
    "removed validFrom": lambda d: d.pop("validFrom"),
    "dropped context": lambda d: d["@context"].pop(),
    "proof created": lambda d: d["proof"].update(created="2024-05-01T12:00:01Z"),
    "proof method": lambda d: d["proof"].update(verificationMethod="did:x:evil#key-1"),
    "proof value": lambda d: d["proof"].update(proofValue=d["proof"]["proofValue"][:-2] + "11"),
}


@pytest.mark.parametrize("change", TAMPERINGS.values(), ids=TAMPERINGS.keys())
def test_given_a_signed_credential_when_any_field_is_tampered_then_it_does_not_verify(
    change: Any,
) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    tampered = copy.deepcopy(sign(open_badge_credential(), key))

    change(tampered)

    assert not dataintegrity.verify_proof(tampered, raw_public(key))


def test_given_a_signed_credential_then_another_key_does_not_verify_it() -> None:
    signed = sign(open_badge_credential(), ed25519.Ed25519PrivateKey.generate())

    assert not dataintegrity.verify_proof(signed, raw_public(ed25519.Ed25519PrivateKey.generate()))


def test_given_a_term_added_after_signing_then_verification_fails_although_pyld_drops_it() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    signed = sign(open_badge_credential(), key)
    padded = {**signed, "grade": "A+"}  # undefined: dropped on expansion, so not covered

    assert jsonld.canonicalize({k: v for k, v in padded.items() if k != "proof"}) == (
        jsonld.canonicalize({k: v for k, v in signed.items() if k != "proof"})
    )
    assert not dataintegrity.verify_proof(padded, raw_public(key))


def test_given_a_term_added_to_the_proof_after_signing_then_verification_fails() -> None:
    """The proof options are signed too: a field their contexts drop would ride along unsigned."""
    key = ed25519.Ed25519PrivateKey.generate()
    signed = sign(open_badge_credential(), key)
    padded = {**signed, "proof": {**signed["proof"], "grade": "A+"}}

    assert dataintegrity.verify_proof(signed, raw_public(key))
    assert not dataintegrity.verify_proof(padded, raw_public(key))


def test_given_a_document_with_an_undefined_term_then_signing_is_refused() -> None:
    credential = open_badge_credential()
    credential["credentialSubject"]["achievement"]["nmae"] = "typo"

    with pytest.raises(ValueError, match=r"credentialSubject\.achievement\.nmae"):
        sign(credential, ed25519.Ed25519PrivateKey.generate())


def test_given_a_document_with_an_unknown_context_then_signing_is_refused() -> None:
    credential = open_badge_credential()
    credential["@context"].append("https://example.org/unknown-context")

    with pytest.raises(ValueError, match="not JSON-LD we can sign"):
        sign(credential, ed25519.Ed25519PrivateKey.generate())


def test_given_a_document_that_already_has_a_proof_then_signing_is_refused() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    signed = sign(open_badge_credential(), key)

    with pytest.raises(ValueError, match="already has a proof"):
        sign(signed, key)


def test_given_a_signer_returning_no_ed25519_signature_then_signing_is_refused() -> None:
    with pytest.raises(ValueError, match="64-byte"):
        dataintegrity.add_proof(
            open_badge_credential(),
            verification_method="did:x:1#k",
            created=datetime(2024, 5, 1, tzinfo=UTC),
            sign=lambda message: b"short",
        )


MALFORMED = {
    "no proof": lambda d: d.pop("proof"),
    "proof set": lambda d: d.update(proof=[d["proof"]]),
    "other suite": lambda d: d["proof"].update(cryptosuite="ecdsa-rdfc-2019"),
    "other type": lambda d: d["proof"].update(type="Ed25519Signature2020"),
    "other purpose": lambda d: d["proof"].update(proofPurpose="authentication"),
    "no method": lambda d: d["proof"].pop("verificationMethod"),
    "bad created": lambda d: d["proof"].update(created="yesterday"),
    "no proof value": lambda d: d["proof"].pop("proofValue"),
    "proof value not base58btc": lambda d: d["proof"].update(proofValue="uAAAA"),
    "proof value bad characters": lambda d: d["proof"].update(proofValue="z0OIl"),
    "short signature": lambda d: d["proof"].update(proofValue="z2"),
    "proof value a number": lambda d: d["proof"].update(proofValue=7),
    "no context": lambda d: d.pop("@context"),
    "unknown context": lambda d: d["@context"].append("https://example.org/unknown"),
    "proof context not a prefix": lambda d: d["proof"].update(
        {"@context": ["https://w3id.org/security/data-integrity/v2"]}
    ),
}


@pytest.mark.parametrize("change", MALFORMED.values(), ids=MALFORMED.keys())
def test_given_a_malformed_proof_then_verify_returns_false_without_raising(change: Any) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    malformed = copy.deepcopy(sign(open_badge_credential(), key))

    change(malformed)

    assert dataintegrity.verify_proof(malformed, raw_public(key)) is False


@pytest.mark.parametrize("public_key", [b"", b"\x02" + b"\x11" * 32, "not bytes"])
def test_given_a_public_key_that_is_not_ed25519_then_verify_returns_false(
    public_key: Any,
) -> None:
    signed = sign(open_badge_credential(), ed25519.Ed25519PrivateKey.generate())

    assert dataintegrity.verify_proof(signed, public_key) is False


def test_given_a_proof_whose_context_prefixes_the_document_context_then_it_verifies() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    credential = open_badge_credential()
    signed = sign(credential, key)
    with_context = {**signed, "proof": {**signed["proof"], "@context": credential["@context"]}}

    assert dataintegrity.verify_proof(with_context, raw_public(key))


def test_given_another_proof_purpose_when_asked_for_then_it_verifies() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    signed = dataintegrity.add_proof(
        open_badge_credential(),
        verification_method="did:x:1#k",
        created=datetime(2024, 5, 1, tzinfo=UTC),
        sign=key.sign,
        proof_purpose="authentication",
    )

    assert dataintegrity.verify_proof(signed, raw_public(key), proof_purpose="authentication")
    assert not dataintegrity.verify_proof(signed, raw_public(key))


def test_the_signed_documents_are_the_unsecured_document_and_each_proof_s_options() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    signed = sign(open_badge_credential(), key)
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    options = {k: v for k, v in signed["proof"].items() if k != "proofValue"}
    config = {**options, "@context": unsecured["@context"]}

    assert dataintegrity.signed_documents(unsecured) == [("", unsecured)]
    assert dataintegrity.signed_documents(signed) == [("", unsecured), ("proof", config)]
    two = {**unsecured, "proof": [signed["proof"], signed["proof"]]}
    assert [where for where, _ in dataintegrity.signed_documents(two)] == [
        "",
        "proof[0]",
        "proof[1]",
    ]
