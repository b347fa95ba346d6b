import json
from datetime import timedelta

import pytest

from badgehub.domain import hashing, ob2
from badgehub.domain.urls import PublicUrls
from tests.support.builders import FIXED_NOW
from tests.support.records import a_badge_record, an_assertion_record, an_issuer_record

URLS = PublicUrls(base="https://badges.example.org", assets="https://cdn.example.org")


def test_issuer_profile_has_every_required_field_and_absolute_id() -> None:
    doc = ob2.issuer_profile(an_issuer_record(), URLS, "key-6")
    assert doc["@context"] == "https://w3id.org/openbadges/v2"
    assert doc["type"] == "Issuer"
    assert doc["id"] == "https://badges.example.org/issuers/i1"
    assert {"name", "url", "email"} <= doc.keys()
    assert "image" not in doc and "description" not in doc  # empty values are left out
    # One value: OB 2.0 validators refuse a Profile naming more than one key.
    assert doc["publicKey"] == "https://badges.example.org/issuers/i1/keys/key-6"
    assert doc["revocationList"] == "https://badges.example.org/issuers/i1/revocations"


def test_signed_assertion_names_its_key_and_uses_a_urn_uuid_id() -> None:
    key_url = URLS.key("i1", "key-3")
    doc = ob2.signed_assertion(an_assertion_record(), a_badge_record(), URLS, "key-3")
    assert doc["id"] == "urn:uuid:a1"
    assert doc["verification"] == {"type": "SignedBadge", "creator": key_url}
    assert "ada@example.org" not in json.dumps(doc)


def test_a_signed_badge_links_to_the_profile_of_the_key_that_signed_it() -> None:
    doc = ob2.signed_assertion(an_assertion_record(), a_badge_record(), URLS, "key-3")
    assert doc["badge"] == "https://badges.example.org/badges/b1?key=key-3"
    badge = ob2.badge_class(a_badge_record(), URLS, "key-3")
    assert badge["id"] == doc["badge"]
    assert badge["issuer"] == "https://badges.example.org/issuers/i1?key=key-3"
    profile = ob2.issuer_profile(an_issuer_record(), URLS, "key-3", per_key=True)
    assert profile["id"] == badge["issuer"]
    assert profile["publicKey"] == URLS.key("i1", "key-3")
    assert ob2.cryptographic_key("i1", "key-3", "PEM", URLS)["owner"] == URLS.issuer("i1")


def test_revocation_list_and_key_documents() -> None:
    listing = ob2.revocation_list("i1", [("a1", "fraud"), ("a2", None)], URLS)
    assert listing["revokedAssertions"] == [
        {"id": "urn:uuid:a1", "revocationReason": "fraud"},
        {"id": "urn:uuid:a2"},
    ]
    key = ob2.cryptographic_key("i1", "key-3", "PEM", URLS)
    assert key["owner"] == "https://badges.example.org/issuers/i1"
    assert key["id"] == "https://badges.example.org/issuers/i1/keys/key-3"


def test_badge_class_links_issuer_image_and_alignment() -> None:
    doc = ob2.badge_class(a_badge_record(), URLS)
    assert doc["issuer"] == "https://badges.example.org/issuers/i1"
    assert doc["image"] == "https://cdn.example.org/badges/b1/image-abc.png"
    assert doc["criteria"] == {"narrative": "Pass it."}
    assert doc["alignment"] == [{"targetName": "ESCO", "targetUrl": "https://esco.example/1"}]


def test_hosted_assertion_hides_the_email_behind_a_salted_hash() -> None:
    doc = ob2.hosted_assertion(an_assertion_record(), a_badge_record(), URLS)
    text = json.dumps(doc)
    assert "ada@example.org" not in text and "Ada" not in text
    assert doc["recipient"]["hashed"] is True
    assert hashing.identity_matches(doc["recipient"]["identity"], "ada@example.org", "s4lt")
    assert doc["verification"] == {"type": "HostedBadge"}
    assert doc["issuedOn"] == "2026-06-01T12:00:00Z"
    assert doc["expires"] == "2027-06-01T12:00:00Z"
    assert "revoked" not in doc


def test_revoked_assertion_says_so_with_the_reason() -> None:
    revoked = an_assertion_record(revoked=True, revocation_reason="issued in error")
    assert ob2.hosted_assertion(revoked, a_badge_record(), URLS)["revoked"] is True
    stub = ob2.revoked_stub(revoked, URLS)
    assert stub == {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://badges.example.org/assertions/a1",
        "revoked": True,
        "revocationReason": "issued in error",
    }


@pytest.mark.parametrize("offset_hours", [0, 2, -5])
def test_dates_are_utc_with_z(offset_hours: int) -> None:
    from datetime import timezone

    moment = FIXED_NOW.astimezone(timezone(timedelta(hours=offset_hours)))
    assert ob2.iso(moment) == "2026-06-01T12:00:00Z"
