"""Shapes real badges come in beyond our own: older contexts, proof sets, keys in JWT headers,
context aliases, older Open Badges versions and endorsements. Badges made here, so each shape
is tried valid and broken."""

from __future__ import annotations

from typing import Any

import pytest

from badgehub.domain.verification import Verdict
from badgehub.usecases.verify import CredentialJson
from tests.unit.test_verification import (
    FakeWeb,
    check_named,
    credential,
    run,
    sign,
)

VC_V1 = "https://www.w3.org/2018/credentials/v1"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-{}.json"
EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
DATA_INTEGRITY = "https://w3id.org/security/data-integrity/v2"


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

