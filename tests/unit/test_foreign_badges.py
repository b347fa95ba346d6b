"""Real badges written by other software: the verdict each gets, offline and with its hosts up.

The files are read in place from the shared fixtures folder beside the checkout (their README
names the repository and commit each was copied from); they are never copied into the project.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from badgehub.domain.verification import Report, Verdict
from badgehub.usecases.verify import CredentialJson
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
