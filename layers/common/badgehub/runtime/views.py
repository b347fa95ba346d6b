"""The issuer API's JSON views of stored records (private fields included: callers own them)."""

from __future__ import annotations

from typing import Any

from ..domain.models import ApiKey, Assertion, BadgeClass, Issuer
from ..domain.ob2 import iso
from ..domain.urls import PublicUrls


def issuer_view(issuer: Issuer, urls: PublicUrls) -> dict[str, Any]:
    return {
        "id": issuer.id,
        "name": issuer.name,
        "url": issuer.url,
        "email": issuer.email,
        "description": issuer.description,
        "createdAt": iso(issuer.created_at),
        "links": {
            "profile": urls.issuer(issuer.id),
            "image": urls.asset(issuer.image.key) if issuer.image else None,
        },
    }


def api_key_view(key: ApiKey, token: str) -> dict[str, Any]:
    return {
        "id": key.id,
        "issuerId": key.issuer_id,
        "label": key.label,
        "createdAt": iso(key.created_at),
        "key": token,
        "note": "store this key now: it is shown only once",
    }


def badge_view(badge: BadgeClass, urls: PublicUrls) -> dict[str, Any]:
    return {
        "id": badge.id,
        "issuerId": badge.issuer_id,
        "name": badge.name,
        "description": badge.description,
        "criteria": {"narrative": badge.criteria_narrative, "url": badge.criteria_url},
        "tags": list(badge.tags),
        "alignments": [a.model_dump(by_alias=False) for a in badge.alignments],
        "createdAt": iso(badge.created_at),
        "links": {
            "badge": urls.badge(badge.id),
            "issuer": urls.issuer(badge.issuer_id),
            "image": urls.asset(badge.image.key),
        },
    }


def assertion_view(assertion: Assertion, badge: BadgeClass, urls: PublicUrls) -> dict[str, Any]:
    return {
        "id": assertion.id,
        "badgeId": assertion.badge_id,
        "issuerId": assertion.issuer_id,
        "recipient": {"email": assertion.recipient_email, "name": assertion.recipient_name},
        "issuedOn": iso(assertion.issued_on),
        "expires": iso(assertion.expires) if assertion.expires else None,
        "narrative": assertion.narrative,
        "evidence": [e.model_dump(exclude_none=True) for e in assertion.evidence],
        "revoked": assertion.revoked,
        "revocationReason": assertion.revocation_reason,
        "revokedAt": iso(assertion.revoked_at) if assertion.revoked_at else None,
        "links": {
            "assertion": urls.assertion(assertion.id),
            "badge": urls.badge(badge.id),
            "issuer": urls.issuer(assertion.issuer_id),
            "image": urls.asset(badge.image.key),
        },
    }
