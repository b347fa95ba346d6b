"""Signed badges from the running platform, checked by verifiers written by others.

OB 2.0 JWS: the 1EdTech validator. OB 3.0 Data Integrity credentials: the Digital Credentials
Consortium's verifier-core, resolving our issuers' did:web documents over https.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ed25519

from badgehub.domain import dataintegrity
from tests.conformance.conftest import Ob2Validator, VcVerifier, errors_of
from tests.support.portal import issue_demo

pytestmark = pytest.mark.conformance


def _auth(platform: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {platform['demo']['api_key']}"}


def _revoke(platform: dict[str, Any], assertion_id: str) -> None:
    reply = requests.post(
        f"{platform['base_url']}/v1/assertions/{assertion_id}/revoke",
        json={"reason": "issued in error"},
        headers=_auth(platform),
        timeout=30,
    )
    assert reply.status_code == 200, reply.text


def _credential(issued: dict[str, Any]) -> dict[str, Any]:
    reply = requests.get(issued["links"]["credential"], timeout=10)
    assert reply.headers["content-type"] == "application/vc+ld+json"
    document: dict[str, Any] = reply.json()
    return document


def test_1edtech_validator_accepts_our_signed_jws(
    platform: dict[str, Any], ob2_validator: Ob2Validator
) -> None:
    issued = issue_demo(platform, "signed@example.org")
    token = requests.get(issued["links"]["ob2Signed"], timeout=10).text
    report = ob2_validator.validate(token, recipient="signed@example.org")
    assert errors_of(report) == []
    assert report["valid"] is True


def test_1edtech_validator_finds_revoked_signed_badges_in_our_revocation_list(
    platform: dict[str, Any], ob2_validator: Ob2Validator
) -> None:
    # The validator misreads a list with exactly one entry, so the list here holds several.
    issued = [issue_demo(platform, f"gone{i}@example.org") for i in range(2)]
    for assertion in issued:
        _revoke(platform, assertion["id"])
    token = requests.get(issued[0]["links"]["ob2Signed"], timeout=10).text
    report = ob2_validator.validate(token, recipient="gone0@example.org")
    assert report["valid"] is False
    assert any("revoked" in message.lower() for message in errors_of(report))


def test_1edtech_validator_rejects_a_tampered_jws(
    platform: dict[str, Any], ob2_validator: Ob2Validator
) -> None:
    token = requests.get(
        issue_demo(platform, "t@example.org")["links"]["ob2Signed"], timeout=10
    ).text
    header, payload, signature = token.split(".")
    forged = f"{header}.{payload[:-4]}AAAA.{signature}"
    report = ob2_validator.validate(forged, recipient="t@example.org")
    assert report["valid"] is False


def test_dcc_verifier_accepts_our_credential(
    platform: dict[str, Any], vc_verifier: VcVerifier
) -> None:
    result = vc_verifier.verify(
        _credential(issue_demo(platform, "ob3@example.org")), platform["ca_file"]
    )
    assert result["errors"] == []
    assert result["signature"] == "valid"
    assert result["status"] == {"revocation": "not_revoked"}
    assert result["schema"]["valid"] is True
    assert result["verified"] is True


def test_dcc_verifier_sees_revocation_through_our_status_list(
    platform: dict[str, Any], vc_verifier: VcVerifier
) -> None:
    issued = issue_demo(platform, "revoked3@example.org")
    _revoke(platform, issued["id"])
    result = vc_verifier.verify(_credential(issued), platform["ca_file"])
    assert result["signature"] == "valid"
    assert result["status"] == {"revocation": "revoked"}
    assert result["verified"] is False


def test_dcc_verifier_rejects_a_changed_field(
    platform: dict[str, Any], vc_verifier: VcVerifier
) -> None:
    credential = _credential(issue_demo(platform, "changed@example.org"))
    credential["credentialSubject"]["achievement"]["name"] = "Rocket Science PhD"
    result = vc_verifier.verify(credential, platform["ca_file"])
    assert result["signature"] != "valid"
    assert result["verified"] is False


def test_dcc_verifier_rejects_a_signature_by_another_key(
    platform: dict[str, Any], vc_verifier: VcVerifier
) -> None:
    credential = _credential(issue_demo(platform, "forged@example.org"))
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    stranger = ed25519.Ed25519PrivateKey.generate()
    forged = dataintegrity.add_proof(
        unsigned,
        verification_method=credential["proof"]["verificationMethod"],
        created=datetime.now(UTC),
        sign=stranger.sign,
    )
    result = vc_verifier.verify(forged, platform["ca_file"])
    assert result["signature"] != "valid"
    assert result["verified"] is False


def test_expired_badges_verify_as_expired_in_both_verifiers(
    platform: dict[str, Any], vc_verifier: VcVerifier, ob2_validator: Ob2Validator
) -> None:
    expires = datetime.now(UTC) + timedelta(seconds=2)
    issued = issue_demo(platform, "expired@example.org", expires=expires.isoformat())
    credential = _credential(issued)
    token = requests.get(issued["links"]["ob2Signed"], timeout=10).text
    time.sleep(max(0.0, (expires - datetime.now(UTC)).total_seconds()) + 1.5)
    result = vc_verifier.verify(credential, platform["ca_file"])
    assert result["signature"] == "valid"
    assert {"id": "expiration", "valid": False} in [
        {"id": c["id"], "valid": c["valid"]} for c in result["checks"]
    ]
    assert result["verified"] is False
    report = ob2_validator.validate(token, recipient="expired@example.org")
    assert report["valid"] is False
    assert any("expired" in message.lower() for message in errors_of(report))
