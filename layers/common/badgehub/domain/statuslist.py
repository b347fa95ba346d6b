"""W3C Bitstring Status List v1.0: the bits, their encoding, the list credential and entries."""

from __future__ import annotations

import base64
import binascii
import gzip
import re
import secrets
import zlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from .ob2 import iso

TTL_MS = 5 * 60 * 1000  # how long verifiers may cache our lists; Cache-Control says the same
MIN_ENTRIES = 131_072  # 16 KiB of bits: the spec's minimum, so one list hides many holders
MAX_DECODED_BYTES = 16 * 1024 * 1024  # far above any real list; refuses gzip bombs
CONTEXT = "https://www.w3.org/ns/credentials/v2"
_MULTIBASE_BASE64URL = "u"
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")


def encode_list(set_indexes: Iterable[int], size: int = MIN_ENTRIES) -> str:
    """Bit i is bit (i % 8), most significant first, of byte i // 8; gzip; "u" + base64url.

    gzip's mtime is fixed at 0 so the same bits always encode (and sign) the same; level 6,
    zlib's default, makes an empty list byte-for-byte the spec's example.
    """
    if size <= 0 or size % 8:
        raise ValueError("a status list holds a positive multiple of 8 entries")
    bits = bytearray(size // 8)
    for index in set_indexes:
        if not 0 <= index < size:
            raise IndexError(f"status index {index} is outside the list")
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), compresslevel=6, mtime=0)
    return _MULTIBASE_BASE64URL + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode_list(encoded: str) -> bytes:
    """The raw bits of an `encodedList` (with or without its "u"); ValueError if malformed.

    Inflates at most MAX_DECODED_BYTES: a list is fetched from whoever the credential names.
    """
    text = encoded.removeprefix(_MULTIBASE_BASE64URL)
    if not _BASE64URL.fullmatch(text):
        raise ValueError("encodedList is not base64url")
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as exc:
        raise ValueError("encodedList is not base64url") from exc
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip framing only
    try:
        bits = inflater.decompress(packed, MAX_DECODED_BYTES + 1)
    except zlib.error as exc:
        raise ValueError("encodedList is not gzip data") from exc
    if len(bits) > MAX_DECODED_BYTES or inflater.unconsumed_tail:
        raise ValueError("encodedList inflates past the size limit")
    if not inflater.eof:
        raise ValueError("encodedList is truncated")
    return bits


def bit_is_set(bits: bytes, index: int) -> bool:
    if not 0 <= index < len(bits) * 8:
        raise IndexError(f"status index {index} is outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def random_index(size: int = MIN_ENTRIES) -> int:
    """Random, not sequential: an index must not reveal issue order or volume."""
    return secrets.randbelow(size)


def random_indexes(count: int, size: int = MIN_ENTRIES) -> list[int]:
    """`count` distinct random indexes (a block reserved for a batch's rows)."""
    picked: set[int] = set()
    while len(picked) < min(count, size):
        picked.add(secrets.randbelow(size))
    return sorted(picked, key=lambda _: secrets.randbits(32))


def replace_taken(indexes: list[int], taken: list[int], size: int = MIN_ENTRIES) -> list[int]:
    """`indexes` with each taken one swapped for a fresh random pick, distinct from all of
    them (the taken ones included, so a known collision is never picked again)."""
    avoid = set(indexes)
    gone = set(taken)
    fresh: list[int] = []
    while len(fresh) < len(gone) and len(avoid) < size:
        pick = secrets.randbelow(size)
        if pick not in avoid:
            avoid.add(pick)
            fresh.append(pick)
    replacements = iter(fresh)
    return [next(replacements, index) if index in gone else index for index in indexes]


def status_list_credential(
    *,
    list_url: str,
    issuer: str,
    purpose: str,
    encoded_list: str,
    valid_from: datetime,
    ttl_ms: int | None,
) -> dict[str, Any]:
    """The unsigned BitstringStatusListCredential; `ttl` tells verifiers how long to cache."""
    subject: dict[str, Any] = {
        "id": f"{list_url}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": encoded_list,
    }
    if ttl_ms is not None:
        subject["ttl"] = ttl_ms
    return {
        "@context": [CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": iso(valid_from),
        "credentialSubject": subject,
    }


def status_entry(list_url: str, index: int, purpose: str = "revocation") -> dict[str, str]:
    """A credential's `credentialStatus`: its bit in the issuer's list."""
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }
