"""Open Badges 2.0: the Assertion, BadgeClass and Profile, keys, revocation lists, hosting."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import urlsplit

from .dates import UNIX_TIME, parse_datetime
from .report import Check, Verdict, failed, passed, structure_checks, warning
from .status import revoked_message
from .values import (
    OB2_CONTEXTS,
    as_list,
    as_object,
    contexts_of,
    iri,
    is_web_url,
    text_value,
    types_of,
)

_OB2_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})")


# --- Structure ---------------------------------------------------------------------------------


def _ob2_date_problem(value: object, what: str, field: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return None if parse_datetime(value) else f"The {what} ({field}) is not a valid date."
    if not isinstance(value, str) or parse_datetime(value) is None:
        return f"The {what} ({field}) is not a valid date."
    if not (UNIX_TIME.fullmatch(value) or _OB2_DATE_TIME.fullmatch(value)):
        return f"The {what} ({field}) has no time zone, so the moment it names is ambiguous."
    return None


def ob2_verification_type(assertion: Mapping[str, Any]) -> Literal["hosted", "signed"] | None:
    verification = as_object(assertion.get("verification"))
    kind = verification.get("type") if verification else None
    if isinstance(kind, str) and kind.lower() in ("hosted", "hostedbadge"):
        return "hosted"
    if isinstance(kind, str) and kind.lower() in ("signed", "signedbadge"):
        return "signed"
    return None


def ob2_assertion_checks(assertion: Mapping[str, Any], *, signed: bool) -> list[Check]:
    """The Assertion's required fields (OB 2.0): id, type, recipient, badge, verification, date."""
    problems: list[str] = []
    if not set(contexts_of(assertion)) & OB2_CONTEXTS:
        problems.append("The badge does not name the Open Badges 2.0 context (@context).")
    if not isinstance(assertion.get("id"), str) or ":" not in assertion["id"]:
        problems.append("The badge has no identifier (id).")
    if "Assertion" not in types_of(assertion):
        problems.append("The badge does not say it is an Assertion (type).")
    problems += _recipient_problems(assertion.get("recipient"))
    if iri(assertion.get("badge")) is None:
        problems.append("The badge does not say which achievement it awards (badge).")
    problems += _verification_problems(assertion, signed)
    if "issuedOn" not in assertion:
        problems.append("The badge has no issue date (issuedOn).")
    for field, what in (("issuedOn", "issue date"), ("expires", "expiry date")):
        problem = _ob2_date_problem(assertion.get(field), what, field)
        if problem:
            problems.append(problem)
    return structure_checks(problems, "The badge contains everything Open Badges 2.0 requires.")


def _recipient_problems(value: object) -> list[str]:
    recipient = as_object(value)
    if recipient is None:
        return ["The badge does not say who earned it (recipient)."]
    problems: list[str] = []
    if not isinstance(recipient.get("type"), str):
        problems.append("The badge does not say how its recipient is identified.")
    if not isinstance(recipient.get("identity"), str):
        problems.append("The badge does not identify its recipient (recipient.identity).")
    if not isinstance(recipient.get("hashed"), bool):
        problems.append("The badge does not say whether its recipient is hashed.")
    return problems


def _verification_problems(assertion: Mapping[str, Any], signed: bool) -> list[str]:
    kind = ob2_verification_type(assertion)
    expected = "signed" if signed else "hosted"
    if kind is None:
        return ["The badge does not say how it can be verified (verification)."]
    if kind != expected:
        return [f"The badge says it is a {kind} badge, but it was supplied as a {expected} one."]
    return []


def ob2_badge_checks(badge: Mapping[str, Any]) -> list[Check]:
    """The BadgeClass: name, description, image, criteria and issuer are required."""
    problems: list[str] = []
    if not isinstance(badge.get("id"), str):
        problems.append("The achievement has no identifier (id).")
    if "BadgeClass" not in types_of(badge):
        problems.append("The achievement does not say it is a BadgeClass (type).")
    for field, what in (("name", "name"), ("description", "description")):
        if not isinstance(badge.get(field), str) or not badge[field].strip():
            problems.append(f"The achievement has no {what} ({field}).")
    if iri(badge.get("image")) is None:
        problems.append("The achievement has no image (image).")
    criteria = badge.get("criteria")
    if not isinstance(criteria, str) and not (
        isinstance(criteria, dict) and (iri(criteria) or text_value(criteria.get("narrative")))
    ):
        problems.append("The achievement does not say how it is earned (criteria).")
    if iri(badge.get("issuer")) is None:
        problems.append("The achievement does not name its issuer (issuer).")
    return structure_checks(problems, "The achievement described by the badge is complete.")


