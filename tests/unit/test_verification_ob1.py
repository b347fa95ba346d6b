"""Open Badges 1.0 and 1.1 hosted badges: verified as their 2.0 equivalent, as 1EdTech's
validator does. Badges made here (the shapes of the validator's own 1.x test badges), each
served by a fake web so that every check is tried passing and failing."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

import pytest

from badgehub.domain import jws
from badgehub.domain.verification import Verdict
from badgehub.domain.verification.ob1 import node_version, upgrade_ob1
from badgehub.usecases.verify import CompactToken, CredentialJson, Url
from tests.unit.test_verification import FakeWeb, check_named, rs256_signer, rsa_key, run

V1 = "https://w3id.org/openbadges/v1"
HOST = "https://old.example"
ASSERTION_URL = f"{HOST}/assertions/17.json"
BADGE_URL = f"{HOST}/badges/robotics.json"
ISSUER_URL = f"{HOST}/issuer.json"

# 1.0: no context, no ids of their own; the assertion's address is its verify.url.
OB10 = {
    "uid": "abc123",
    "recipient": {"type": "email", "hashed": False, "identity": "ada@example.org"},
    "badge": BADGE_URL,
    "issuedOn": "2014-01-01",
    "verify": {"type": "hosted", "url": ASSERTION_URL},
}
OB10_BADGE = {
    "name": "Robotics",
    "description": "Built a robot that climbs stairs.",
    "image": f"{HOST}/badges/robotics.png",
    "criteria": f"{HOST}/badges/robotics.html",
    "issuer": ISSUER_URL,
    "alignment": [{"name": "Engineering", "url": "https://framework.example/eng"}],
}
OB10_ISSUER = {"name": "Old Robotics Club", "url": HOST, "email": "club@old.example"}

# 1.1: the v1 context, ids and types; `verify` (not 2.0's `verification`).
OB11 = {
    "@context": V1,
    "type": "Assertion",
    "id": ASSERTION_URL,
    "recipient": {
        "type": "email",
        "hashed": True,
        "salt": "deadsea",
        "identity": "sha256$" + hashlib.sha256(b"ada@example.orgdeadsea").hexdigest(),
    },
    "badge": BADGE_URL,
    "issuedOn": "2016-12-31T23:59:59Z",
    "verify": {"type": "hosted", "url": ASSERTION_URL},
}
OB11_BADGE = {"@context": V1, "type": "BadgeClass", "id": BADGE_URL, **OB10_BADGE}
OB11_ISSUER = {"@context": V1, "type": "Issuer", "id": ISSUER_URL, **OB10_ISSUER}


def served(assertion: dict[str, Any], badge: dict[str, Any], issuer: dict[str, Any]) -> FakeWeb:
    web = FakeWeb()
    web.serve(ASSERTION_URL, assertion, content_type="application/json")
    web.serve(BADGE_URL, badge, content_type="application/json")
    web.serve(ISSUER_URL, issuer, content_type="application/json")
    return web


VERSIONS = pytest.mark.parametrize(
    ("assertion", "badge", "issuer", "version"),
    [(OB10, OB10_BADGE, OB10_ISSUER, "1.0"), (OB11, OB11_BADGE, OB11_ISSUER, "1.1")],
    ids=["1.0", "1.1"],
)


# --- The upgrade itself ----------------------------------------------------------------------


def test_a_1_0_assertion_gets_the_id_type_and_dates_of_2_0() -> None:
    """Given 1.0's bare date and no id, when upgraded, then it reads as the validator reads it."""
    upgraded = upgrade_ob1(OB10, "1.0")

    assert upgraded["@context"] == "https://w3id.org/openbadges/v2"
    assert upgraded["id"] == ASSERTION_URL
    assert upgraded["type"] == "Assertion"
    assert upgraded["issuedOn"] == "2014-01-01T00:00:00+00:00"
    assert upgraded["verification"] == {"type": "HostedBadge", "url": ASSERTION_URL}
    assert "verify" not in upgraded and "verify" in OB10  # the input is left as it was


