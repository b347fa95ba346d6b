"""Shapes real badges come in beyond our own: older contexts, proof sets, keys in JWT headers,
context aliases, older Open Badges versions and endorsements. Badges made here, so each shape
is tried valid and broken."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from badgehub.domain import dataintegrity, jws, multibase, ob3
from badgehub.domain.verification import Verdict, legacy_version
from badgehub.domain.verification.ob2_terms import ob2_aliases, ob2_terms
from badgehub.usecases.verify import CompactToken, CredentialJson
from tests.unit.test_verification import (
    DID_WEB,
    ISSUER_KEY,
    STRANGER_KEY,
    FakeWeb,
    check_named,
    credential,
    did_key_method,
    es256_signer,
    ob2_documents,
    rs256_signer,
    rsa_key,
    run,
    serve_did_document,
    serve_ob2,
    sign,
    signed_ob2,
)

VC_V1 = "https://www.w3.org/2018/credentials/v1"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-{}.json"
EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
DATA_INTEGRITY = "https://w3id.org/security/data-integrity/v2"
ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"


# --- Contexts other than VC 2.0 with OB 3.0.3 ---------------------------------------------------


def vc_v1_credential(ob_version: str = "3.0.3", **changes: Any) -> dict[str, Any]:
    """VC 1.1 does not define Data Integrity proofs: their context is named after OB's."""
    document = credential(**changes)
    document["@context"] = [VC_V1, OB_CONTEXT.format(ob_version), EXTENSIONS, DATA_INTEGRITY]
    document["issuanceDate"] = document.pop("validFrom")
    return document


def test_a_vc_1_1_credential_is_valid_and_a_changed_one_invalid() -> None:
    signed = sign(vc_v1_credential())
    assert run(CredentialJson(signed)).verdict is Verdict.VALID

    signed["credentialSubject"]["achievement"]["name"] = "Rocket Science"
    assert run(CredentialJson(signed)).verdict is Verdict.INVALID


def test_a_vc_1_1_credential_past_its_expiration_date_is_expired() -> None:
    signed = sign(vc_v1_credential(expirationDate="2026-02-01T00:00:00Z"))
    assert run(CredentialJson(signed)).verdict is Verdict.EXPIRED


def test_a_credential_naming_ob_3_0_1_is_valid() -> None:
    """3.0.1 redefines terms VC 2.0 protects, so it only ever worked with VC 1.1."""
    report = run(CredentialJson(sign(vc_v1_credential("3.0.1"))))

    assert report.verdict is Verdict.VALID, report.to_json()["checks"]
    assert all(c.passed for c in check_named(report, "structure"))


def test_a_credential_naming_ob_3_0_2_is_valid() -> None:
    document = credential()
    document["@context"] = [document["@context"][0], OB_CONTEXT.format("3.0.2"), EXTENSIONS]

    report = run(CredentialJson(sign(document)))

    assert report.verdict is Verdict.VALID, report.to_json()["checks"]
    assert all(c.passed for c in check_named(report, "structure"))


def test_the_unversioned_ob_3_0_context_is_still_not_held() -> None:
    """Its served definitions changed between 3.0.0 and 3.0.3, and verifiers disagree on which
    they mean, so a signature over it cannot be checked against one agreed meaning."""
    document = credential()
    document["@context"] = [document["@context"][0], OB_CONTEXT.replace("-{}", ""), EXTENSIONS]

    report = run(CredentialJson(sign_unchecked(document)))

    assert report.verdict is Verdict.UNVERIFIABLE
    assert any("does not hold" in c.message for c in check_named(report, "proof"))


def sign_unchecked(document: dict[str, Any]) -> dict[str, Any]:
    """A proof-shaped object over a document we cannot canonicalise (so cannot really sign)."""
    signed = dict(document)
    signed["proof"] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-01-10T09:00:00Z",
        "verificationMethod": sign(credential())["proof"]["verificationMethod"],
        "proofPurpose": "assertionMethod",
        "proofValue": "z" + "1" * 86,
    }
    return signed


# --- Proof sets -----------------------------------------------------------------------------------


def legacy_proof(document: dict[str, Any], key: ed25519.Ed25519PrivateKey) -> dict[str, Any]:
    """An Ed25519Signature2020 proof: the same hashing as eddsa-rdfc-2022, its own names."""
    options = {
        "type": "Ed25519Signature2020",
        "created": "2026-01-10T09:00:00Z",
        "verificationMethod": did_key_method(key),
        "proofPurpose": "assertionMethod",
    }
    data = dataintegrity.hash_data({**options, "@context": document["@context"]}, document)
    return {**options, "proofValue": multibase.encode_multibase(key.sign(data))}


