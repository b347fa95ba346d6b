"""Open Badges 2.0 JSON-LD documents built from stored records (hosted verification)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .models import Assertion, BadgeClass, Issuer
from .urls import PublicUrls

CONTEXT = "https://w3id.org/openbadges/v2"
JsonDict = dict[str, Any]


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a `Z`, the form every verifier parses."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _compact(doc: JsonDict) -> JsonDict:
    return {key: value for key, value in doc.items() if value not in (None, [], "")}


def issuer_profile(issuer: Issuer, urls: PublicUrls) -> JsonDict:
    return _compact(
        {
            "@context": CONTEXT,
            "type": "Issuer",
            "id": urls.issuer(issuer.id),
            "name": issuer.name,
            "url": issuer.url,
            "email": issuer.email,
            "description": issuer.description,
            "image": urls.asset(issuer.image.key) if issuer.image else None,
        }
    )


def badge_class(badge: BadgeClass, urls: PublicUrls) -> JsonDict:
    criteria = _compact({"id": badge.criteria_url, "narrative": badge.criteria_narrative})
    return _compact(
        {
            "@context": CONTEXT,
            "type": "BadgeClass",
            "id": urls.badge(badge.id),
            "name": badge.name,
            "description": badge.description,
            "image": urls.asset(badge.image.key),
            "criteria": criteria,
            "issuer": urls.issuer(badge.issuer_id),
            "tags": list(badge.tags),
            "alignment": [
                _compact(
                    {
                        "targetName": a.target_name,
                        "targetUrl": a.target_url,
                        "targetDescription": a.target_description,
                        "targetFramework": a.target_framework,
                        "targetCode": a.target_code,
                    }
                )
                for a in badge.alignments
            ],
        }
    )


def hosted_assertion(assertion: Assertion, badge: BadgeClass, urls: PublicUrls) -> JsonDict:
    """The public assertion: the recipient appears only as a salted hash."""
    doc = _compact(
        {
            "@context": CONTEXT,
            "type": "Assertion",
            "id": urls.assertion(assertion.id),
            "recipient": {
                "type": "email",
                "hashed": True,
                "salt": assertion.salt,
                "identity": assertion.identity_hash,
            },
            "badge": urls.badge(badge.id),
            "image": urls.asset(badge.image.key),
            "verification": {"type": "HostedBadge"},
            "issuedOn": iso(assertion.issued_on),
            "expires": iso(assertion.expires) if assertion.expires else None,
            "narrative": assertion.narrative,
            "evidence": [
                _compact(
                    {
                        "type": "Evidence",
                        "id": e.url,
                        "narrative": e.narrative,
                        "name": e.name,
                        "description": e.description,
                    }
                )
                for e in assertion.evidence
            ],
        }
    )
    if assertion.revoked:
        doc["revoked"] = True
        doc["revocationReason"] = assertion.revocation_reason
    return doc


def revoked_stub(assertion: Assertion, urls: PublicUrls) -> JsonDict:
    """What a revoked assertion URL answers (with 410): enough for any verifier to say revoked."""
    return _compact(
        {
            "@context": CONTEXT,
            "type": "Assertion",
            "id": urls.assertion(assertion.id),
            "revoked": True,
            "revocationReason": assertion.revocation_reason,
        }
    )
