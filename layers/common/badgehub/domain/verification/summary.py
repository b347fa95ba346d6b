"""What a badge says, for display: issuer, achievement, criteria, image and dates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .dates import ob2_dates, ob3_dates
from .keys import did_web_of
from .ob3 import ob3_issuer_id
from .report import Format, Summary
from .values import ENDORSEMENT, as_list, as_object, iri, is_web_url, text_value, types_of


def is_hosted_here(ids: Iterable[str | None], own_base_url: str | None) -> bool:
    """True when an id lives under our base URL, or is one of our did:web identifiers."""
    if not own_base_url:
        return False
    base = own_base_url.rstrip("/")
    did = did_web_of(base)
    for value in ids:
        if not isinstance(value, str):
            continue
        if value == base or value.startswith(base + "/"):
            return True
        if value == did or value.startswith((did + ":", did + "#")):
            return True
    return False


def _web_image(value: object) -> str | None:
    url = iri(value)
    return url if is_web_url(url) else None


def _criteria(value: object) -> tuple[str | None, str | None]:
    if isinstance(value, str):
        return None, value if is_web_url(value) else None
    criteria = as_object(value) or {}
    url = iri(criteria)
    return text_value(criteria.get("narrative")), url if is_web_url(url) else None


def ob2_summary(
    assertion: Mapping[str, Any],
    badge: Mapping[str, Any] | None,
    issuer: Mapping[str, Any] | None,
    badge_format: Format,
    *,
    revocation_reason: str | None = None,
    own_base_url: str | None = None,
) -> Summary:
    badge = badge or {}
    issuer = issuer or {}
    narrative, criteria_url = _criteria(badge.get("criteria"))
    issued, expires = ob2_dates(assertion)
    issuer_id = iri(issuer) or iri(badge.get("issuer"))
    assertion_id = assertion.get("id") if isinstance(assertion.get("id"), str) else None
    return Summary(
        issuer_name=text_value(issuer.get("name")),
        issuer_url=issuer.get("url") if is_web_url(issuer.get("url")) else None,
        issuer_id=issuer_id,
        achievement_name=text_value(badge.get("name")),
        achievement_description=text_value(badge.get("description")),
        criteria_narrative=narrative,
        criteria_url=criteria_url,
        image_url=_web_image(badge.get("image")) or _web_image(assertion.get("image")),
        issued_on=issued,
        expires=expires,
        revocation_reason=revocation_reason,
        format=badge_format,
        hosted_here=is_hosted_here([issuer_id, assertion_id], own_base_url),
        credential_id=assertion_id,
    )


def ob3_summary(
    credential: Mapping[str, Any],
    badge_format: Format,
    *,
    revocation_reason: str | None = None,
    own_base_url: str | None = None,
) -> Summary:
    """For an endorsement, the achievement is the endorsement itself: its name, its comment,
    and what it endorses."""
    issuer = as_object(credential.get("issuer")) or {}
    subjects = as_list(credential.get("credentialSubject"))
    subject = as_object(subjects[0]) if subjects else None
    endorses = None
    if ENDORSEMENT in types_of(credential) and subject is not None:
        endorses = subject.get("id") if isinstance(subject.get("id"), str) else None
        subject = {"achievement": {"description": subject.get("endorsementComment")}}
    achievement = as_object(subject.get("achievement") if subject else None) or {}
    narrative, criteria_url = _criteria(achievement.get("criteria"))
    issued, expires = ob3_dates(credential)
    issuer_id = ob3_issuer_id(credential)
    credential_id = credential.get("id") if isinstance(credential.get("id"), str) else None
    return Summary(
        issuer_name=text_value(issuer.get("name")),
        issuer_url=issuer.get("url") if is_web_url(issuer.get("url")) else None,
        issuer_id=issuer_id,
        achievement_name=text_value(achievement.get("name")) or text_value(credential.get("name")),
        achievement_description=text_value(achievement.get("description")),
        criteria_narrative=narrative,
        criteria_url=criteria_url,
        image_url=_web_image(achievement.get("image")) or _web_image(credential.get("image")),
        issued_on=issued,
        expires=expires,
        revocation_reason=revocation_reason,
        format=badge_format,
        hosted_here=is_hosted_here([issuer_id, credential_id], own_base_url),
        endorses=endorses,
        credential_id=credential_id,
    )
