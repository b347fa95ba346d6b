"""Endorsements a badge carries (in the credential, its achievement or its issuer's profile):
each verified like a badge, each one check of its own, and never the badge's verdict.
Endorsements made here, signed with real Ed25519 keys by an endorser other than the issuer."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from badgehub.domain import jws, ob3
from badgehub.domain.verification import Verdict
from badgehub.domain.verification.endorsements import MAX_ENDORSEMENTS
from badgehub.usecases.verify import CredentialJson
from tests.unit.test_verification import (
    check_named,
    credential,
    did_key,
    did_key_method,
    ed_key,
    run,
    sign,
)

ENDORSER_KEY = ed_key(7)
ACHIEVEMENT_ID = "https://uni.example.org/achievements/data-literacy"


def endorsement_of(endorsed: str, comment: str = "Meets the regional data framework.") -> Any:
    """An EndorsementCredential by the Regional Skills Council (its own did:key), signed."""
    document = credential(did_key(ENDORSER_KEY))
    document["id"] = "urn:uuid:0e1f7b9a-3c44-4d2b-9a51-6f1d2c3b4a5e"
    document["type"] = ["VerifiableCredential", "EndorsementCredential"]
    document["name"] = "Endorsement of Data Literacy"
    document["issuer"]["name"] = "Regional Skills Council"
    document["credentialSubject"] = {
        "id": endorsed,
        "type": ["EndorsementSubject"],
        "endorsementComment": comment,
    }
    del document["credentialSchema"]
    return sign(document, ENDORSER_KEY, did_key_method(ENDORSER_KEY))


def endorsed_badge(*endorsements: Any, where: str = "achievement") -> dict[str, Any]:
    document = credential()
    holder = document["credentialSubject"]["achievement"] if where == "achievement" else document
    if where == "issuer":
        holder = document["issuer"]
    key = "endorsementJwt" if all(isinstance(e, str) for e in endorsements) else "endorsement"
    holder[key] = list(endorsements)
    return sign(document)


def test_a_valid_endorsement_of_the_achievement_is_a_passed_check_of_its_own() -> None:
    report = run(CredentialJson(endorsed_badge(endorsement_of(ACHIEVEMENT_ID))))

    assert report.verdict is Verdict.VALID, report.to_json()["checks"]
    (check,) = check_named(report, "endorsement")
    assert check.passed
    assert "Regional Skills Council endorses the achievement" in check.message
    assert "Meets the regional data framework." in check.message


def test_a_changed_endorsement_is_a_warning_and_the_badge_stays_valid() -> None:
    """Given an endorsement whose comment was changed after signing (and the badge signed
    over it), when verified, then the endorsement is a warning, the badge still valid."""
    forged = endorsement_of(ACHIEVEMENT_ID)
    forged["credentialSubject"]["endorsementComment"] = "The best programme in Europe."

    report = run(CredentialJson(endorsed_badge(endorsement_of(ACHIEVEMENT_ID), forged)))

    assert report.verdict is Verdict.VALID
    good, bad = check_named(report, "endorsement")
    assert good.passed
    assert not bad.passed and bad.severity == "warning"
    assert "could not be confirmed, as it is not valid" in bad.message
    assert bad.message in report.warnings


def test_an_endorsement_of_something_else_says_nothing_about_this_badge() -> None:
    copied = endorsement_of("https://other.example/achievements/rocket-science")

    report = run(CredentialJson(endorsed_badge(copied)))

    (check,) = check_named(report, "endorsement")
    assert not check.passed and "endorses something else" in check.message
    assert report.verdict is Verdict.VALID


def test_an_endorsement_of_the_issuer_is_checked_against_the_issuer() -> None:
    report = run(CredentialJson(endorsed_badge(endorsement_of(did_key(ed_key(1))), where="issuer")))

    (check,) = check_named(report, "endorsement")
    assert check.passed and "endorses the issuer" in check.message


def test_an_expired_endorsement_is_a_warning() -> None:
    expired = endorsement_of(ACHIEVEMENT_ID)
    del expired["proof"]
    expired["validUntil"] = "2026-02-01T00:00:00Z"
    expired = sign(expired, ENDORSER_KEY, did_key_method(ENDORSER_KEY))

    (check,) = check_named(run(CredentialJson(endorsed_badge(expired))), "endorsement")

    assert not check.passed and "it has expired" in check.message


def test_an_endorsement_jwt_is_verified_and_a_broken_one_is_a_warning() -> None:
    unsigned = copy.deepcopy(endorsement_of(ACHIEVEMENT_ID))
    del unsigned["proof"]
    header = {"alg": "EdDSA", "kid": did_key_method(ENDORSER_KEY)}
    token = jws.sign_compact(header, ob3.jwt_claims(unsigned), ENDORSER_KEY.sign)

    broken = "eyJhbGciOiJFZERTQSJ9.e30.c2ln"  # {"alg":"EdDSA"}, {}, a signature of nothing

    report = run(CredentialJson(endorsed_badge(token, broken)))

    good, bad = check_named(report, "endorsement")
    assert good.passed, good.message
    assert not bad.passed and "not one we can read" in bad.message
    assert report.verdict is Verdict.VALID


@pytest.mark.parametrize("thing", [{"type": ["VerifiableCredential"]}, credential()])
def test_something_that_is_not_an_endorsement_is_named_as_such(thing: Any) -> None:
    (check,) = check_named(run(CredentialJson(endorsed_badge(thing))), "endorsement")

    assert not check.passed and "not an EndorsementCredential" in check.message


def test_a_badge_carrying_more_endorsements_than_we_check_says_so() -> None:
    many = [endorsement_of(ACHIEVEMENT_ID)] * (MAX_ENDORSEMENTS + 2)

    checks = check_named(run(CredentialJson(endorsed_badge(*many))), "endorsement")

    assert len(checks) == MAX_ENDORSEMENTS + 1
    assert "2 more endorsements were not checked" in checks[-1].message
