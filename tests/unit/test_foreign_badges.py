"""Real badges written by other software: the verdict each gets, offline and with its hosts up.

The files are read in place from the shared fixtures folder beside the checkout (their README
names the repository and commit each was copied from); they are never copied into the project.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from badgehub.domain import baking, jws
from badgehub.domain.verification import Report, Verdict
from badgehub.usecases.verify import BakedImage, CredentialJson
from tests.unit.test_verification import FakeWeb, check_named, run

FOREIGN = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "foreign-badges"

pytestmark = pytest.mark.skipif(
    not FOREIGN.is_dir(), reason="the shared foreign-badge fixtures are not beside this checkout"
)


def foreign_json(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((FOREIGN / name).read_text(encoding="utf-8"))
    return document


def messages(report: Report, name: str) -> list[str]:
    return [c.message for c in check_named(report, name)]


# --- Verifiable Credentials 1.1 ------------------------------------------------------------------


def test_a_vc_1_1_open_badge_signed_by_its_did_key_is_valid_offline() -> None:
    """Given the OB 3.0 spec example in its VC 1.1 form, signed eddsa-rdfc-2022 by a did:key,
    when it is verified with no network, then its VC 1.1 context is read from the bundle."""
    report = run(CredentialJson(foreign_json("dcctf-v1-di-didkey-obspecexample.json")), FakeWeb())

    assert report.verdict is Verdict.VALID, report.to_json()["checks"]
    assert any(c.passed for c in check_named(report, "proof"))
    assert "Every field in the badge is defined by its contexts." in messages(report, "structure")


# --- Proof sets ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["dcctf-v1-both-didkey-basicobv3.json", "dcctf-v2-both-didkey.json"]
)
def test_a_badge_signed_twice_by_its_issuer_is_valid_with_each_signature_checked(
    name: str,
) -> None:
    """Given eddsa-rdfc-2022 and Ed25519Signature2020 proofs side by side (a proof set), when
    it is verified, then each proof is its own passed check."""
    report = run(CredentialJson(foreign_json(name)), FakeWeb())

    assert report.verdict is Verdict.VALID, report.to_json()["checks"]
    proofs = check_named(report, "proof")
    assert [c.passed for c in proofs] == [True, True]
    assert proofs[0].message.startswith("Signature 1 of 2 (eddsa-rdfc-2022) matches")
    assert proofs[1].message.startswith("Signature 2 of 2 (Ed25519Signature2020) matches")


# --- OB 2.0 context aliases ---------------------------------------------------------------------


def test_an_ob2_assertion_saying_verify_is_read_as_verification() -> None:
    """Given badgr's hosted assertion with an embedded badge class and `verify` (the OB 2.0
    context's alias of `verification`), when verified offline, then nothing is wrong with its
    content, and it is unverifiable only because its host (a.com) cannot be reached."""
    report = run(CredentialJson(foreign_json("badgr-ob20-embedded-badgeclass.json")), FakeWeb())

    assert report.verdict is Verdict.UNVERIFIABLE
    assert all(c.passed for c in check_named(report, "structure")), report.errors
    (hosted,) = check_named(report, "hosted")
    assert "http://a.com/assertion-embedded1" in hosted.message
    assert report.credential is not None and "verify" in report.credential  # shown as given


# --- VC-JWT carrying its key in the header ------------------------------------------------------

JWT_PNG = "1et-ob30-simple-jwt-png.png"
ISSUER_KEYS = "https://1edtech.edu/.well-known/jwks.json"


def carried_jwk(png: str) -> dict[str, Any]:
    baked = baking.unbake((FOREIGN / png).read_bytes())
    assert baked is not None
    header: dict[str, Any] = json.loads(jws.b64url_decode(str(baked.payload).split(".")[0]))
    return dict(header["jwk"])


def test_a_baked_vc_jwt_carrying_its_key_is_unverifiable_offline() -> None:
    """Given 1EdTech's baked PNG whose token carries its RSA key (`jwk`) and whose issuer is
    an https address, when verified offline, then the signature matches that key, but whether
    the key is the issuer's cannot be confirmed: the issuer's key set is out of reach."""
    report = run(BakedImage((FOREIGN / JWT_PNG).read_bytes()), FakeWeb())

    assert report.verdict is Verdict.UNVERIFIABLE
    assert report.summary is not None and report.summary.format == "ob3-jwt"
    (resolution,) = check_named(report, "key_resolution")
    assert ISSUER_KEYS in resolution.message and resolution.outcome is Verdict.UNVERIFIABLE
    (proof,) = check_named(report, "proof")
    assert proof.passed and "the key the token carries" in proof.message


def test_a_baked_vc_jwt_is_valid_once_its_issuer_lists_the_key() -> None:
    web = FakeWeb()
    web.serve(
        ISSUER_KEYS, {"keys": [carried_jwk(JWT_PNG)]}, content_type="application/jwk-set+json"
    )

    report = run(BakedImage((FOREIGN / JWT_PNG).read_bytes()), web)

    assert report.verdict is Verdict.VALID, report.to_json()["checks"]


def test_a_baked_vc_jwt_whose_issuer_lists_other_keys_is_invalid() -> None:
    web = FakeWeb()
    other = {**carried_jwk(JWT_PNG), "n": carried_jwk(JWT_PNG)["n"][::-1]}
    web.serve(ISSUER_KEYS, {"keys": [other]}, content_type="application/jwk-set+json")

    report = run(BakedImage((FOREIGN / JWT_PNG).read_bytes()), web)

    assert report.verdict is Verdict.INVALID
    assert any("not in the issuer's published key set" in m for m in report.errors)


# --- Open Badges before 2.0 -----------------------------------------------------------------------


OB10_PNG = "badgr-ob10-baked-png.png"
OB11_JSON = "vcore-ob11-basic-assertion.json"


def baked_ob10() -> BakedImage:
    return BakedImage((FOREIGN / OB10_PNG).read_bytes())


def test_a_baked_1_0_badge_is_read_as_2_0_and_unverifiable_offline() -> None:
    """Given badgr's baked OB 1.0 PNG, whose issuer (a.com) cannot be reached, when verified,
    then it is named as 1.0, read as 2.0, and could not be fully verified."""
    report = run(baked_ob10(), FakeWeb())

    assert report.verdict is Verdict.UNVERIFIABLE, report.to_json()["checks"]
    assert "Open Badges 1.0 badge" in messages(report, "version")[0]
    assert any("http://a.com/instance" in m for m in messages(report, "hosted"))
    assert report.summary is not None and report.summary.format == "ob1-hosted"


def test_a_baked_1_0_badge_is_valid_once_its_issuer_serves_it() -> None:
    """Given the same PNG and its issuer's 1.0 badge class and profile (the shapes of the
    1EdTech validator's own 1.0 test badges) served at its addresses, then it is valid, as the
    validator finds it."""
    web = FakeWeb()
    assertion = json.loads(baking.unbake((FOREIGN / OB10_PNG).read_bytes()).payload)  # type: ignore[union-attr]
    web.serve("http://a.com/instance", assertion)
    web.serve(
        "http://a.com/badgeclass",
        {
            "name": "Basic Badge",
            "description": "Basic as it gets. v1.0",
            "image": "http://a.com/badgeclass_image",
            "criteria": "http://a.com/badgeclass_criteria",
            "issuer": "http://a.com/issuer",
        },
    )
    web.serve("http://a.com/issuer", {"name": "Basic Issuer", "url": "http://a.com/issuer"})

    report = run(baked_ob10(), web, recipient_email="test@example.com")

    assert report.verdict is Verdict.VALID, report.to_json()["checks"]
    assert check_named(report, "recipient")[0].passed


def test_the_validators_1_1_badge_says_verification_where_1_1_says_verify() -> None:
    """Given the 1EdTech validator's 1.1 test assertion, which uses 2.0's `verification`
    (undefined in the 1.1 context, so dropped), when verified, then it is invalid for saying
    nothing about how it is verified: the validator's own finding for it."""
    report = run(CredentialJson(foreign_json(OB11_JSON)), FakeWeb())

    assert report.verdict is Verdict.INVALID
    assert "Open Badges 1.1 badge" in messages(report, "version")[0]
    assert "The badge does not say how it can be verified (verification)." in report.errors


