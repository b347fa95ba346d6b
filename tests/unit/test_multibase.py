"""Multibase base58btc and Multikey encodings of Ed25519 and P-256 public keys."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from badgehub.domain import multibase

# Data Integrity EdDSA Cryptosuites v1.0 (W3C Recommendation), Appendix B.1, Example 7.
VECTOR_PUBLIC_KEY = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
VECTOR_SECRET_KEY = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"


def raw_ed25519() -> bytes:
    return (
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def compressed_p256() -> bytes:
    return (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
    )


@pytest.mark.parametrize("data", [b"", b"\x00", b"\x00\x00\x01", b"hello", bytes(range(256))])
def test_given_bytes_when_encoded_then_decoding_gives_them_back(data: bytes) -> None:
    encoded = multibase.encode_multibase(data)

    assert encoded.startswith("z")
    assert multibase.decode_multibase(encoded) == data


def test_given_leading_zero_bytes_when_encoded_then_each_becomes_a_one() -> None:
    assert multibase.encode_multibase(b"\x00\x00\xff") == "z115Q"


@pytest.mark.parametrize(
    "value",
    ["", "f00", "u3q2-7w", "Z6Mk", "z0OIl", "z6Mk 6Mk", "z6Mk\n", " z6Mk"],
)
def test_given_anything_but_z_base58btc_when_decoded_then_it_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="base58btc"):
        multibase.decode_multibase(value)


def test_given_the_vector_public_key_then_it_decodes_to_32_ed25519_bytes_and_back() -> None:
    kind, raw = multibase.decode_multikey(VECTOR_PUBLIC_KEY)

    assert kind == "Ed25519"
    assert len(raw) == 32
    assert multibase.ed25519_multikey(raw) == VECTOR_PUBLIC_KEY


def test_given_an_ed25519_key_when_encoded_as_multikey_then_it_starts_z6mk() -> None:
    raw = raw_ed25519()

    multikey = multibase.ed25519_multikey(raw)

    assert multikey.startswith("z6Mk")
    assert multibase.decode_multibase(multikey)[:2] == b"\xed\x01"
    assert multibase.decode_multikey(multikey) == ("Ed25519", raw)


def test_given_a_p256_point_when_encoded_as_multikey_then_it_starts_zdn() -> None:
    point = compressed_p256()

    multikey = multibase.p256_multikey(point)

    assert multikey.startswith("zDn")
    assert multibase.decode_multibase(multikey)[:2] == b"\x80\x24"
    assert multibase.decode_multikey(multikey) == ("P-256", point)


def test_given_a_p256_point_then_it_verifies_signatures_after_a_round_trip() -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    point = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
    )

    _, decoded = multibase.decode_multikey(multibase.p256_multikey(point))

    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), decoded)
    public.verify(private.sign(b"m", ec.ECDSA(hashes.SHA256())), b"m", ec.ECDSA(hashes.SHA256()))


@pytest.mark.parametrize("raw", [b"", b"\x01" * 31, b"\x01" * 33])
def test_given_a_wrong_sized_ed25519_key_then_encoding_is_refused(raw: bytes) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        multibase.ed25519_multikey(raw)


@pytest.mark.parametrize("point", [b"\x02" * 32, b"\x04" + b"\x01" * 32, b"\x02" * 65])
def test_given_anything_but_a_compressed_point_then_p256_encoding_is_refused(point: bytes) -> None:
    with pytest.raises(ValueError, match="compressed P-256 point"):
        multibase.p256_multikey(point)


def test_given_a_secret_key_multibase_then_it_is_not_accepted_as_a_public_key() -> None:
    assert multibase.decode_multibase(VECTOR_SECRET_KEY)[:2] == b"\x80\x26"  # ed25519-priv

    with pytest.raises(ValueError, match="public Multikey"):
        multibase.decode_multikey(VECTOR_SECRET_KEY)


@pytest.mark.parametrize(
    "data",
    [b"\xed\x01" + b"\x01" * 31, b"\x80\x24" + b"\x02" * 32, b"\xe7\x01" + b"\x02" * 33],
)
def test_given_an_unknown_or_truncated_multikey_then_it_is_refused(data: bytes) -> None:
    with pytest.raises(ValueError, match="public Multikey"):
        multibase.decode_multikey(multibase.encode_multibase(data))


def test_given_an_ed25519_key_then_its_did_key_is_the_multikey_after_the_method() -> None:
    _, raw = multibase.decode_multikey(VECTOR_PUBLIC_KEY)

    assert multibase.did_key(raw) == f"did:key:{VECTOR_PUBLIC_KEY}"