def ob2_issuer_checks(issuer: Mapping[str, Any]) -> list[Check]:
    """The issuer Profile: id, type and name required; url and email recommended."""
    problems: list[str] = []
    if not isinstance(issuer.get("id"), str):
        problems.append("The issuer's profile has no identifier (id).")
    if not types_of(issuer) & {"Issuer", "Profile"}:
        problems.append("The issuer's profile does not say it is an issuer (type).")
    if not isinstance(issuer.get("name"), str) or not issuer["name"].strip():
        problems.append("The issuer's profile has no name (name).")
    checks = structure_checks(problems, "The issuer's profile is complete.")
    for field, what in (("url", "website"), ("email", "e-mail address")):
        if not issuer.get(field):
            checks.append(warning("structure", f"The issuer's profile gives no {what} ({field})."))
    return checks


# --- Revocation and keys -----------------------------------------------------------------------


def ob2_revocation_check(revocation_list: Mapping[str, Any], assertion: Mapping[str, Any]) -> Check:
    """The issuer's RevocationList names revoked signed assertions by id (or legacy `uid`)."""
    ids = {value for value in (assertion.get("id"), assertion.get("uid")) if isinstance(value, str)}
    for entry in as_list(revocation_list.get("revokedAssertions")):
        entry_ids = {entry} if isinstance(entry, str) else set()
        if isinstance(entry, dict):
            entry_ids = {v for v in (entry.get("id"), entry.get("uid")) if isinstance(v, str)}
        if entry_ids & ids:
            reason = entry.get("revocationReason") if isinstance(entry, dict) else None
            return failed("revocation", revoked_message(reason), Verdict.REVOKED)
    return passed("revocation", "The issuer's revocation list does not include this badge.")


def ob2_key_ownership_check(
    key_document_: Mapping[str, Any], key_url: str, issuer: Mapping[str, Any]
) -> Check:
    """OB 2.0: the CryptographicKey's owner is the issuer, and the issuer vouches for the key.

    OB 2.0 validators read a single `publicKey`, so an issuer that rotates keys publishes one
    profile per key (its id the issuer's own with a query, `…?key=…`, on the same origin) or
    stops naming old keys. The issuer vouches for a key its profile lists, or for a key that
    is published on the issuer's own origin naming the issuer as its owner (the origin is
    what OB 2.0 hosted verification trusts by default, too); a key elsewhere must be listed.
    """
    issuer_id = issuer.get("id")
    owner = key_document_.get("owner")
    if key_document_.get("id") != key_url:
        return failed("key_resolution", f"The key published at {key_url} describes another key.")
    plain_issuer = issuer_id.split("?", 1)[0] if isinstance(issuer_id, str) else issuer_id
    if owner not in (issuer_id, plain_issuer):
        return failed(
            "key_resolution",
            f"The key that signed this badge belongs to {owner}, not to its issuer ({issuer_id}).",
        )
    listed = {iri(k) for k in as_list(issuer.get("publicKey"))}
    if key_url in listed:
        return passed("key_resolution", "The signing key belongs to the issuer, who lists it.")
    if owner == issuer_id and _same_origin(key_url, issuer_id):
        return passed(
            "key_resolution",
            "The signing key belongs to the issuer and is published on the issuer's own site "
            "(a key it signed with before its newest).",
        )
    return failed(
        "key_resolution", "The issuer's profile does not list the key that signed this badge."
    )


def _same_origin(url: str, other: Any) -> bool:
    if not (is_web_url(url) and is_web_url(other)):
        return False
    mine, theirs = urlsplit(url), urlsplit(str(other))
    return (mine.scheme, mine.netloc.lower()) == (theirs.scheme, theirs.netloc.lower())


# --- Hosted ------------------------------------------------------------------------------------


def hosted_scope_check(assertion_id: str, issuer: Mapping[str, Any]) -> Check:
    """An assertion is trusted only on the issuer's own origins (1EdTech's default policy)."""
    issuer_id = issuer.get("id")
    policy = as_object(issuer.get("verification")) or {}
    starts = [s for s in as_list(policy.get("startsWith")) if isinstance(s, str)]
    if starts and not any(assertion_id.startswith(s) for s in starts):
        return failed(
            "hosted",
            "The badge is hosted at an address its issuer does not allow for its badges.",
        )
    default = urlsplit(issuer_id).netloc if is_web_url(issuer_id) else None
    origins = [o for o in as_list(policy.get("allowedOrigins", default)) if isinstance(o, str)]
    host = urlsplit(assertion_id).netloc
    if not origins:
        return warning(
            "hosted",
            "The issuer has no website to compare the badge's address with.",
        )
    if host.lower() not in {o.lower() for o in origins}:
        return failed(
            "hosted",
            f"The badge is hosted on {host}, which is not its issuer's website "
            f"({', '.join(origins)}).",
        )
    return passed("hosted", f"The badge is hosted on its issuer's website ({host}).")
