"""Whether the issuer has revoked a badge: status entries, Bitstring and 1EdTech lists."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .. import statuslist
from .dates import CLOCK_SKEW, parse_datetime
from .report import Check, Verdict, failed, passed, unverifiable
from .values import Json, as_list, as_object, aware, iri, is_web_url, text_value, types_of


def revoked_message(reason: object, suspended: bool = False) -> str:
    verb = "suspended" if suspended else "revoked"
    text = text_value(reason)
    if text and text.strip():
        return f"This badge was {verb} by its issuer. Reason given: {text.strip()}"
    return f"This badge was {verb} by its issuer."


def edtech_revocation_check(revocation_list: Mapping[str, Any], credential_id: object) -> Check:
    """1EdTech Revocation List (OB 3.0 legacy status method): revoked credentials by id."""
    entries = revocation_list.get("revokedCredentials")
    if not isinstance(entries, list):
        return unverifiable(
            "revocation",
            "The issuer's revocation list could not be read, so we cannot tell whether "
            "this badge has been revoked.",
        )
    for entry in entries:
        if iri(entry) == credential_id:
            reason = entry.get("revocationReason") if isinstance(entry, dict) else None
            return failed("revocation", revoked_message(reason), Verdict.REVOKED)
    return passed("revocation", "The issuer's revocation list does not include this badge.")


@dataclass(frozen=True)
class StatusEntry:
    """A BitstringStatusListEntry, read: which list, which bit, what the bit means."""

    list_url: str
    index: int
    purpose: str


def read_status_entry(entry: Mapping[str, Any]) -> StatusEntry | Check:
    list_url = entry.get("statusListCredential")
    index = entry.get("statusListIndex")
    purpose = entry.get("statusPurpose")
    if isinstance(index, int) and not isinstance(index, bool):
        index = str(index)
    if (
        not is_web_url(list_url)
        or not isinstance(index, str)
        or not index.isascii()
        or not index.isdigit()
        or not isinstance(purpose, str)
    ):
        return failed("revocation", "The badge's revocation status entry is malformed.")
    return StatusEntry(str(list_url), int(index), purpose)


def status_list_check(
    list_credential: Mapping[str, Any], entry: StatusEntry, now: datetime
) -> Check:
    """The entry's bit in a Bitstring Status List whose proof the caller has already checked."""
    verb = "suspended" if entry.purpose == "suspension" else "revoked"
    bits = _status_bits(list_credential, entry, now)
    if isinstance(bits, str):
        return unverifiable(
            "revocation", f"{bits}, so we cannot tell whether this badge has been {verb}."
        )
    if not statuslist.bit_is_set(bits, entry.index):
        return passed(
            "revocation", f"The issuer's status list shows this badge has not been {verb}."
        )
    if entry.purpose in ("revocation", "suspension"):
        return failed("revocation", revoked_message(None, verb == "suspended"), Verdict.REVOKED)
    return passed("revocation", f"The issuer has set this badge's {entry.purpose} status.")


def _status_bits(
    list_credential: Mapping[str, Any], entry: StatusEntry, now: datetime
) -> bytes | str:
    """The list's bits, or why they cannot be trusted to answer for this entry."""
    subject = as_object(list_credential.get("credentialSubject")) or {}
    purposes = {p for p in as_list(subject.get("statusPurpose")) if isinstance(p, str)}
    valid_from = parse_datetime(list_credential.get("validFrom"))
    valid_until = parse_datetime(list_credential.get("validUntil"))
    encoded = subject.get("encodedList")
    try:
        bits = statuslist.decode_list(encoded) if isinstance(encoded, str) else b""
    except ValueError:
        bits = b""
    problems = [
        (
            "BitstringStatusListCredential" not in types_of(list_credential)
            or "BitstringStatusList" not in types_of(subject),
            "The issuer's status list is not a Bitstring Status List",
        ),
        (entry.purpose not in purposes, f"The issuer's status list is not a {entry.purpose} list"),
        (
            valid_until is not None and aware(valid_until) <= now,
            "The issuer's status list is out of date",
        ),
        (
            valid_from is not None and aware(valid_from) > now + CLOCK_SKEW,
            "The issuer's status list is dated in the future",
        ),
        (not bits, "The issuer's status list could not be read"),
        (
            len(bits) * 8 < statuslist.MIN_ENTRIES,
            "The issuer's status list is too short to keep its holders private",
        ),
        (
            entry.index >= len(bits) * 8,
            "The badge's position is outside the issuer's status list",
        ),
    ]
    return next((why for wrong, why in problems if wrong), bits)


def status_entries(credential: Mapping[str, Any]) -> list[Json]:
    return [
        entry for entry in as_list(credential.get("credentialStatus")) if isinstance(entry, dict)
    ]


def status_type(entry: Mapping[str, Any]) -> str:
    types = sorted(types_of(entry))
    return types[0] if len(types) == 1 else ", ".join(types) or "unnamed"