def test_a_1_0_document_is_known_by_the_address_it_was_fetched_from() -> None:
    badge = upgrade_ob1(OB10_BADGE, "1.0", BADGE_URL, "BadgeClass")
    issuer = upgrade_ob1(OB10_ISSUER, "1.0", ISSUER_URL, "Issuer")

    assert (badge["id"], badge["type"]) == (BADGE_URL, "BadgeClass")
    assert (issuer["id"], issuer["type"]) == (ISSUER_URL, "Issuer")
    assert badge["alignment"] == [
        {"targetName": "Engineering", "targetUrl": "https://framework.example/eng"}
    ]


@pytest.mark.parametrize(
    ("given", "read"),
    [
        ("2014-01-01", "2014-01-01T00:00:00+00:00"),
        ("2014-01-01T10:30:00", "2014-01-01T10:30:00+00:00"),
        ("1388572200", "2014-01-01T10:30:00+00:00"),
        (1388572200, "2014-01-01T10:30:00+00:00"),
        ("2014-01-01T10:30:00+02:00", "2014-01-01T10:30:00+02:00"),
        ("last tuesday", "last tuesday"),
    ],
)
def test_1_x_dates_are_read_as_utc_when_they_name_no_zone(given: object, read: object) -> None:
    assert upgrade_ob1({**OB10, "issuedOn": given}, "1.0")["issuedOn"] == read


def test_1_1_keys_its_context_does_not_define_are_dropped_and_type_names_become_2_0s() -> None:
    document = {
        **OB11,
        "type": "Assertion",
        "verification": {"type": "hosted"},
        "snood": "a game",
        "extensions:Note": {"text": "kept: an IRI"},
    }
    del document["verify"]

    upgraded = upgrade_ob1(document, "1.1")

    assert "verification" not in upgraded and "snood" not in upgraded
    assert "extensions:Note" in upgraded
    assert upgrade_ob1({**OB11_ISSUER, "type": "IssuerOrg"}, "1.1")["type"] == "Issuer"


@pytest.mark.parametrize(
    ("document", "version"),
    [
        (OB10, "1.0"),
        (OB10_BADGE, "1.0"),
        (OB11, "1.1"),
        ({**OB11, "@context": [V1]}, "1.1"),
        ({**OB11, "@context": "https://w3id.org/openbadges/v2"}, "2.0"),
        ({"recipient": "ada@example.org"}, "0.5"),
    ],
)
def test_each_fetched_document_says_its_version(document: dict[str, Any], version: str) -> None:
    assert node_version(document) == version


# --- Verified end to end ---------------------------------------------------------------------


@VERSIONS
def test_a_1_x_hosted_badge_is_valid_and_says_it_is_1_x(
    assertion: dict[str, Any], badge: dict[str, Any], issuer: dict[str, Any], version: str
) -> None:
    """Given a 1.x badge whose issuer still hosts it, its badge class and its profile, when
    verified, then it is valid, read as 2.0, and the report says which version it is."""
    report = run(
        CredentialJson(copy.deepcopy(assertion)),
        served(assertion, badge, issuer),
        recipient_email="ada@example.org",
    )

    assert report.verdict is Verdict.VALID, report.to_json()["checks"]
    (named,) = check_named(report, "version")
    assert named.passed and f"Open Badges {version} badge" in named.message
    assert report.summary is not None and report.summary.format == "ob1-hosted"
    assert report.summary.achievement_name == "Robotics"
    assert report.summary.issuer_name == "Old Robotics Club"
    assert check_named(report, "recipient")[0].passed
    assert report.credential == assertion  # shown as the issuer serves it


@VERSIONS
def test_a_1_x_badge_given_by_its_address_is_verified_too(
    assertion: dict[str, Any], badge: dict[str, Any], issuer: dict[str, Any], version: str
) -> None:
    report = run(Url(ASSERTION_URL), served(assertion, badge, issuer))

    assert report.verdict is Verdict.VALID, report.to_json()["checks"]


@VERSIONS
def test_a_1_x_badge_for_someone_else_does_not_match_the_address_entered(
    assertion: dict[str, Any], badge: dict[str, Any], issuer: dict[str, Any], version: str
) -> None:
    report = run(
        CredentialJson(assertion),
        served(assertion, badge, issuer),
        recipient_email="mallory@example.org",
    )

    assert not check_named(report, "recipient")[0].passed


@VERSIONS
def test_a_1_x_badge_whose_address_answers_410_is_revoked(
    assertion: dict[str, Any], badge: dict[str, Any], issuer: dict[str, Any], version: str
) -> None:
    web = served(assertion, badge, issuer)
    web.serve(ASSERTION_URL, {"revoked": True}, status=410)

    assert run(CredentialJson(assertion), web).verdict is Verdict.REVOKED