# --- Keys named by the issuer's https address ---------------------------------------------------


def serve_issuer_key(web: FakeWeb, method_id: str) -> None:
    """The issuer's controller document, listing the key its badges name for signing: what
    a verifier would find at the issuer's address if its host were up."""
    issuer_id, multikey = method_id.split("#")
    web.serve(
        issuer_id,
        {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": issuer_id,
            "verificationMethod": [
                {
                    "id": method_id,
                    "type": "Multikey",
                    "controller": issuer_id,
                    "publicKeyMultibase": multikey,
                }
            ],
            "assertionMethod": [method_id],
        },
    )


SVG = "1et-ob30-simple-json-svg.svg"
SVG_KEY = "https://example.com/issuers/876543#z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x"


def test_a_baked_svg_credential_is_unverifiable_offline_for_want_of_its_issuers_key() -> None:
    """Given 1EdTech's baked SVG (OB 3.0 JSON in CDATA), whose key is named by an address on
    the issuer's domain, when verified offline, then its content is sound but the key, and so
    the issuer's word, cannot be reached. (1EdTech's validator reads the key from the address's
    fragment; anyone could write their own key there, so we do not.)"""
    report = run(BakedImage((FOREIGN / SVG).read_bytes()), FakeWeb())

    assert report.verdict is Verdict.UNVERIFIABLE
    assert all(c.passed for c in check_named(report, "structure"))
    (resolution,) = check_named(report, "key_resolution")
    assert SVG_KEY in resolution.message and resolution.outcome is Verdict.UNVERIFIABLE


