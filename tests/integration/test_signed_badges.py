"""Signed forms, keys, rotation and revocation lists, through the handlers against moto."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import boto3
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwcrypto import jwk, jws

from badgehub.domain import dataintegrity, multibase, statuslist
from badgehub.ports import KeyServiceError
from tests.integration.conftest import Api, Tenant, issue, table_items
from tests.support.builders import an_assertion

BASE = "https://badges.test"


def _get(api: Api, url: str) -> Any:
    reply = api.call("GET", url.removeprefix(BASE))
    assert reply.status == 200, (url, reply.body)
    return reply


def _did_key(api: Api, verification_method: str) -> bytes:
    did, _, fragment = verification_method.partition("#")
    issuer_id = did.rsplit(":", 1)[1]
    document = _get(api, f"{BASE}/issuers/{issuer_id}/did.json").json()
    assert document["id"] == did
    assert verification_method in document["assertionMethod"]
    (method,) = [m for m in document["verificationMethod"] if m["id"] == verification_method]
    assert method["controller"] == did
    kind, raw = multibase.decode_multikey(method["publicKeyMultibase"])
    assert fragment and kind in ("Ed25519", "P-256")
    return raw


def _verify_ob2_jws(api: Api, token: str) -> dict[str, Any]:
    unverified = jws.JWS()
    unverified.deserialize(token)
    payload = json.loads(unverified.objects["payload"])
    key_doc = _get(api, payload["verification"]["creator"]).json()
    issuer = _get(api, _get(api, payload["badge"]).json()["issuer"]).json()
    # The badge links to the Profile naming its key: the issuer's own, under `?key=`.
    key_id = key_doc["id"].rsplit("/", 1)[1]
    assert issuer["id"] == f"{key_doc['owner']}?key={key_id}"
    assert issuer["publicKey"] == key_doc["id"]
    assert _get(api, key_doc["owner"]).json()["name"] == issuer["name"]
    unverified.verify(jwk.JWK.from_pem(key_doc["publicKeyPem"].encode()))
    return payload


def test_issuer_gets_three_keys_in_their_key_services(api: Api, tenant: Tenant) -> None:
    keys = api.call("GET", f"/v1/issuers/{tenant.issuer_id}/keys", token=tenant.key).json()["items"]
    assert sorted(k["algorithm"] for k in keys) == ["ES256", "Ed25519", "RS256"]
    assert all(k["active"] for k in keys)
    kms = boto3.client("kms")
    metadata = [kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"] for k in kms.list_keys()["Keys"]]
    kms_specs = sorted(m["KeySpec"] for m in metadata if m["KeyUsage"] == "SIGN_VERIFY")
    assert kms_specs == ["ECC_NIST_P256", "RSA_2048"]
    assert len(boto3.client("secretsmanager").list_secrets()["SecretList"]) == 1
    assert "PRIVATE" not in json.dumps(table_items())


def test_issue_links_serve_each_signed_form_with_its_type(api: Api, tenant: Tenant) -> None:
    links = issue(api, tenant)["links"]
    assert _get(api, links["ob2Signed"]).headers["content-type"] == "text/plain"
    assert _get(api, links["credential"]).headers["content-type"] == "application/vc+ld+json"
    assert _get(api, links["credentialJwt"]).headers["content-type"] == "application/vc+jwt"


def test_ob2_jws_verifies_with_the_published_cryptographic_key(api: Api, tenant: Tenant) -> None:
    links = issue(api, tenant)["links"]
    payload = _verify_ob2_jws(api, _get(api, links["ob2Signed"]).body.decode())
    assert payload["verification"]["type"] == "SignedBadge"
    assert payload["id"].startswith("urn:uuid:")


def test_credential_proof_verifies_with_the_key_from_the_did_document(
    api: Api, tenant: Tenant
) -> None:
    credential = _get(api, issue(api, tenant)["links"]["credential"]).json()
    assert credential["issuer"]["id"].startswith("did:web:badges.test:issuers:")
    assert credential["issuer"]["url"] == f"{BASE}/issuers/{tenant.issuer_id}"
    public = _did_key(api, credential["proof"]["verificationMethod"])
    assert dataintegrity.verify_proof(credential, public)
    tampered = {**credential, "name": "Something else"}
    assert not dataintegrity.verify_proof(tampered, public)


def test_vc_jwt_verifies_with_the_p256_key_from_the_did_document(api: Api, tenant: Tenant) -> None:
    token = _get(api, issue(api, tenant)["links"]["credentialJwt"]).body.decode()
    parsed = jws.JWS()
    parsed.deserialize(token)
    header = parsed.jose_header
    assert header["alg"] == "ES256" and header["typ"] == "JWT"
    point = _did_key(api, header["kid"])
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    parsed.verify(jwk.JWK.from_pyca(public))
    claims = json.loads(parsed.payload)
    assert claims["iss"] == claims["issuer"]["id"]
    assert claims["jti"] == claims["id"]
    assert isinstance(claims["nbf"], int) and "proof" not in claims and "sub" not in claims


def test_revocation_shows_in_every_list_at_once(api: Api, tenant: Tenant) -> None:
    issued = [issue(api, tenant, email=f"r{i}@example.org") for i in range(3)]
    for assertion in issued[:2]:
        reply = api.call(
            "POST",
            f"/v1/assertions/{assertion['id']}/revoke",
            {"reason": "fraud"},
            token=tenant.key,
        )
        assert reply.status == 200
    revocations = _get(api, f"{BASE}/issuers/{tenant.issuer_id}/revocations").json()
    assert sorted(r["id"] for r in revocations["revokedAssertions"]) == sorted(
        f"urn:uuid:{a['id']}" for a in issued[:2]
    )
    for assertion, revoked in zip(issued, [True, True, False], strict=True):
        credential = _get(api, assertion["links"]["credential"]).json()
        entry = credential["credentialStatus"]
        listing = _get(api, entry["statusListCredential"])
        assert listing.headers["cache-control"] == "public, max-age=300"
        status = listing.json()
        assert status["credentialSubject"]["ttl"] == 300_000
        assert dataintegrity.verify_proof(
            status, _did_key(api, status["proof"]["verificationMethod"])
        )
        bits = statuslist.decode_list(status["credentialSubject"]["encodedList"])
        assert len(bits) * 8 >= statuslist.MIN_ENTRIES
        assert statuslist.bit_is_set(bits, int(entry["statusListIndex"])) is revoked
        hosted = api.call("GET", assertion["links"]["assertion"].removeprefix(BASE))
        assert hosted.status == (410 if revoked else 200)


def test_each_credential_gets_its_own_random_index(api: Api, tenant: Tenant) -> None:
    indexes = {
        _get(api, issue(api, tenant, email=f"i{i}@example.org")["links"]["credential"]).json()[
            "credentialStatus"
        ]["statusListIndex"]
        for i in range(6)
    }
    assert len(indexes) == 6


def test_rotation_keeps_old_badges_verifiable_and_signs_new_ones_with_new_keys(
    api: Api, tenant: Tenant
) -> None:
    before = _get(api, issue(api, tenant)["links"]["credential"]).json()
    old_jws = _get(api, issue(api, tenant)["links"]["ob2Signed"]).body.decode()
    rotated = api.call("POST", f"/v1/issuers/{tenant.issuer_id}/keys/rotate", token=tenant.key)
    assert rotated.status == 200
    states = {k["id"]: k["active"] for k in rotated.json()["items"]}
    assert states == {f"key-{n}": n > 3 for n in range(1, 7)}
    after = _get(api, issue(api, tenant)["links"]["credential"]).json()
    assert before["proof"]["verificationMethod"].endswith("#key-1")
    assert after["proof"]["verificationMethod"].endswith("#key-4")
    for credential in (before, after):
        assert dataintegrity.verify_proof(
            credential, _did_key(api, credential["proof"]["verificationMethod"])
        )
    assert _verify_ob2_jws(api, old_jws)["verification"]["creator"].endswith("/keys/key-3")
    # The plain Profile names one key, the newest: OB 2.0 validators refuse a list.
    profile = _get(api, f"/issuers/{tenant.issuer_id}").json()
    assert profile["publicKey"].endswith("/keys/key-6")


def test_a_profile_or_badge_class_for_a_key_the_issuer_does_not_have_is_404(
    api: Api, tenant: Tenant
) -> None:
    keys = api.call("GET", f"/v1/issuers/{tenant.issuer_id}/keys", token=tenant.key).json()
    ed25519 = next(k["id"] for k in keys["items"] if k["algorithm"] == "Ed25519")
    for key in (ed25519, "key-99", "<script>"):
        for path in (f"/issuers/{tenant.issuer_id}", f"/badges/{tenant.badge_id}"):
            reply = api.call("GET", f"{path}?key={quote(key, safe='')}")
            assert reply.status == 404, (path, key)
            assert reply.json()["error"]["field"] == "key"


def test_key_rotations_are_limited_per_issuer_per_day(api: Api, tenant: Tenant) -> None:
    from badgehub.usecases.issuers import ROTATIONS_PER_DAY
    from tests.integration.conftest import make_tenant

    rotate = f"/v1/issuers/{tenant.issuer_id}/keys/rotate"
    for _ in range(ROTATIONS_PER_DAY):
        assert api.call("POST", rotate, token=tenant.key).status == 200
    refused = api.call("POST", rotate, token=tenant.key)
    assert refused.status == 429, refused.body
    assert 0 < int(refused.headers["retry-after"]) <= 86400
    keys = api.call("GET", f"/v1/issuers/{tenant.issuer_id}/keys", token=tenant.key).json()
    assert len(keys["items"]) == 3 * (ROTATIONS_PER_DAY + 1)  # the refused one made no key
    other = make_tenant(api, "Other")
    assert (
        api.call("POST", f"/v1/issuers/{other.issuer_id}/keys/rotate", token=other.key).status
        == 200
    )


def test_another_issuer_cannot_rotate_or_list_keys(api: Api, tenant: Tenant) -> None:
    from tests.integration.conftest import make_tenant

    other = make_tenant(api, "Other")
    assert (
        api.call("POST", f"/v1/issuers/{tenant.issuer_id}/keys/rotate", token=other.key).status
        == 403
    )
    assert api.call("GET", f"/v1/issuers/{tenant.issuer_id}/keys", token=other.key).status == 403
    reply = api.call("POST", "/v1/issuers/nope/keys/rotate", token=other.key)
    assert reply.status == 403


def test_key_service_failure_mid_issue_stores_no_badge(
    api: Api, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from badgehub.adapters.keys import KmsKeyService

    def broken(self: KmsKeyService, key: object, message: bytes) -> bytes:
        raise KeyServiceError("KMS is down")

    monkeypatch.setattr(KmsKeyService, "sign", broken)
    reply = api.call(
        "POST", f"/v1/badges/{tenant.badge_id}/assertions", an_assertion(), token=tenant.key
    )
    assert reply.status == 503
    assert reply.json()["error"]["code"] == "service_unavailable"
    assert [i for i in table_items() if i["PK"]["S"].startswith("ASSERTION#")] == []


def test_public_key_documents_and_jwks(api: Api, tenant: Tenant) -> None:
    jwks = _get(api, f"{BASE}/issuers/{tenant.issuer_id}/jwks.json")
    assert jwks.headers["content-type"] == "application/jwk-set+json"
    keys = jwks.json()["keys"]
    assert {k["kty"] for k in keys} == {"RSA", "EC", "OKP"}
    assert all(k["iss"].startswith("did:web:") for k in keys)
    from tests.integration.conftest import make_tenant

    other = make_tenant(api, "Other")
    assert {k["iss"] for k in keys} == {
        _get(api, f"{BASE}/issuers/{tenant.issuer_id}/did.json").json()["id"]
    }  # one issuer's keys only
    assert len(_get(api, f"{BASE}/issuers/{other.issuer_id}/jwks.json").json()["keys"]) == 3
    ed = _get(api, f"{BASE}/issuers/{tenant.issuer_id}/keys/key-1").json()
    assert ed["type"] == "Multikey" and ed["publicKeyMultibase"].startswith("z6Mk")
    rsa = _get(api, f"{BASE}/issuers/{tenant.issuer_id}/keys/key-3").json()
    assert rsa["type"] == "CryptographicKey" and "BEGIN PUBLIC KEY" in rsa["publicKeyPem"]
    for path in (
        "/issuers/x/did.json",
        "/issuers/x/jwks.json",
        "/.well-known/jwks.json",
        f"/issuers/{tenant.issuer_id}/keys/key-99",
        f"/issuers/{tenant.issuer_id}/status/7",
        f"/issuers/{tenant.issuer_id}/status/x",
        "/assertions/x/credential",
    ):
        assert api.call("GET", path).status == 404, path


def test_credential_passes_the_1edtech_json_schema_and_defines_every_term(
    api: Api, tenant: Tenant
) -> None:
    from importlib.resources import files

    import jsonschema

    from badgehub.domain import jsonld

    credential = _get(
        api,
        issue(
            api,
            tenant,
            evidence=[{"url": "https://portfolio.example/ada", "narrative": "Built a thing."}],
            narrative="With distinction.",
            expires="2099-01-01T00:00:00Z",
        )["links"]["credential"],
    ).json()
    schema_file = (
        files("badgehub") / "data" / "schemas" / "ob_v3p0_achievementcredential_schema.json"
    )
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    assert [e.message for e in validator.iter_errors(credential)] == []
    assert jsonld.undefined_terms(credential) == []
    broken = {**credential, "credentialSubject": {"type": ["AchievementSubject"]}}
    assert list(validator.iter_errors(broken))