def proof_set(*proofs: dict[str, Any]) -> dict[str, Any]:
    document = credential()
    document["@context"] = [*document["@context"], ED25519_2020]
    return {**document, "proof": [p(document) for p in proofs]}


def eddsa(key: ed25519.Ed25519PrivateKey = ISSUER_KEY) -> Any:
    return lambda document: sign(document, key, did_key_method(key))["proof"]


def legacy(key: ed25519.Ed25519PrivateKey = ISSUER_KEY) -> Any:
    return lambda document: legacy_proof(document, key)


def test_a_proof_set_is_valid_when_every_proof_verifies() -> None:
    report = run(CredentialJson(proof_set(eddsa(), legacy())))

    assert report.verdict is Verdict.VALID, report.to_json()["checks"]
    assert [c.passed for c in check_named(report, "proof")] == [True, True]
    assert len(check_named(report, "key_resolution")) == 2  # one key, looked up once


def test_a_proof_set_with_one_broken_proof_is_invalid() -> None:
    document = proof_set(eddsa(), legacy())
    document["proof"][1]["proofValue"] = document["proof"][0]["proofValue"]

    report = run(CredentialJson(document))

    assert report.verdict is Verdict.INVALID
    first, second = check_named(report, "proof")
    assert first.passed
    assert not second.passed
    assert second.message.startswith("Signature 2 of 2 (Ed25519Signature2020) does not match")


def test_a_proof_set_with_a_proof_by_someone_elses_key_is_invalid() -> None:
    report = run(CredentialJson(proof_set(eddsa(), eddsa(STRANGER_KEY))))

    assert report.verdict is Verdict.INVALID
    assert any(
        not c.passed and "not to its issuer" in c.message
        for c in check_named(report, "key_resolution")
    )


def test_a_proof_set_with_a_proof_we_cannot_check_is_unverifiable() -> None:
    def ecdsa(document: dict[str, Any]) -> dict[str, Any]:
        return {**eddsa()(document), "cryptosuite": "ecdsa-rdfc-2019"}

    report = run(CredentialJson(proof_set(eddsa(), ecdsa)))

    assert report.verdict is Verdict.UNVERIFIABLE
    first, second = check_named(report, "proof")
    assert first.passed
    assert "Signature 2 of 2 is signed with a kind of signature" in second.message
    assert "ecdsa-rdfc-2019" in second.message


def test_a_chained_proof_is_unverifiable() -> None:
    def chained(document: dict[str, Any]) -> dict[str, Any]:
        return {**eddsa()(document), "previousProof": "urn:uuid:first"}

    report = run(CredentialJson(proof_set(eddsa(), chained)))

    assert report.verdict is Verdict.UNVERIFIABLE
    assert "previousProof" in check_named(report, "proof")[1].message


# --- OB 2.0 context aliases -----------------------------------------------------------------------


def test_the_ob2_aliases_are_read_from_the_bundled_context() -> None:
    assert ob2_aliases() == {"verify": "verification", "@id": "id", "@type": "type"}


def test_a_hosted_badge_saying_verify_is_valid_and_shown_as_given() -> None:
    web = FakeWeb()
    documents = ob2_documents()
    documents["assertion"]["verify"] = documents["assertion"].pop("verification")
    serve_ob2(web, documents)

    report = run(CredentialJson(documents["assertion"]), web)

    assert report.verdict is Verdict.VALID, report.to_json()["checks"]
    assert report.warnings == []  # our copy and the hosted one are the same badge
    assert report.credential is not None and "verify" in report.credential


def test_keyword_spellings_of_id_and_type_are_read_as_id_and_type() -> None:
    web = FakeWeb()
    documents = ob2_documents()
    for document in documents.values():
        document["@id"], document["@type"] = document.pop("id"), document.pop("type")
    for document in documents.values():
        web.serve(document["@id"], document)

    report = run(CredentialJson(documents["assertion"]), web)

    assert report.verdict is Verdict.VALID, report.to_json()["checks"]


def test_a_signed_badge_saying_verify_is_valid() -> None:
    web = FakeWeb()
    token = signed_ob2(web, rsa_key(1))
    payload = token.split(".")[1]
    assertion = json.loads(jws.b64url_decode(payload))
    assertion["verify"] = assertion.pop("verification")
    resigned = jws.sign_compact({"alg": "RS256"}, assertion, rs256_signer(rsa_key(1)))

    assert run(CompactToken(resigned), web).verdict is Verdict.VALID


def test_where_both_spellings_are_given_the_canonical_one_is_read() -> None:
    document = {"verify": {"type": "signed"}, "verification": {"type": "hosted"}}

    assert ob2_terms(document) == {"verification": {"type": "hosted"}}
    assert "verify" in document  # the input is left as it was


# --- VC-JWT carrying its key in the header (jwk) ------------------------------------------------

JWT_KEY = ec.derive_private_key(7, ec.SECP256R1())


def p256_jwk(key: ec.EllipticCurvePrivateKey) -> dict[str, str]:
    numbers = key.public_key().public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": jws.b64url(numbers.x.to_bytes(32, "big")),
        "y": jws.b64url(numbers.y.to_bytes(32, "big")),
    }


def did_jwk(key: ec.EllipticCurvePrivateKey) -> str:
    return "did:jwk:" + jws.b64url(json.dumps(p256_jwk(key)).encode())


def jwk_token(issuer_id: str, carried: ec.EllipticCurvePrivateKey = JWT_KEY, **header: Any) -> str:
    claims = ob3.jwt_claims(credential(issuer_id))
    head = {"alg": "ES256", "jwk": p256_jwk(carried), "typ": "JWT", **header}
    return jws.sign_compact(head, claims, es256_signer(carried))


def test_a_vc_jwt_carrying_its_did_jwk_issuers_key_is_valid() -> None:
    report = run(CompactToken(jwk_token(did_jwk(JWT_KEY))))

    assert report.verdict is Verdict.VALID, report.to_json()["checks"]
    assert "The key in the token's header is the issuer's identifier (did:jwk)." in [
        c.message for c in check_named(report, "key_resolution")
    ]


def test_a_vc_jwt_carrying_a_key_that_is_not_its_did_jwk_issuers_is_invalid() -> None:
    other = ec.derive_private_key(8, ec.SECP256R1())

    report = run(CompactToken(jwk_token(did_jwk(JWT_KEY), carried=other)))

    assert report.verdict is Verdict.INVALID
    assert any("not the key its issuer's identifier" in m for m in report.errors)


def test_a_vc_jwt_whose_key_is_in_its_did_web_issuers_document_is_valid() -> None:
    web = FakeWeb()
    serve_did_document(
        web,
        [
            {
                "id": f"{DID_WEB}#key-2",
                "type": "JsonWebKey",
                "controller": DID_WEB,
                "publicKeyJwk": p256_jwk(JWT_KEY),
            }
        ],
    )

    assert run(CompactToken(jwk_token(DID_WEB)), web).verdict is Verdict.VALID

    serve_did_document(web, [])
    unlisted = run(CompactToken(jwk_token(DID_WEB)), web)
    assert unlisted.verdict is Verdict.INVALID
    assert any("assertionMethod" in m for m in unlisted.errors)


HTTPS_ISSUER = "https://uni.example.org/issuers/1"
JWKS_URL = "https://uni.example.org/.well-known/jwks.json"


@pytest.mark.parametrize(
    ("listed", "verdict"),
    [
        ({**p256_jwk(JWT_KEY), "kid": "uni-1"}, Verdict.VALID),
        ({**p256_jwk(JWT_KEY), "iss": HTTPS_ISSUER}, Verdict.VALID),
        ({**p256_jwk(JWT_KEY), "iss": "https://uni.example.org/issuers/2"}, Verdict.INVALID),
        (p256_jwk(ec.derive_private_key(8, ec.SECP256R1())), Verdict.INVALID),
    ],
)
def test_an_https_issuers_key_set_decides_whose_the_carried_key_is(
    listed: dict[str, str], verdict: Verdict
) -> None:
    web = FakeWeb()
    web.serve(JWKS_URL, {"keys": [listed]}, content_type="application/jwk-set+json")

    assert run(CompactToken(jwk_token(HTTPS_ISSUER)), web).verdict is verdict


def test_an_unreachable_key_set_is_unverifiable_but_a_forged_token_still_invalid() -> None:
    token = jwk_token(HTTPS_ISSUER)
    report = run(CompactToken(token))

    assert report.verdict is Verdict.UNVERIFIABLE
    assert JWKS_URL in check_named(report, "key_resolution")[0].message

    head, payload, signature = token.split(".")
    claims = json.loads(jws.b64url_decode(payload))
    claims["name"] = "Something else"
    forged = f"{head}.{jws.b64url(json.dumps(claims).encode())}.{signature}"
    assert run(CompactToken(forged)).verdict is Verdict.INVALID


