"""Whether a badge was issued to the e-mail address a visitor entered (OB 2.0 and 3.0)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import hashing
from .report import Check, failed, passed, warning
from .values import as_list, as_object

_NOT_ISSUED_TO = "This badge was not issued to the e-mail address you entered."
_ISSUED_TO = "This badge was issued to the e-mail address you entered."


def _email_matches(identity: str, hashed: bool, salt: object, email: str) -> bool:
    candidates = {hashing.normalise_email(email), email.strip()}
    if not hashed:
        return hashing.normalise_email(identity.removeprefix("mailto:")) in candidates
    algorithm, _, digest = identity.partition("$")
    normalised = f"{algorithm.lower()}${digest}"
    salt_text = salt if isinstance(salt, str) else ""
    return any(hashing.identity_matches(normalised, c, salt_text) for c in candidates)


def ob2_recipient_check(assertion: Mapping[str, Any], email: str) -> Check:
    recipient = as_object(assertion.get("recipient")) or {}
    identity = recipient.get("identity")
    if recipient.get("type") != "email" or not isinstance(identity, str):
        return warning(
            "recipient",
            "The badge identifies its recipient by something other than an e-mail address, "
            "so the address you entered could not be compared.",
        )
    hashed = recipient.get("hashed") is True
    if _email_matches(identity, hashed, recipient.get("salt"), email):
        return passed("recipient", _ISSUED_TO)
    return failed("recipient", _NOT_ISSUED_TO)


def ob3_recipient_check(credential: Mapping[str, Any], email: str) -> Check:
    subjects = as_list(credential.get("credentialSubject"))
    subject = as_object(subjects[0]) if subjects else None
    compared = False
    for item in as_list(subject.get("identifier") if subject else None):
        identifier = as_object(item)
        if identifier is None or identifier.get("identityType") != "emailAddress":
            continue
        value = identifier.get("identityHash")
        if not isinstance(value, str):
            continue
        compared = True
        if _email_matches(value, identifier.get("hashed") is True, identifier.get("salt"), email):
            return passed("recipient", _ISSUED_TO)
    subject_id = subject.get("id") if subject else None
    if isinstance(subject_id, str) and subject_id.lower().startswith("mailto:"):
        compared = True
        if _email_matches(subject_id, False, None, email):
            return passed("recipient", _ISSUED_TO)
    if compared:
        return failed("recipient", _NOT_ISSUED_TO)
    return warning(
        "recipient",
        "The badge identifies its recipient by something other than an e-mail address, "
        "so the address you entered could not be compared.",
    )
