"""JSON-LD over the bundled contexts: the no-fetch loader, RDFC-1.0 and undefined terms."""

from __future__ import annotations

import copy
import socket
from typing import Any

import pytest

from badgehub.domain import jsonld

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
EXAMPLE_CONTEXT = "https://example.org/contexts/only-in-this-test"


def open_badge_credential() -> dict[str, Any]:
    """An OB 3.0 credential using the terms our issuer emits."""
    return {
        "@context": [VC_V2, OB_V3P0, OB_EXTENSIONS],
        "id": "urn:uuid:8a6c2a54-6b4f-4e63-9d0e-5ad2c1f6a0b1",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Rocket Science",
        "description": "Awarded for building a rocket.",
        "issuer": {
            "id": "did:web:badges.example:issuers:acme",
            "type": ["Profile"],
            "name": "Acme Academy",
            "url": "https://badges.example/issuers/acme",
        },
        "validFrom": "2024-05-01T12:00:00Z",
        "validUntil": "2030-05-01T12:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "sha256$" + "0" * 64,
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": "pepper",
                }
            ],
            "achievement": {
                "id": "https://badges.example/badges/rocket",
                "type": ["Achievement"],
                "achievementType": "Badge",
                "name": "Rocket Science",
                "description": "Built a rocket.",
                "criteria": {"narrative": "Launch it."},
                "image": {"id": "https://badges.example/assets/rocket.png", "type": "Image"},
                "tag": ["space"],
            },
        },
        "evidence": [{"type": ["Evidence"], "narrative": "It flew.", "name": "Launch"}],
        "credentialStatus": {
            "id": "https://badges.example/status/1#42",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "42",
            "statusListCredential": "https://badges.example/status/1",
        },
        "credentialSchema": [
            {
                "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
                "ob_v3p0_achievementcredential_schema.json",
                "type": "1EdTechJsonSchemaValidator2019",
            }
        ],
    }


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the JSON-LD code tried to open a connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_given_a_bundled_context_url_when_loaded_then_the_bundled_document_is_returned() -> None:
    remote = jsonld.document_loader(VC_V2)

    assert remote["documentUrl"] == VC_V2
    assert remote["contextUrl"] is None
    assert remote["document"] == jsonld.bundled_documents()[VC_V2]
    assert "@context" in remote["document"]


def test_given_every_manifest_context_when_bundled_then_each_is_served() -> None:
    urls = set(jsonld.bundled_documents())

    assert {VC_V2, OB_V3P0, OB_EXTENSIONS, "https://w3id.org/openbadges/v2"} <= urls
    assert not any(url.endswith("_schema.json") for url in urls)


@pytest.mark.usefixtures("no_network")
def test_given_an_unknown_url_when_loaded_then_it_is_refused_without_fetching() -> None:
    with pytest.raises(jsonld.UnknownDocument) as refused:
        jsonld.document_loader("https://example.org/some/context")

    assert isinstance(refused.value, jsonld.JsonLdError)
    assert refused.value.url == "https://example.org/some/context"


def test_given_a_loaded_document_when_the_caller_changes_it_then_the_next_load_is_intact() -> None:
    first = jsonld.document_loader(VC_V2)
    first["document"]["@context"]["id"] = "changed"

    assert jsonld.document_loader(VC_V2)["document"]["@context"]["id"] == "@id"


@pytest.mark.usefixtures("no_network")
def test_given_a_document_naming_an_unknown_context_when_canonicalised_then_it_is_refused() -> None:
    document = {"@context": [VC_V2, EXAMPLE_CONTEXT], "type": ["VerifiableCredential"]}

    with pytest.raises(jsonld.JsonLdError):
        jsonld.canonicalize(document)


def test_given_extra_documents_when_the_block_ends_then_they_are_no_longer_served() -> None:
    context = {"@context": {"shoeSize": "https://example.org/vocab#shoeSize"}}
    document = {"@context": [VC_V2, EXAMPLE_CONTEXT], "id": "urn:x:1", "shoeSize": 42}

    with jsonld.extra_documents({EXAMPLE_CONTEXT: context}):
        inside = jsonld.canonicalize(document)
        assert jsonld.undefined_terms(document) == []

    assert '<https://example.org/vocab#shoeSize> "42"' in inside
    with pytest.raises(jsonld.JsonLdError):
        jsonld.canonicalize(document)  # nothing resolved inside the block is cached outside it


def test_given_a_credential_when_canonicalised_then_the_output_is_sorted_n_quads() -> None:
    canonical = jsonld.canonicalize(open_badge_credential())

    lines = canonical.splitlines()
    assert canonical.endswith(" .\n")
    assert lines == sorted(lines)
    assert (
        "<urn:uuid:8a6c2a54-6b4f-4e63-9d0e-5ad2c1f6a0b1> "
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential> ." in lines
    )


def test_given_the_same_data_in_another_key_order_when_canonicalised_then_output_is_equal() -> None:
    credential = open_badge_credential()
    reordered = dict(reversed(list(credential.items())))

    assert jsonld.canonicalize(reordered) == jsonld.canonicalize(credential)