def test_a_token_naming_one_key_and_carrying_another_is_invalid() -> None:
    key = ec.derive_private_key(8, ec.SECP256R1())
    token = jwk_token(did_jwk(key), carried=JWT_KEY, kid=f"{did_jwk(key)}#0")

    report = run(CompactToken(token))

    assert report.verdict is Verdict.INVALID
    assert any("other than the one it names" in m for m in report.errors)


# --- Open Badges before 2.0 -----------------------------------------------------------------------

OB05 = {
    "recipient": "sha256$" + "0" * 64,
    "salt": "pepper",
    "issued_on": "2012-06-01",
    "badge": {
        "version": "0.5.0",
        "name": "Robotics",
        "image": "/robotics.png",
        "description": "Built a robot.",
        "criteria": "/robotics.html",
        "issuer": {"origin": "https://p2pu.example", "name": "P2PU"},
    },
}
OB10 = {
    "uid": "abc123",
    "recipient": {"type": "email", "hashed": False, "identity": "ada@example.org"},
    "badge": "https://old.example/badge.json",
    "issuedOn": "2014-01-01",
    "verify": {"type": "hosted", "url": "https://old.example/assertion.json"},
}


@pytest.mark.parametrize(
    ("document", "version"),
    [
        (OB05, "0.5"),
        ({**OB05, "recipient": {"identity": "x"}}, "0.5"),
        (OB10, "1.0"),
        ({k: v for k, v in OB10.items() if k != "uid"}, "1.0"),
        ({k: v for k, v in OB10.items() if k != "verify"}, "1.0"),
        ({**OB10, "@context": "https://w3id.org/openbadges/v1"}, "1.1"),
        ({**OB10, "@context": "https://w3id.org/openbadges/v2"}, None),
        ({"recipient": {}, "badge": "https://x.example"}, None),
    ],
)
def test_the_open_badges_version_before_2_0_is_recognised(
    document: dict[str, Any], version: str | None
) -> None:
    assert legacy_version(document) == version


def test_a_signed_ob_0_5_badge_is_named_too() -> None:
    token = jws.sign_compact({"alg": "RS256"}, OB05, rs256_signer(rsa_key(1)))

    report = run(CompactToken(token))

    assert report.verdict is Verdict.UNVERIFIABLE
    assert [c.name for c in report.checks] == ["unsupported_version"]
    assert "Open Badges 0.5" in report.checks[0].message


# --- Endorsements ---------------------------------------------------------------------------------


def endorsement(**subject_changes: Any) -> dict[str, Any]:
    document = credential()
    document["type"] = ["VerifiableCredential", "EndorsementCredential"]
    document["name"] = "Endorsement of the Data Literacy badge"
    document["credentialSubject"] = {
        "id": "https://uni.example.org/achievements/data-literacy",
        "type": ["EndorsementSubject"],
        "endorsementComment": "Meets the regional data skills framework.",
        **subject_changes,
    }
    del document["credentialSchema"]
    return document


def test_an_endorsement_signed_by_its_issuer_is_valid_and_says_what_it_endorses() -> None:
    report = run(CredentialJson(sign(endorsement())))

    assert report.verdict is Verdict.VALID, report.to_json()["checks"]
    summary = report.to_json()["summary"]
    assert summary["endorses"] == "https://uni.example.org/achievements/data-literacy"
    assert summary["achievement_name"] == "Endorsement of the Data Literacy badge"
    assert summary["achievement_description"] == "Meets the regional data skills framework."


def test_a_changed_endorsement_is_invalid() -> None:
    signed = sign(endorsement())
    signed["credentialSubject"]["endorsementComment"] = "Outstanding in every way."

    assert run(CredentialJson(signed)).verdict is Verdict.INVALID


def test_an_endorsement_that_does_not_say_what_it_endorses_is_invalid() -> None:
    document = endorsement()
    del document["credentialSubject"]["id"]

    report = run(CredentialJson(sign(document)))

    assert report.verdict is Verdict.INVALID
    assert any("what it endorses (credentialSubject.id)" in m for m in report.errors)


def test_an_expired_endorsement_is_expired() -> None:
    document = {**endorsement(), "validUntil": "2026-03-01T00:00:00Z"}

    assert run(CredentialJson(sign(document))).verdict is Verdict.EXPIRED


def test_a_badge_is_not_an_endorsement() -> None:
    assert run(CredentialJson(sign(credential()))).to_json()["summary"]["endorses"] is None
