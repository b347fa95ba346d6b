"""Multibase (base58btc) and Multikey encodings of public keys, as DID documents carry them."""

from __future__ import annotations

import base58

BASE58BTC = "z"
_ALPHABET = frozenset(base58.BITCOIN_ALPHABET.decode("ascii"))
_ED25519_PUB = b"\xed\x01"  # multicodec ed25519-pub
_P256_PUB = b"\x80\x24"  # multicodec p256-pub (compressed SEC1 point)
_ED25519_BYTES = 32
_P256_COMPRESSED_BYTES = 33


def encode_multibase(data: bytes) -> str:
    """ "z" + base58btc: the one multibase Data Integrity proofs and Multikeys use."""
    return BASE58BTC + base58.b58encode(data).decode("ascii")


def decode_multibase(value: str) -> bytes:
    """Strict: only "z" + base58btc characters (the base58 library would skip whitespace)."""
    if not isinstance(value, str) or not value.startswith(BASE58BTC):
        raise ValueError("not a base58btc multibase value")
    digits = value[1:]
    if not set(digits) <= _ALPHABET:
        raise ValueError("not a base58btc multibase value")
    return base58.b58decode(digits)


def ed25519_multikey(raw_public_key: bytes) -> str:
    """A `publicKeyMultibase` for Ed25519: always starts "z6Mk"."""
    if len(raw_public_key) != _ED25519_BYTES:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return encode_multibase(_ED25519_PUB + raw_public_key)


def p256_multikey(compressed_point: bytes) -> str:
    """A `publicKeyMultibase` for P-256 from the compressed point: always starts "zDn"."""
    if len(compressed_point) != _P256_COMPRESSED_BYTES or compressed_point[0] not in (2, 3):
        raise ValueError("a compressed P-256 point is 33 bytes starting 0x02 or 0x03")
    return encode_multibase(_P256_PUB + compressed_point)


def decode_multikey(value: str) -> tuple[str, bytes]:
    """("Ed25519" | "P-256", key bytes); anything else, private keys included, is refused."""
    data = decode_multibase(value)
    prefix, key = data[:2], data[2:]
    if prefix == _ED25519_PUB and len(key) == _ED25519_BYTES:
        return "Ed25519", key
    if prefix == _P256_PUB and len(key) == _P256_COMPRESSED_BYTES:
        return "P-256", key
    raise ValueError("not an Ed25519 or P-256 public Multikey")


def did_key(raw_ed25519_public_key: bytes) -> str:
    """did:key for an Ed25519 key: the Multikey is the whole method-specific id."""
    return "did:key:" + ed25519_multikey(raw_ed25519_public_key)
