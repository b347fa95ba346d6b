"""W3C Bitstring Status List v1.0: bit order, encoding, decoding limits, the list credential."""

from __future__ import annotations

import base64
import copy
import gzip
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from badgehub.domain import dataintegrity, jsonld, statuslist

LIST_URL = "https://badges.example/issuers/acme/status/1"
ISSUER = "did:web:badges.example:issuers:acme"

# Bitstring Status List v1.0, "Example BitstringStatusListCredential": 131,072 unset bits.
SPEC_EMPTY_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def gzip_base64url(raw: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(gzip.compress(raw, mtime=0)).decode().rstrip("=")


def list_credential(encoded: str) -> dict[str, object]:
    return statuslist.status_list_credential(
        list_url=LIST_URL,
        issuer=ISSUER,
        purpose="revocation",
        encoded_list=encoded,
        valid_from=datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC),
        ttl_ms=300_000,
    )


def test_given_index_0_when_set_then_it_is_the_most_significant_bit_of_byte_0() -> None:
    bits = statuslist.decode_list(statuslist.encode_list([0]))

    assert bits[0] == 0x80
    assert not any(bits[1:])


def test_given_index_7_when_set_then_it_is_the_least_significant_bit_of_byte_0() -> None:
    bits = statuslist.decode_list(statuslist.encode_list([7]))

    assert bits[0] == 0x01
    assert not any(bits[1:])


def test_given_index_8_when_set_then_it_is_the_most_significant_bit_of_byte_1() -> None:
    bits = statuslist.decode_list(statuslist.encode_list([8]))

    assert bits[:2] == b"\x00\x80"
    assert not any(bits[2:])


def test_given_set_indexes_when_encoded_and_decoded_then_exactly_they_are_set() -> None:
    revoked = {0, 1, 9, 4242, 94567, statuslist.MIN_ENTRIES - 1}

    bits = statuslist.decode_list(statuslist.encode_list(revoked))

    assert len(bits) == statuslist.MIN_ENTRIES // 8
    assert {i for i in range(statuslist.MIN_ENTRIES) if statuslist.bit_is_set(bits, i)} == revoked


def test_given_no_set_index_then_the_list_decodes_to_16384_zero_bytes() -> None:
    assert statuslist.decode_list(statuslist.encode_list([])) == bytes(16384)


def test_given_no_set_index_then_the_encoding_is_the_spec_example_byte_for_byte() -> None:
    assert statuslist.encode_list([]) == SPEC_EMPTY_LIST
    assert statuslist.decode_list(SPEC_EMPTY_LIST) == bytes(16384)


def test_given_a_known_small_list_then_encoding_and_decoding_match_it() -> None:
    encoded = statuslist.encode_list([0, 7, 8, 15], size=16)

    assert encoded == "uH4sIAAAAAAAAA2tsBABDCP75AgAAAA"  # gzip level 6 of 0x81 0x81
    assert statuslist.decode_list(encoded) == b"\x81\x81"
    assert statuslist.decode_list("uH4sIAAAAAAACA2tsBABDCP75AgAAAA") == b"\x81\x81"  # level 9


def test_given_the_same_indexes_then_the_encoding_is_deterministic() -> None:
    assert statuslist.encode_list([3, 1]) == statuslist.encode_list([1, 3])


def test_given_an_encoding_without_the_multibase_prefix_then_it_still_decodes() -> None:
    encoded = statuslist.encode_list([5])

    assert encoded.startswith("u")
    assert statuslist.decode_list(encoded[1:]) == statuslist.decode_list(encoded)


@pytest.mark.parametrize("index", [-1, statuslist.MIN_ENTRIES])
def test_given_an_index_outside_the_list_when_encoding_then_it_is_refused(index: int) -> None:
    with pytest.raises(IndexError):
        statuslist.encode_list([index])


@pytest.mark.parametrize("index", [-1, 16])
def test_given_an_index_outside_the_bits_when_read_then_it_is_refused(index: int) -> None:
    with pytest.raises(IndexError):
        statuslist.bit_is_set(b"\xff\xff", index)