@VERSIONS
def test_a_1_x_badge_its_issuer_marks_revoked_is_revoked(
    assertion: dict[str, Any], badge: dict[str, Any], issuer: dict[str, Any], version: str
) -> None:
    web = served({**assertion, "revoked": True}, badge, issuer)

    assert run(CredentialJson(assertion), web).verdict is Verdict.REVOKED


@VERSIONS
def test_an_expired_1_x_badge_is_expired(
    assertion: dict[str, Any], badge: dict[str, Any], issuer: dict[str, Any], version: str
) -> None:
    old = {**assertion, "expires": "2020-06-01"}

    assert run(CredentialJson(old), served(old, badge, issuer)).verdict is Verdict.EXPIRED


@VERSIONS
def test_a_1_x_badge_hosted_off_its_issuers_site_is_invalid(
    assertion: dict[str, Any], badge: dict[str, Any], issuer: dict[str, Any], version: str
) -> None:
    """Given an issuer whose profile lives on another host than the badge, when verified,
    then the badge is invalid: any site could host a copy naming any issuer."""
    elsewhere = "https://issuer.example/profile.json"
    web = served(assertion, {**badge, "issuer": elsewhere}, issuer)
    web.serve(elsewhere, {**issuer, "id": elsewhere} if "id" in issuer else issuer)

    report = run(CredentialJson(assertion), web)

    assert report.verdict is Verdict.INVALID
    assert any("not its issuer's website" in m for m in report.errors)


def test_a_1_1_badge_class_that_names_another_address_is_not_believed() -> None:
    web = served(OB11, {**OB11_BADGE, "id": "https://elsewhere.example/badge"}, OB11_ISSUER)

    report = run(CredentialJson(OB11), web)

    assert report.verdict is Verdict.INVALID
    assert any("describes something else" in m for m in report.errors)


def test_a_changed_copy_is_noted_and_the_issuers_copy_is_what_counts() -> None:
    changed = {**OB11, "issuedOn": "2010-01-01T00:00:00Z"}

    report = run(CredentialJson(changed), served(OB11, OB11_BADGE, OB11_ISSUER))

    assert report.verdict is Verdict.VALID
    assert any("differs from the one the issuer hosts" in m for m in report.warnings)
    assert report.summary is not None and report.summary.issued_on is not None
    assert report.summary.issued_on.year == 2016


def test_a_1_x_badge_whose_issuer_is_unreachable_could_not_be_fully_verified() -> None:
    assert run(CredentialJson(OB10), FakeWeb()).verdict is Verdict.UNVERIFIABLE


def test_a_1_1_badge_saying_verification_instead_of_verify_is_invalid_and_told_why() -> None:
    """As the 1EdTech validator finds: `verification` is no 1.1 term, so nothing says how the
    badge is verified."""
    document = {k: v for k, v in OB11.items() if k != "verify"}
    document["verification"] = {"type": "hosted"}

    report = run(CredentialJson(document), served(document, OB11_BADGE, OB11_ISSUER))

    assert report.verdict is Verdict.INVALID
    assert any("(verification)" in m for m in report.errors)
    assert any("calls how a badge is verified `verify`" in m for m in report.warnings)


def test_a_signed_1_0_badge_is_named_and_not_verified() -> None:
    signed = {**OB10, "verify": {"type": "signed", "url": f"{HOST}/public.pem"}}
    token = jws.sign_compact({"alg": "RS256"}, signed, rs256_signer(rsa_key(1)))

    report = run(CompactToken(token))

    assert report.verdict is Verdict.UNVERIFIABLE
    assert check_named(report, "version")[0].passed
    assert any("not signed ones" in m for m in report.warnings)


def test_an_open_badges_0_5_badge_is_still_only_named() -> None:
    ob05 = {"recipient": "ada@example.org", "badge": {"version": "0.5.0", "name": "Robotics"}}

    report = run(CredentialJson(ob05))

    assert report.verdict is Verdict.UNVERIFIABLE
    assert [c.name for c in report.checks] == ["unsupported_version"]
    assert "Open Badges 0.5 badge" in report.checks[0].message
