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


@pytest.mark.parametrize(
    ("subject", "version"),
    [
        (lambda: BakedImage((FOREIGN / "badgr-ob10-baked-png.png").read_bytes()), "1.0"),
        (lambda: CredentialJson(foreign_json("vcore-ob11-basic-assertion.json")), "1.1"),
    ],
    ids=["badgr-ob10-baked-png", "vcore-ob11-basic-assertion"],
)
def test_an_open_badge_older_than_2_0_is_named_and_unverifiable(subject: Any, version: str) -> None:
    """Given badgr's baked OB 1.0 PNG or the 1EdTech validator's OB 1.1 assertion, when
    verified, then the report says which version it is and that we check 2.0 and 3.0."""
    report = run(subject(), FakeWeb())

    assert report.verdict is Verdict.UNVERIFIABLE
    (check,) = report.checks
    assert check.name == "unsupported_version"
    assert f"Open Badges {version} badge" in check.message
    assert "2.0 and 3.0" in check.message