def test_given_a_gzip_bomb_when_decoded_then_it_is_refused() -> None:
    bomb = gzip_base64url(bytes(statuslist.MAX_DECODED_BYTES + 1))

    assert len(bomb) < 40_000
    with pytest.raises(ValueError, match="size limit"):
        statuslist.decode_list(bomb)


@pytest.mark.parametrize(
    "encoded",
    [
        "u",
        "u!!!!",
        "u" + base64.urlsafe_b64encode(b"not gzip at all").decode(),
        SPEC_EMPTY_LIST[:30],
        SPEC_EMPTY_LIST.replace("-", "+"),
    ],
    ids=["empty", "not base64url", "not gzip", "truncated", "standard base64"],
)
def test_given_a_malformed_encoded_list_when_decoded_then_it_is_refused(encoded: str) -> None:
    with pytest.raises(ValueError, match="encodedList"):
        statuslist.decode_list(encoded)


def test_given_random_indexes_then_they_are_within_the_list_and_vary() -> None:
    picks = {statuslist.random_index() for _ in range(64)}

    assert all(0 <= i < statuslist.MIN_ENTRIES for i in picks)
    assert len(picks) > 60
    assert all(0 <= statuslist.random_index(16) < 16 for _ in range(64))


def test_given_a_list_url_and_index_then_the_entry_points_at_its_bit() -> None:
    assert statuslist.status_entry(LIST_URL, 94567) == {
        "id": f"{LIST_URL}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
    }
    assert statuslist.status_entry(LIST_URL, 1, "suspension")["statusPurpose"] == "suspension"


def test_given_list_details_then_the_list_credential_has_the_spec_shape() -> None:
    credential = list_credential(SPEC_EMPTY_LIST)

    assert credential == {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": ISSUER,
        "validFrom": "2024-05-01T12:00:00Z",
        "credentialSubject": {
            "id": f"{LIST_URL}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": SPEC_EMPTY_LIST,
            "ttl": 300_000,
        },
    }


def test_given_no_ttl_then_the_list_credential_leaves_it_out() -> None:
    credential = statuslist.status_list_credential(
        list_url=LIST_URL,
        issuer=ISSUER,
        purpose="suspension",
        encoded_list=SPEC_EMPTY_LIST,
        valid_from=datetime(2024, 5, 1, tzinfo=UTC),
        ttl_ms=None,
    )

    assert "ttl" not in credential["credentialSubject"]


def test_given_a_list_credential_then_it_canonicalises_with_every_term_defined() -> None:
    credential = list_credential(statuslist.encode_list([42]))

    canonical = jsonld.canonicalize(credential)

    assert jsonld.undefined_terms(credential) == []
    assert "<https://www.w3.org/ns/credentials/status#encodedList>" in canonical
    assert "<https://www.w3.org/ns/credentials/status#ttl>" in canonical
    assert "<https://www.w3.org/ns/credentials/status#BitstringStatusList>" in canonical


def test_given_a_list_credential_when_signed_then_it_verifies_and_a_flipped_bit_does_not() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    unsigned = list_credential(statuslist.encode_list([42]))

    signed = dataintegrity.add_proof(
        unsigned,
        verification_method=f"{ISSUER}#key-1",
        created=datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC),
        sign=key.sign,
    )
    flipped = copy.deepcopy(signed)
    flipped["credentialSubject"]["encodedList"] = statuslist.encode_list([42, 43])

    assert dataintegrity.verify_proof(signed, public)
    assert not dataintegrity.verify_proof(flipped, public)


def test_given_taken_picks_then_only_they_are_replaced_by_fresh_distinct_ones() -> None:
    indexes = [5, 9, 11, 13]
    replaced = statuslist.replace_taken(indexes, [9, 13], size=64)
    assert replaced[0] == 5 and replaced[2] == 11  # the free picks keep their places
    assert replaced[1] not in indexes and replaced[3] not in indexes
    assert len(set(replaced)) == 4


def test_given_a_list_too_small_for_fresh_picks_then_the_taken_ones_stay() -> None:
    assert statuslist.replace_taken([0, 1], [1], size=2) == [0, 1]
