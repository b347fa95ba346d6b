"""Verifying badges from anywhere: named checks, verdicts, and a fake web serving documents."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from badgehub.domain import dataintegrity, hashing, jws, multibase, ob3, statuslist
from badgehub.domain import verification as v
from badgehub.domain.errors import InvalidInput, PayloadTooLarge
from badgehub.domain.verification import Check, Report, Verdict
from badgehub.usecases.verify import (
    BakedImage,
    CompactToken,
    CredentialJson,
    Fetched,
    FetchError,
    Url,
    verify,
)

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
CREATED = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
BASE = "https://badges.example"
EMAIL = "Ada.Lovelace@example.org"
SALT = "pepper-and-salt"
OB2 = "https://w3id.org/openbadges/v2"
CORPUS = Path(__file__).parents[1] / "conformance" / "corpus"


class FakeWeb:
    """Serves documents by URL; any other URL fails as an unreachable host does."""

    def __init__(self) -> None:
        self.documents: dict[str, Fetched] = {}
        self.requests: list[str] = []

    def serve(
        self,
        url: str,
        document: Any,
        status: int = 200,
        content_type: str = "application/ld+json",
    ) -> None:
        if isinstance(document, bytes):
            body = document
        elif isinstance(document, str):
            body = document.encode()
        else:
            body = json.dumps(document).encode()
        self.documents[url] = Fetched(status, content_type, body, url)

    def fetch(self, url: str) -> Fetched:
        self.requests.append(url)
        if url not in self.documents:
            raise FetchError("its host name could not be found")
        return self.documents[url]


# --- keys and builders ---------------------------------------------------------------------------


def ed_key(seed: int) -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32)


ISSUER_KEY = ed_key(1)
STRANGER_KEY = ed_key(2)


def raw(key: ed25519.Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def did_key(key: ed25519.Ed25519PrivateKey) -> str:
    return multibase.did_key(raw(key))


def did_key_method(key: ed25519.Ed25519PrivateKey) -> str:
    did = did_key(key)
    return f"{did}#{did.removeprefix('did:key:')}"


@cache
def rsa_key(number: int) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def credential(issuer_id: str | None = None, **changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": list(ob3.CONTEXTS),
        "id": "urn:uuid:7d2c3a9e-1f4b-4c55-8f0e-3f2a1b0c9d88",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Data Literacy",
        "issuer": {
            "id": issuer_id or did_key(ISSUER_KEY),
            "type": ["Profile"],
            "name": "University of Examples",
            "url": "https://uni.example.org",
        },
        "validFrom": "2026-01-10T09:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "hashed": True,
                    "identityHash": hashing.hash_email(EMAIL, SALT),
                    "identityType": "emailAddress",
                    "salt": SALT,
                }
            ],
            "achievement": {
                "id": "https://uni.example.org/achievements/data-literacy",
                "type": ["Achievement"],
                "name": "Data Literacy",
                "description": "Reads, works with and argues from data.",
                "criteria": {"narrative": "Pass the data literacy module."},
                "image": {"id": "https://uni.example.org/dl.png", "type": "Image"},
            },
        },
        "credentialSchema": [{"id": ob3.SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    document.update(changes)
    return document


def sign(
    document: dict[str, Any],
    key: ed25519.Ed25519PrivateKey = ISSUER_KEY,
    method: str | None = None,
) -> dict[str, Any]:
    return dataintegrity.add_proof(
        document,
        verification_method=method or did_key_method(ISSUER_KEY),
        created=CREATED,
        sign=key.sign,
    )


STATUS_URL = "https://uni.example.org/status/1"


def status_entry(index: int = 4242) -> dict[str, str]:
    return statuslist.status_entry(STATUS_URL, index)


def status_list(
    revoked: frozenset[int] = frozenset(),
    key: ed25519.Ed25519PrivateKey = ISSUER_KEY,
    issuer: str | None = None,
) -> dict[str, Any]:
    unsigned = statuslist.status_list_credential(
        list_url=STATUS_URL,
        issuer=issuer or did_key(ISSUER_KEY),
        purpose="revocation",
        encoded_list=statuslist.encode_list(revoked),
        valid_from=CREATED,
        ttl_ms=statuslist.TTL_MS,
    )
    return sign(unsigned, key, did_key_method(key))


def ob2_documents(**assertion_changes: Any) -> dict[str, dict[str, Any]]:
    issuer_id = f"{BASE}/issuers/i1"
    assertion = {
        "@context": OB2,
        "type": "Assertion",
        "id": f"{BASE}/assertions/a1",
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": SALT,
            "identity": hashing.hash_email(EMAIL, SALT),
        },
        "badge": f"{BASE}/badges/b1",
        "verification": {"type": "HostedBadge"},
        "issuedOn": "2026-01-10T09:00:00Z",
        **assertion_changes,
    }
    badge = {
        "@context": OB2,
        "type": "BadgeClass",
        "id": f"{BASE}/badges/b1",
        "name": "First Aid",
        "description": "Completed a first aid course.",
        "image": f"{BASE}/badges/b1/image.png",
        "criteria": {"narrative": "Attend and pass the practical test."},
        "issuer": issuer_id,
    }
    issuer = {
        "@context": OB2,
        "type": "Issuer",
        "id": issuer_id,
        "name": "Example Red Cross",
        "url": "https://redcross.example",
        "email": "badges@redcross.example",
        "publicKey": [f"{issuer_id}/keys/key-3"],
        "revocationList": f"{issuer_id}/revocations",
    }
    return {"assertion": assertion, "badge": badge, "issuer": issuer}


def serve_ob2(web: FakeWeb, documents: dict[str, dict[str, Any]]) -> None:
    for document in documents.values():
        web.serve(document["id"], document)


def signed_ob2(
    web: FakeWeb,
    signer: rsa.RSAPrivateKey,
    revoked: list[dict[str, str]] | None = None,
    owner: str | None = None,
) -> str:
    """Serves badge, issuer, key and revocation list; returns the JWS."""
    documents = ob2_documents(
        id="urn:uuid:0e6f1c2a-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
        verification={"type": "SignedBadge", "creator": f"{BASE}/issuers/i1/keys/key-3"},
    )
    issuer = documents["issuer"]
    web.serve(documents["badge"]["id"], documents["badge"])
    web.serve(issuer["id"], issuer)
    web.serve(
        issuer["publicKey"][0],
        {
            "@context": OB2,
            "type": "CryptographicKey",
            "id": issuer["publicKey"][0],
            "owner": owner or issuer["id"],
            "publicKeyPem": pem(rsa_key(1)),
        },
    )
    web.serve(
        issuer["revocationList"],
        {
            "@context": OB2,
            "type": "RevocationList",
            "id": issuer["revocationList"],
            "issuer": issuer["id"],
            "revokedAssertions": revoked or [{"id": "urn:uuid:someone-else"}],
        },
    )
    return jws.sign_compact({"alg": "RS256"}, documents["assertion"], rs256_signer(signer))


def rs256_signer(key: rsa.RSAPrivateKey) -> Any:
    def sign_raw(message: bytes) -> bytes:
        return key.sign(message, padding.PKCS1v15(), hashes.SHA256())

    return sign_raw


def es256_signer(key: ec.EllipticCurvePrivateKey) -> Any:
    def sign_raw(message: bytes) -> bytes:
        r, s = decode_dss_signature(key.sign(message, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    return sign_raw


def check_named(report: Report, name: str) -> list[Check]:
    return [c for c in report.checks if c.name == name]


def run(subject: Any, web: FakeWeb | None = None, **options: Any) -> Report:
    return verify(subject, web or FakeWeb(), NOW, **options)


# --- verdicts ------------------------------------------------------------------------------------


def test_the_worst_finding_decides_the_verdict() -> None:
    revoked = v.failed("revocation", "revoked", Verdict.REVOKED)
    expired = v.failed("dates", "expired", Verdict.EXPIRED)
    missing = v.unverifiable("revocation", "unreachable")
    broken = v.failed("proof", "bad signature")
    ok = v.passed("proof", "fine")

    assert v.verdict_of([ok]) is Verdict.VALID
    assert v.verdict_of([ok, missing]) is Verdict.UNVERIFIABLE
    assert v.verdict_of([missing, expired]) is Verdict.EXPIRED
    assert v.verdict_of([expired, revoked]) is Verdict.REVOKED
    assert v.verdict_of([revoked, broken, missing]) is Verdict.INVALID
    assert v.verdict_of([v.warning("structure", "no e-mail address")]) is Verdict.VALID


def test_a_report_lists_errors_and_warnings_apart_and_serialises() -> None:
    report = Report.of(
        [
            v.passed("proof", "The signature matches."),
            v.warning("structure", "No e-mail address."),
            v.failed("dates", "Expired.", Verdict.EXPIRED),
        ],
        v.Summary(format="ob3-jwt", issued_on=CREATED),
        {"id": "x"},
    )

    data = report.to_json()
    assert data["valid"] is False and data["verdict"] == "expired"
    assert data["errors"] == ["Expired."] and data["warnings"] == ["No e-mail address."]
    assert data["checks"][0] == {
        "name": "proof",
        "passed": True,
        "message": "The signature matches.",
    }
    assert data["summary"]["issued_on"] == "2026-01-10T09:00:00Z"
    assert data["summary"]["format"] == "ob3-jwt" and data["credential"] == {"id": "x"}
    json.dumps(data)


# --- inputs --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ({"name": "A shopping list"}, "credential"),
        ({"@context": [ob3.VC_V2], "type": ["VerifiableCredential"]}, "credential"),
        ("a plain sentence", "credential"),
        ("{not json", "credential"),
        ("ftp://example.org/badge", "credential"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2ln", "jws"),
    ],
)
def test_inputs_that_are_no_badge_are_refused(value: Any, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        v.parse_input(value)

    assert refused.value.field == field


def test_not_a_badge_through_the_use_case_is_invalid_input_for_its_field() -> None:
    with pytest.raises(InvalidInput) as json_refused:
        run(CredentialJson({"hello": "world"}))
    with pytest.raises(InvalidInput) as token_refused:
        run(CompactToken("not.a.token"))
    with pytest.raises(InvalidInput) as url_refused:
        run(Url("javascript:alert(1)"))

    assert (json_refused.value.field, token_refused.value.field) == ("credential", "jws")
    assert url_refused.value.field == "url"


def test_an_address_serving_something_else_is_invalid_input() -> None:
    web = FakeWeb()
    web.serve(f"{BASE}/page", "<html><body>Hello</body></html>", content_type="text/html")

    with pytest.raises(InvalidInput) as refused:
        run(Url(f"{BASE}/page"), web)

    assert refused.value.field == "url"


def test_oversized_text_is_refused_as_too_large() -> None:
    with pytest.raises(PayloadTooLarge):
        v.parse_input("{" + " " * v.MAX_INPUT_BYTES + "}")


def test_each_kind_of_input_is_recognised() -> None:
    token = jws.sign_compact({"alg": "EdDSA"}, ob3.jwt_claims(credential()), ISSUER_KEY.sign)

    assert isinstance(v.parse_input(credential()), v.Ob3Json)
    assert isinstance(v.parse_input(json.dumps(ob2_documents()["assertion"])), v.Ob2Json)
    assert isinstance(v.parse_input(f"  {token}\n"), v.Token)
    assert v.parse_input(f"{BASE}/assertions/a1") == v.Link(f"{BASE}/assertions/a1")


# --- OB 3.0 Data Integrity -----------------------------------------------------------------------


def test_a_did_key_credential_signed_by_its_issuer_is_valid() -> None:
    signed = sign(credential())
    before = copy.deepcopy(signed)

    report = run(CredentialJson(signed), recipient_email=EMAIL)

    assert report.verdict is Verdict.VALID, report.to_json()
    assert report.valid and report.errors == [] and report.warnings == []
    assert {c.name for c in report.checks} >= {
        "structure",
        "schema",
        "key_resolution",
        "proof",
        "revocation",
        "dates",
        "recipient",
    }
    assert signed == before
    summary = report.summary
    assert summary is not None and summary.format == "ob3-data-integrity"
    assert summary.achievement_name == "Data Literacy"
    assert summary.issuer_name == "University of Examples"
    assert summary.criteria_narrative == "Pass the data literacy module."
    assert summary.image_url == "https://uni.example.org/dl.png"
    assert summary.issued_on == CREATED and summary.expires is None
    assert "ada" not in json.dumps(summary.to_json()).lower()


def test_a_changed_field_makes_the_credential_invalid() -> None:
    changed = sign(credential())
    changed["credentialSubject"]["achievement"]["name"] = "Rocket Science PhD"

    report = run(CredentialJson(changed))

    assert report.verdict is Verdict.INVALID
    assert [c.passed for c in check_named(report, "proof")] == [False]


def test_a_signature_by_another_key_is_invalid() -> None:
    forged = sign(credential(), STRANGER_KEY, did_key_method(ISSUER_KEY))

    assert run(CredentialJson(forged)).verdict is Verdict.INVALID


def test_a_key_that_is_not_the_issuers_is_invalid_even_if_the_signature_matches() -> None:
    signed = sign(credential(), STRANGER_KEY, did_key_method(STRANGER_KEY))

    report = run(CredentialJson(signed))

    assert report.verdict is Verdict.INVALID
    assert any("not to its issuer" in message for message in report.errors)


def test_an_undefined_term_is_invalid() -> None:
    signed = sign(credential())
    signed["favouriteColour"] = "green"

    report = run(CredentialJson(signed))

    assert report.verdict is Verdict.INVALID
    assert any("favouriteColour" in message for message in report.errors)


def test_a_credential_without_a_proof_is_invalid() -> None:
    report = run(CredentialJson(credential()))

    assert report.verdict is Verdict.INVALID
    assert "The badge carries no signature." in report.errors


def test_a_credential_breaking_the_schema_is_invalid() -> None:
    broken = credential()
    broken["credentialSubject"]["identifier"][0]["hashed"] = "yes"

    report = run(CredentialJson(sign(broken)))

    assert report.verdict is Verdict.INVALID
    assert [c.passed for c in check_named(report, "schema")] == [False]


def test_a_proof_type_we_cannot_check_is_unverifiable_not_invalid() -> None:
    other = credential()
    other["proof"] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "ecdsa-rdfc-2019",
        "created": "2026-01-10T09:00:00Z",
        "verificationMethod": did_key_method(ISSUER_KEY),
        "proofPurpose": "assertionMethod",
        "proofValue": "z3FXQ",
    }

    report = run(CredentialJson(other))

    assert report.verdict is Verdict.UNVERIFIABLE
    assert any("ecdsa-rdfc-2019" in message for message in report.warnings)


def test_a_broken_legacy_ed25519signature2020_proof_is_invalid() -> None:
    legacy = credential()
    legacy["@context"] = [*legacy["@context"], "https://w3id.org/security/suites/ed25519-2020/v1"]
    legacy["proof"] = {
        "type": "Ed25519Signature2020",
        "created": "2026-01-10T09:00:00Z",
        "verificationMethod": did_key_method(ISSUER_KEY),
        "proofPurpose": "assertionMethod",
        "proofValue": "z3FXQ",
    }

    assert run(CredentialJson(legacy)).verdict is Verdict.INVALID


def test_an_expired_credential_is_expired() -> None:
    expired = sign(credential(validUntil="2026-03-01T00:00:00Z"))

    report = run(CredentialJson(expired))

    assert report.verdict is Verdict.EXPIRED
    assert report.errors == ["This badge expired on 1 March 2026."]


def test_a_credential_valid_from_the_future_is_not_yet_valid() -> None:
    early = sign(credential(validFrom="2026-07-01T00:00:00Z"))

    assert run(CredentialJson(early)).verdict is Verdict.NOT_YET_VALID


def test_a_few_minutes_of_clock_skew_are_allowed() -> None:
    soon = (NOW + timedelta(minutes=3)).isoformat().replace("+00:00", "Z")

    assert run(CredentialJson(sign(credential(validFrom=soon)))).verdict is Verdict.VALID


def test_a_credential_expiring_before_it_starts_is_invalid() -> None:
    backwards = sign(
        credential(validFrom="2026-05-01T00:00:00Z", validUntil="2026-04-01T00:00:00Z")
    )

    assert run(CredentialJson(backwards)).verdict is Verdict.INVALID


# --- OB 3.0 status lists -------------------------------------------------------------------------


def test_a_clear_bit_in_the_signed_status_list_is_not_revoked() -> None:
    web = FakeWeb()
    web.serve(STATUS_URL, status_list(frozenset({7})))

    report = run(CredentialJson(sign(credential(credentialStatus=status_entry()))), web)

    assert report.verdict is Verdict.VALID, report.to_json()
    assert web.requests == [STATUS_URL]


def test_a_set_bit_in_the_status_list_is_revoked() -> None:
    web = FakeWeb()
    web.serve(STATUS_URL, status_list(frozenset({4242})))

    report = run(CredentialJson(sign(credential(credentialStatus=status_entry()))), web)

    assert report.verdict is Verdict.REVOKED
    assert report.errors == ["This badge was revoked by its issuer."]


def test_an_unreachable_status_list_is_unverifiable_with_a_warning() -> None:
    report = run(CredentialJson(sign(credential(credentialStatus=status_entry()))))

    assert report.verdict is Verdict.UNVERIFIABLE
    assert report.errors == []
    assert any(STATUS_URL in message for message in report.warnings)


@pytest.mark.parametrize(
    "listing",
    [
        pytest.param(lambda: status_list(key=STRANGER_KEY), id="signed by someone else"),
        pytest.param(lambda: {**status_list(), "validFrom": "2026-02-01T00:00:00Z"}, id="changed"),
        pytest.param(
            lambda: {k: val for k, val in status_list().items() if k != "proof"}, id="unsigned"
        ),
    ],
)
def test_a_status_list_that_cannot_be_trusted_is_unverifiable(listing: Any) -> None:
    web = FakeWeb()
    web.serve(STATUS_URL, listing())

    report = run(CredentialJson(sign(credential(credentialStatus=status_entry()))), web)

    assert report.verdict is Verdict.UNVERIFIABLE, report.to_json()


def test_a_too_short_status_list_is_unverifiable() -> None:
    unsigned = statuslist.status_list_credential(
        list_url=STATUS_URL,
        issuer=did_key(ISSUER_KEY),
        purpose="revocation",
        encoded_list=statuslist.encode_list({1}, size=1024),
        valid_from=CREATED,
        ttl_ms=None,
    )
    web = FakeWeb()
    web.serve(STATUS_URL, sign(unsigned))

    report = run(CredentialJson(sign(credential(credentialStatus=status_entry(1)))), web)

    assert report.verdict is Verdict.UNVERIFIABLE
    assert any("too short" in message for message in report.warnings)


def test_a_1edtech_revocation_list_naming_the_credential_is_revoked() -> None:
    web = FakeWeb()
    list_url = "https://uni.example.org/revocations"
    web.serve(
        list_url,
        {
            "id": list_url,
            "revokedCredentials": [
                {"id": credential()["id"], "revocationReason": "Awarded in error"}
            ],
        },
    )
    entry = {"id": list_url, "type": "1EdTechRevocationList"}

    report = run(CredentialJson(sign(credential(credentialStatus=entry))), web)

    assert report.verdict is Verdict.REVOKED
    assert report.summary is not None
    assert report.summary.revocation_reason == "Awarded in error"


# --- OB 3.0 did:web and VC-JWT -------------------------------------------------------------------


DID_WEB = "did:web:badges.example:issuers:i1"
DID_URL = f"{BASE}/issuers/i1/did.json"


def serve_did_document(web: FakeWeb, methods: list[dict[str, Any]]) -> None:
    web.serve(
        DID_URL,
        {
            "@context": ob3.DID_CONTEXTS,
            "id": DID_WEB,
            "verificationMethod": methods,
            "assertionMethod": [m["id"] for m in methods],
        },
    )


def test_a_did_web_credential_resolves_its_key_from_the_did_document() -> None:
    web = FakeWeb()
    method = f"{DID_WEB}#key-1"
    serve_did_document(
        web,
        [
            {
                "id": method,
                "type": "Multikey",
                "controller": DID_WEB,
                "publicKeyMultibase": multibase.ed25519_multikey(raw(ISSUER_KEY)),
            }
        ],
    )

    report = run(CredentialJson(sign(credential(DID_WEB), method=method)), web)

    assert report.verdict is Verdict.VALID, report.to_json()
    assert "The signature matches the issuer's published key key-1." in [
        c.message for c in report.checks
    ]
    assert web.requests == [DID_URL]


def test_a_did_web_key_not_listed_for_assertions_is_invalid() -> None:
    web = FakeWeb()
    method = f"{DID_WEB}#key-1"
    web.serve(
        DID_URL,
        {
            "id": DID_WEB,
            "verificationMethod": [
                {
                    "id": method,
                    "type": "Multikey",
                    "controller": DID_WEB,
                    "publicKeyMultibase": multibase.ed25519_multikey(raw(ISSUER_KEY)),
                }
            ],
            "assertionMethod": [],
        },
    )

    report = run(CredentialJson(sign(credential(DID_WEB), method=method)), web)

    assert report.verdict is Verdict.INVALID
    assert any("assertionMethod" in message for message in report.errors)


def test_an_unreachable_did_document_is_unverifiable() -> None:
    method = f"{DID_WEB}#key-1"

    report = run(CredentialJson(sign(credential(DID_WEB), method=method)))

    assert report.verdict is Verdict.UNVERIFIABLE


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:example.com", "https://example.com/.well-known/did.json"),
        ("did:web:example.com%3A8443:u:alice", "https://example.com:8443/u/alice/did.json"),
        ("did:web:127.0.0.1%3A3000:issuers:x", "https://127.0.0.1:3000/issuers/x/did.json"),
    ],
)
def test_did_web_identifiers_map_to_https_addresses(did: str, url: str) -> None:
    assert v.did_web_url(did) == url


@pytest.mark.parametrize("did", ["did:web:exa mple.com", "did:web:a.com:..:x", "did:web:u@h.com"])
def test_malformed_did_web_identifiers_are_refused(did: str) -> None:
    with pytest.raises(v.KeyProblem):
        v.did_web_url(did)


def test_an_es256_vc_jwt_from_a_did_web_issuer_is_valid_and_tampering_is_caught() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
    )
    web = FakeWeb()
    method = f"{DID_WEB}#key-2"
    serve_did_document(
        web,
        [
            {
                "id": method,
                "type": "Multikey",
                "controller": DID_WEB,
                "publicKeyMultibase": multibase.p256_multikey(point),
            }
        ],
    )
    header = {"alg": "ES256", "kid": method, "typ": "JWT"}
    token = jws.sign_compact(header, ob3.jwt_claims(credential(DID_WEB)), es256_signer(key))
    head, payload, signature = token.split(".")
    claims = json.loads(jws.b64url_decode(payload))
    claims["credentialSubject"]["achievement"]["name"] = "Something else"
    forged = f"{head}.{jws.b64url(json.dumps(claims).encode())}.{signature}"

    report = run(CompactToken(token), web, recipient_email=EMAIL)

    assert report.verdict is Verdict.VALID, report.to_json()
    assert report.summary is not None and report.summary.format == "ob3-jwt"
    assert report.credential is not None and "iss" not in report.credential
    assert run(CompactToken(forged), web).verdict is Verdict.INVALID


def test_an_eddsa_vc_jwt_with_a_did_key_and_a_vc_claim_is_valid() -> None:
    vc = credential()
    del vc["issuer"]  # VC 1.1 JWTs may carry the issuer in `iss` only
    claims = {"iss": did_key(ISSUER_KEY), "nbf": int(CREATED.timestamp()), "vc": vc}
    header = {"alg": "EdDSA", "kid": did_key_method(ISSUER_KEY)}

    report = run(CompactToken(jws.sign_compact(header, claims, ISSUER_KEY.sign)))

    assert report.verdict is Verdict.VALID, report.to_json()


def test_a_vc_jwt_with_an_unaccepted_algorithm_is_invalid() -> None:
    claims = ob3.jwt_claims(credential())
    token = jws.sign_compact({"alg": "HS256", "kid": did_key_method(ISSUER_KEY)}, claims, bytes)

    assert run(CompactToken(token)).verdict is Verdict.INVALID


def test_a_vc_jwt_whose_nbf_is_in_the_future_is_not_yet_valid() -> None:
    claims = {**ob3.jwt_claims(credential()), "nbf": int((NOW + timedelta(days=2)).timestamp())}
    header = {"alg": "EdDSA", "kid": did_key_method(ISSUER_KEY)}

    report = run(CompactToken(jws.sign_compact(header, claims, ISSUER_KEY.sign)))

    assert report.verdict is Verdict.NOT_YET_VALID


# --- recipient -----------------------------------------------------------------------------------


def test_the_right_recipient_passes_whatever_the_case_of_the_address() -> None:
    report = run(CredentialJson(sign(credential())), recipient_email="  ada.lovelace@EXAMPLE.org ")

    assert [c.passed for c in check_named(report, "recipient")] == [True]
    assert report.verdict is Verdict.VALID


def test_a_wrong_recipient_is_invalid_and_the_address_is_not_echoed() -> None:
    report = run(CredentialJson(sign(credential())), recipient_email="mallory@example.org")

    assert report.verdict is Verdict.INVALID
    assert report.errors == ["This badge was not issued to the e-mail address you entered."]
    assert "mallory" not in json.dumps(report.to_json())


def test_a_plaintext_ob2_recipient_is_compared_case_insensitively() -> None:
    assertion = {"recipient": {"type": "email", "hashed": False, "identity": EMAIL}}

    assert v.ob2_recipient_check(assertion, EMAIL.upper()).passed
    assert not v.ob2_recipient_check(assertion, "eve@example.org").passed


def test_md5_recipient_hashes_are_accepted() -> None:
    import hashlib

    digest = hashlib.md5(b"ada.lovelace@example.org" + SALT.encode()).hexdigest()
    assertion = {
        "recipient": {"type": "email", "hashed": True, "salt": SALT, "identity": f"md5${digest}"}
    }

    assert v.ob2_recipient_check(assertion, EMAIL).passed


# --- OB 2.0 hosted -------------------------------------------------------------------------------


def test_a_hosted_ob2_badge_confirmed_by_its_issuer_is_valid() -> None:
    web = FakeWeb()
    documents = ob2_documents()
    serve_ob2(web, documents)

    report = run(
        CredentialJson(documents["assertion"]),
        web,
        recipient_email=EMAIL,
        own_base_url="https://elsewhere.example",
    )

    assert report.verdict is Verdict.VALID, report.to_json()
    summary = report.summary
    assert summary is not None and summary.format == "ob2-hosted"
    assert (summary.issuer_name, summary.achievement_name) == ("Example Red Cross", "First Aid")
    assert summary.issuer_url == "https://redcross.example" and not summary.hosted_here


def test_a_hosted_badge_given_by_url_is_verified_from_the_issuers_copy() -> None:
    web = FakeWeb()
    documents = ob2_documents()
    serve_ob2(web, documents)

    report = run(Url(documents["assertion"]["id"]), web, own_base_url=BASE)

    assert report.verdict is Verdict.VALID, report.to_json()
    assert report.summary is not None and report.summary.hosted_here
    assert web.requests.count(documents["assertion"]["id"]) == 1


def test_a_hosted_badge_marked_revoked_is_revoked_with_its_reason() -> None:
    web = FakeWeb()
    documents = ob2_documents()
    serve_ob2(web, documents)
    web.serve(
        documents["assertion"]["id"],
        {**documents["assertion"], "revoked": True, "revocationReason": "Course not completed"},
    )

    report = run(CredentialJson(documents["assertion"]), web)

    assert report.verdict is Verdict.REVOKED
    assert report.summary is not None
    assert report.summary.revocation_reason == "Course not completed"
    assert any("Course not completed" in message for message in report.errors)


def test_a_hosted_badge_answering_gone_is_revoked() -> None:
    web = FakeWeb()
    documents = ob2_documents()
    serve_ob2(web, documents)
    stub = {
        "@context": OB2,
        "type": "Assertion",
        "id": documents["assertion"]["id"],
        "revoked": True,
        "revocationReason": "Fraud",
    }
    web.serve(documents["assertion"]["id"], stub, status=410)

    from_json = run(CredentialJson(documents["assertion"]), web)
    from_url = run(Url(documents["assertion"]["id"]), web)

    assert from_json.verdict is Verdict.REVOKED and from_url.verdict is Verdict.REVOKED
    assert from_json.summary is not None and from_json.summary.achievement_name == "First Aid"
    assert from_json.summary.revocation_reason == "Fraud"


def test_a_hosted_badge_on_another_host_than_its_issuer_is_invalid() -> None:
    web = FakeWeb()
    documents = ob2_documents(id="https://copycat.example/assertions/a1")
    serve_ob2(web, documents)

    report = run(CredentialJson(documents["assertion"]), web)

    assert report.verdict is Verdict.INVALID
    assert any("copycat.example" in message for message in report.errors)


def test_an_unreachable_hosted_badge_is_unverifiable() -> None:
    report = run(CredentialJson(ob2_documents()["assertion"]))

    assert report.verdict is Verdict.UNVERIFIABLE
    assert report.errors == []


def test_a_supplied_copy_differing_from_the_hosted_one_warns_and_the_hosted_one_counts() -> None:
    web = FakeWeb()
    documents = ob2_documents()
    serve_ob2(web, documents)
    doctored = {**documents["assertion"], "narrative": "Top of the class"}

    report = run(CredentialJson(doctored), web)

    assert report.verdict is Verdict.VALID
    assert report.credential == documents["assertion"]
    assert any("differs" in message for message in report.warnings)


def test_an_ob2_date_without_a_time_zone_is_invalid() -> None:
    web = FakeWeb()
    documents = ob2_documents(issuedOn="2026-01-10T09:00:00")
    serve_ob2(web, documents)

    assert run(CredentialJson(documents["assertion"]), web).verdict is Verdict.INVALID


def test_an_expired_hosted_badge_is_expired() -> None:
    web = FakeWeb()
    documents = ob2_documents(expires="2026-02-01T00:00:00+01:00")
    serve_ob2(web, documents)

    assert run(CredentialJson(documents["assertion"]), web).verdict is Verdict.EXPIRED


def test_an_issuer_without_an_e_mail_address_only_warns() -> None:
    web = FakeWeb()
    documents = ob2_documents()
    del documents["issuer"]["email"]
    serve_ob2(web, documents)

    report = run(CredentialJson(documents["assertion"]), web)

    assert report.verdict is Verdict.VALID
    assert report.warnings == ["The issuer's profile gives no e-mail address (email)."]


# --- OB 2.0 signed -------------------------------------------------------------------------------


def test_a_signed_ob2_badge_by_the_issuers_listed_key_is_valid() -> None:
    web = FakeWeb()
    token = signed_ob2(web, rsa_key(1))

    report = run(CompactToken(token), web, recipient_email=EMAIL)

    assert report.verdict is Verdict.VALID, report.to_json()
    assert "The signature matches the issuer's published key key-3." in [
        c.message for c in report.checks
    ]
    assert report.summary is not None and report.summary.format == "ob2-signed"


def test_a_signed_ob2_badge_by_another_rsa_key_is_invalid() -> None:
    web = FakeWeb()

    assert run(CompactToken(signed_ob2(web, rsa_key(2))), web).verdict is Verdict.INVALID


def test_a_signed_ob2_key_owned_by_someone_else_is_invalid() -> None:
    web = FakeWeb()
    token = signed_ob2(web, rsa_key(1), owner="https://mallory.example/issuer")

    report = run(CompactToken(token), web)

    assert report.verdict is Verdict.INVALID
    assert any("mallory.example" in message for message in report.errors)


def test_a_signed_ob2_badge_in_the_revocation_list_is_revoked() -> None:
    web = FakeWeb()
    revoked = [
        {"id": "urn:uuid:0e6f1c2a-5b7d-4e8f-9a0b-1c2d3e4f5a6b", "revocationReason": "Misconduct"}
    ]
    token = signed_ob2(web, rsa_key(1), revoked=revoked)

    report = run(CompactToken(token), web)

    assert report.verdict is Verdict.REVOKED
    assert report.summary is not None and report.summary.revocation_reason == "Misconduct"


def test_a_signed_ob2_badge_whose_revocation_list_is_unreachable_is_unverifiable() -> None:
    web = FakeWeb()
    token = signed_ob2(web, rsa_key(1))
    del web.documents[f"{BASE}/issuers/i1/revocations"]

    report = run(CompactToken(token), web)

    assert report.verdict is Verdict.UNVERIFIABLE
    assert len(report.warnings) == 1


def test_a_tampered_signed_ob2_badge_is_invalid() -> None:
    web = FakeWeb()
    head, payload, signature = signed_ob2(web, rsa_key(1)).split(".")
    claims = json.loads(jws.b64url_decode(payload))
    claims["issuedOn"] = "2020-01-01T00:00:00Z"
    forged = f"{head}.{jws.b64url(json.dumps(claims).encode())}.{signature}"

    assert run(CompactToken(forged), web).verdict is Verdict.INVALID


def test_a_signed_ob2_assertion_without_its_signature_is_unverifiable() -> None:
    documents = ob2_documents(
        id="urn:uuid:0e6f1c2a-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
        verification={"type": "SignedBadge", "creator": f"{BASE}/issuers/i1/keys/key-3"},
    )

    assert run(CredentialJson(documents["assertion"])).verdict is Verdict.UNVERIFIABLE


# --- baked images and addresses ------------------------------------------------------------------


def test_a_baked_png_carrying_a_credential_is_verified() -> None:
    baking = pytest.importorskip("badgehub.domain.baking")
    from tests.support.builders import png_bytes

    image = baking.bake(png_bytes(), "image/png", json.dumps(sign(credential())), "ob3")

    report = run(BakedImage(image))

    assert report.verdict is Verdict.VALID, report.to_json()


def test_an_image_without_a_badge_is_invalid_input() -> None:
    pytest.importorskip("badgehub.domain.baking")
    from tests.support.builders import png_bytes

    with pytest.raises(InvalidInput) as refused:
        run(BakedImage(png_bytes()))

    assert refused.value.field == "image"


def test_an_address_serving_a_signed_token_is_verified() -> None:
    web = FakeWeb()
    token = signed_ob2(web, rsa_key(1))
    web.serve(f"{BASE}/assertions/a1/jws", token, content_type="text/plain")

    assert run(Url(f"{BASE}/assertions/a1/jws"), web).verdict is Verdict.VALID


def test_an_unreachable_address_is_unverifiable() -> None:
    report = run(Url("https://nowhere.example/badge"))

    assert report.verdict is Verdict.UNVERIFIABLE and report.summary is None


# --- where a badge lives -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("identifier", "here"),
    [
        ("https://badges.example/issuers/i1", True),
        ("https://badges.example.evil/issuers/i1", False),
        ("did:web:badges.example:issuers:i1", True),
        ("did:web:badges.example.evil:issuers:i1", False),
        ("did:key:z6Mkabc", False),
    ],
)
def test_hosted_here_knows_our_urls_and_our_did_web(identifier: str, here: bool) -> None:
    assert v.is_hosted_here([identifier], BASE + "/") is here


def test_our_own_local_did_web_with_a_port_is_hosted_here() -> None:
    assert v.is_hosted_here(["did:web:127.0.0.1%3A8443:issuers:x"], "https://127.0.0.1:8443")


# --- the corpus ----------------------------------------------------------------------------------


class Offline:
    def fetch(self, url: str) -> Fetched:
        raise FetchError("its host name could not be found")


def _corpus_verdict(name: str) -> str:
    text = (CORPUS / name).read_text(encoding="utf-8")
    subject: Any = CompactToken(text) if name.endswith(".jwt") else CredentialJson(json.loads(text))
    try:
        return verify(subject, Offline(), NOW).verdict.value
    except InvalidInput:
        return "rejected"


EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("name", "verdict"), sorted(EXPECTED.items()))
def test_the_corpus_gets_its_expected_verdicts(name: str, verdict: str) -> None:
    assert _corpus_verdict(name) == verdict


def test_the_corpus_files_are_what_the_generator_makes() -> None:
    from tests.conformance.corpus.make_corpus import build

    files, expected = build()

    assert expected == EXPECTED
    for name, content in files.items():
        assert (CORPUS / name).read_text(encoding="utf-8") == content, name


# --- hostile inputs ------------------------------------------------------------------------------


def test_absurdly_nested_input_is_refused_before_any_processing() -> None:
    nested: dict[str, Any] = {"x": "y"}
    for _ in range(5000):
        nested = {"x": nested}
    badge = {**credential(), "deep": nested}

    with pytest.raises(InvalidInput):
        run(CredentialJson(badge))


def test_a_badge_linking_to_endless_documents_stops_fetching() -> None:
    entries = [
        {**status_entry(), "statusListCredential": f"https://lists.example/{n}"} for n in range(40)
    ]
    unsigned = credential(credentialStatus=entries)
    del unsigned["credentialSchema"]  # the schema allows one status entry; the proof many
    web = FakeWeb()

    report = run(CredentialJson(sign(unsigned)), web)

    assert report.verdict is Verdict.UNVERIFIABLE, report.errors
    assert len(web.requests) <= 10


# --- impersonation -------------------------------------------------------------------------------


def test_a_signed_ob2_badge_cannot_vouch_for_its_own_key_with_an_embedded_issuer() -> None:
    web = FakeWeb()
    signed_ob2(web, rsa_key(1))  # the real issuer, serving its own profile and key-3
    forger = f"{BASE}.evil/key"
    web.serve(
        forger,
        {
            "type": "CryptographicKey",
            "id": forger,
            "owner": f"{BASE}/issuers/i1",
            "publicKeyPem": pem(rsa_key(2)),
        },
    )
    documents = ob2_documents(
        id="urn:uuid:3a1e",
        verification={"type": "SignedBadge", "creator": forger},
    )
    badge = {**documents["badge"], "issuer": {**documents["issuer"], "publicKey": [forger]}}
    assertion = {**documents["assertion"], "badge": badge}
    token = jws.sign_compact({"alg": "RS256"}, assertion, rs256_signer(rsa_key(2)))

    report = run(CompactToken(token), web)

    assert report.verdict is Verdict.INVALID
    assert "The issuer's profile does not list the key that signed this badge." in report.errors


def test_a_document_served_under_another_id_is_not_trusted() -> None:
    web = FakeWeb()
    documents = ob2_documents()
    serve_ob2(web, documents)
    web.serve(f"{BASE}/badges/b1", {**documents["badge"], "issuer": f"{BASE}/impostor"})
    web.serve(f"{BASE}/impostor", {**documents["issuer"], "id": "https://famous.example/issuer"})

    report = run(CredentialJson(documents["assertion"]), web)

    assert report.verdict is Verdict.INVALID
    assert f"The document at {BASE}/impostor describes something else." in report.errors


def _key_document_credential(web: FakeWeb, listed: bool) -> dict[str, Any]:
    issuer = "https://uni.example.org/issuer"
    key_url = "https://keys.example/k1"
    web.serve(
        key_url,
        {
            "id": key_url,
            "type": "Multikey",
            "controller": issuer,
            "publicKeyMultibase": multibase.ed25519_multikey(raw(ISSUER_KEY)),
        },
    )
    web.serve(issuer, {"id": issuer, "assertionMethod": [key_url] if listed else []})
    return sign(credential(issuer), method=key_url)


def test_a_key_document_is_trusted_only_when_its_controller_lists_it() -> None:
    listed, unlisted = FakeWeb(), FakeWeb()

    ok = run(CredentialJson(_key_document_credential(listed, listed=True)), listed)
    forged = run(CredentialJson(_key_document_credential(unlisted, listed=False)), unlisted)

    assert ok.verdict is Verdict.VALID, ok.to_json()
    assert forged.verdict is Verdict.INVALID
    assert any("assertionMethod" in message for message in forged.errors)


# --- key rotation ---------------------------------------------------------------------------------


def _retired_key_badge(web: FakeWeb, key_url: str, owner: str) -> str:
    """A badge signed by a key its issuer's profile no longer names (it names key-3 now)."""
    signed_ob2(web, rsa_key(1))
    web.serve(
        key_url,
        {
            "@context": OB2,
            "type": "CryptographicKey",
            "id": key_url,
            "owner": owner,
            "publicKeyPem": pem(rsa_key(2)),
        },
    )
    documents = ob2_documents(
        id="urn:uuid:7b2e",
        verification={"type": "SignedBadge", "creator": key_url},
    )
    return jws.sign_compact({"alg": "RS256"}, documents["assertion"], rs256_signer(rsa_key(2)))