def test_given_blank_nodes_when_canonicalised_then_they_get_rdfc_labels() -> None:
    canonical = jsonld.canonicalize(open_badge_credential())

    assert "_:c14n0" in canonical
    assert "_:b0" not in canonical


def test_given_a_relative_id_when_canonicalised_then_no_made_up_base_iri_is_signed() -> None:
    document = {"@context": [VC_V2], "id": "relative/credential", "type": ["VerifiableCredential"]}

    assert "example.org/base" not in jsonld.canonicalize(document)


def test_given_an_input_when_canonicalised_then_it_is_not_changed() -> None:
    credential = open_badge_credential()
    before = copy.deepcopy(credential)

    jsonld.canonicalize(credential)
    jsonld.undefined_terms(credential)

    assert credential == before


def test_given_a_well_formed_open_badge_credential_then_no_term_is_undefined() -> None:
    assert jsonld.undefined_terms(open_badge_credential()) == []


def test_given_a_misspelt_term_inside_the_achievement_then_its_path_is_reported() -> None:
    credential = open_badge_credential()
    credential["credentialSubject"]["achievement"]["descripton"] = "typo"

    assert jsonld.undefined_terms(credential) == ["credentialSubject.achievement.descripton"]


def test_given_undefined_terms_at_several_depths_then_each_path_is_reported() -> None:
    credential = open_badge_credential()
    credential["colour"] = "blue"
    credential["issuer"]["nmae"] = "Acme"
    credential["evidence"][0]["narative"] = "typo"
    credential["credentialSubject"]["achievement"]["criteria"]["hint"] = "x"

    assert jsonld.undefined_terms(credential) == [
        "colour",
        "credentialSubject.achievement.criteria.hint",
        "evidence[0].narative",
        "issuer.nmae",
    ]


def test_given_a_misspelt_type_then_it_and_the_terms_its_context_would_define_are_reported() -> (
    None
):
    credential = open_badge_credential()
    credential["credentialSubject"]["achievement"]["type"] = ["Achievment"]

    undefined = jsonld.undefined_terms(credential)

    assert "credentialSubject.achievement.type=Achievment" in undefined
    assert "credentialSubject.achievement.achievementType" in undefined


def test_given_relative_iris_where_iris_are_needed_then_they_are_reported() -> None:
    credential = open_badge_credential()
    credential["id"] = "credential-1"
    credential["credentialStatus"]["statusListCredential"] = "status/1"

    assert jsonld.undefined_terms(credential) == [
        "credentialStatus.statusListCredential=status/1",
        "id=credential-1",
    ]


def test_given_a_term_a_context_maps_to_null_then_it_is_reported() -> None:
    document = {"@context": [VC_V2, {"secret": None}], "id": "urn:x:1", "secret": "dropped"}

    assert jsonld.undefined_terms(document) == ["secret"]


def test_given_json_typed_values_then_their_contents_are_opaque() -> None:
    document = {
        "@context": [VC_V2],
        "id": "urn:x:1",
        "type": ["VerifiableCredential"],
        "_sd": {"anything": {"goes": ["here"]}},
        "cnf": {"jwk": {"kty": "OKP", "crv": "Ed25519", "x": "abc"}},
    }

    assert jsonld.undefined_terms(document) == []


def test_given_keywords_and_absolute_iri_keys_then_none_is_reported() -> None:
    document = {
        "@context": [VC_V2],
        "@id": "urn:x:1",
        "@type": ["VerifiableCredential"],
        "https://example.org/vocab#shoeSize": 42,
        "name": {"@value": "Ada", "@language": "en"},
    }

    assert jsonld.undefined_terms(document) == []


def test_given_an_unknown_context_then_undefined_terms_refuses_rather_than_guesses() -> None:
    with pytest.raises(jsonld.JsonLdError):
        jsonld.undefined_terms({"@context": [EXAMPLE_CONTEXT], "name": "x"})


def test_bundled_contexts_are_resolved_once_then_kept_by_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Static: a second canonicalisation loads no context at all (pyld finds them by URL)."""
    loaded: list[str] = []
    real = jsonld.document_loader

    def counting(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        loaded.append(url)
        return real(url, options)

    monkeypatch.setattr(jsonld, "document_loader", counting)
    first = jsonld.canonicalize(open_badge_credential())
    loaded.clear()
    assert jsonld.canonicalize(open_badge_credential()) == first
    assert loaded == []


def test_a_stand_in_for_a_bundled_url_is_honoured_even_once_that_url_is_cached() -> None:
    jsonld.canonicalize(open_badge_credential())  # OB_EXTENSIONS now resolved and kept
    other = {"@context": {"@vocab": "https://example.org/other#"}}
    with jsonld.extra_documents({OB_EXTENSIONS: other}):
        changed = jsonld.canonicalize(open_badge_credential())
    assert changed != jsonld.canonicalize(open_badge_credential())