def test_a_baked_svg_credential_is_valid_once_its_issuer_publishes_the_key() -> None:
    web = FakeWeb()
    serve_issuer_key(web, SVG_KEY)

    report = run(BakedImage((FOREIGN / SVG).read_bytes()), web)

    assert report.verdict is Verdict.VALID, report.to_json()["checks"]


# --- Endorsements -------------------------------------------------------------------------------

ENDORSEMENT = "1et-ob30-endorsement-valid.json"
ENDORSER_KEY = "https://state.gov/issuers/565049#z6MkoMGF38Ck9xkdqrbZt4h9eHb1qc3GhAAkoSWa4Vy3SHRN"


def test_an_endorsement_is_recognised_and_shows_who_endorses_what() -> None:
    """Given 1EdTech's EndorsementCredential, when verified offline, then it is read as an
    endorsement (not refused as no badge) and is unverifiable only for want of its key."""
    report = run(CredentialJson(foreign_json(ENDORSEMENT)), FakeWeb())

    assert report.verdict is Verdict.UNVERIFIABLE
    assert report.summary is not None
    assert report.summary.endorses == "https://1edtech.edu/issuers/565049"
    assert report.summary.issuer_name == "State Department of Education"
    assert report.summary.achievement_description == "1EdTech University is in good standing"
    assert any("it endorses https://1edtech.edu/" in m for m in messages(report, "structure"))
    (resolution,) = check_named(report, "key_resolution")
    assert ENDORSER_KEY in resolution.message


def test_an_endorsement_is_valid_once_its_issuer_publishes_the_key() -> None:
    web = FakeWeb()
    serve_issuer_key(web, ENDORSER_KEY)

    report = run(CredentialJson(foreign_json(ENDORSEMENT)), web)

    assert report.verdict is Verdict.VALID, report.to_json()["checks"]
    (schema,) = check_named(report, "schema")  # 1EdTech's endorsement schema is not bundled
    assert "does not hold" in schema.message and schema.severity == "warning"