def test_a_badge_signed_by_a_retired_key_published_by_its_issuer_stays_valid() -> None:
    web = FakeWeb()
    token = _retired_key_badge(web, f"{BASE}/issuers/i1/keys/key-1", f"{BASE}/issuers/i1")

    report = run(CompactToken(token), web)

    assert report.verdict is Verdict.VALID, report.errors


def test_a_key_published_elsewhere_cannot_claim_an_issuer_it_is_not_listed_by() -> None:
    web = FakeWeb()
    token = _retired_key_badge(web, "https://elsewhere.example/keys/1", f"{BASE}/issuers/i1")

    report = run(CompactToken(token), web)

    assert report.verdict is Verdict.INVALID
    assert "The issuer's profile does not list the key that signed this badge." in report.errors


def test_a_retired_key_on_the_issuers_site_must_still_name_the_issuer_as_owner() -> None:
    web = FakeWeb()
    token = _retired_key_badge(web, f"{BASE}/issuers/i1/keys/key-1", f"{BASE}/issuers/i2")

    report = run(CompactToken(token), web)

    assert report.verdict is Verdict.INVALID


def test_a_profile_of_one_key_vouches_for_it_under_the_issuers_own_id() -> None:
    web = FakeWeb()
    token = _retired_key_badge(web, f"{BASE}/issuers/i1/keys/key-1", f"{BASE}/issuers/i1")
    documents = ob2_documents()
    per_key = f"{BASE}/issuers/i1?key=key-1"
    web.serve(f"{BASE}/badges/b1", {**documents["badge"], "issuer": per_key})
    web.serve(
        per_key,
        {**documents["issuer"], "id": per_key, "publicKey": f"{BASE}/issuers/i1/keys/key-1"},
    )

    report = run(CompactToken(token), web)

    assert report.verdict is Verdict.VALID, report.errors


def test_a_profile_of_one_key_cannot_take_a_key_owned_by_another_issuer() -> None:
    web = FakeWeb()
    token = _retired_key_badge(web, f"{BASE}/issuers/i1/keys/key-1", f"{BASE}/issuers/i2")
    documents = ob2_documents()
    per_key = f"{BASE}/issuers/i1?key=key-1"
    web.serve(f"{BASE}/badges/b1", {**documents["badge"], "issuer": per_key})
    web.serve(
        per_key,
        {**documents["issuer"], "id": per_key, "publicKey": f"{BASE}/issuers/i1/keys/key-1"},
    )

    report = run(CompactToken(token), web)

    assert report.verdict is Verdict.INVALID
