"""Open Badges 2.0 JSON-LD documents built from stored records (hosted verification)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .models import Alignment, Assertion, BadgeClass, Issuer
from .urls import PublicUrls

CONTEXT = "https://w3id.org/openbadges/v2"
JsonDict = dict[str, Any]


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a `Z`, the form every verifier parses."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _compact(doc: JsonDict) -> JsonDict:
    return {key: value for key, value in doc.items() if value not in (None, [], "")}


def issuer_profile(
    issuer: Issuer, urls: PublicUrls, rsa_key_id: str | None, *, per_key: bool = False
) -> JsonDict:
    """The Profile, naming one `publicKey`: OB 2.0 validators refuse a list (1EdTech's does).

    The plain Profile (`/issuers/<id>`) names the key the issuer signs with now. Each RSA key
    also has a Profile of its own (`per_key`: `/issuers/<id>?key=<key>`, the same issuer naming
    that key), which the badges that key signed link to, so they keep verifying after any
    number of rotations.
    """
    return _compact(
        {
            "@context": CONTEXT,
            "type": "Issuer",
            "id": urls.issuer(issuer.id, rsa_key_id if per_key else None),
            "name": issuer.name,
            "url": issuer.url,
            "email": issuer.email,
            "description": issuer.description,
            "image": urls.asset(issuer.image.key) if issuer.image else None,
            "publicKey": urls.key(issuer.id, rsa_key_id) if rsa_key_id else None,
            "revocationList": urls.revocation_list(issuer.id),
        }
    )


def cryptographic_key(
    issuer_id: str, key_id: str, public_key_pem: str, urls: PublicUrls
) -> JsonDict:
    return {
        "@context": CONTEXT,
        "type": "CryptographicKey",
        "id": urls.key(issuer_id, key_id),
        "owner": urls.issuer(issuer_id),
        "publicKeyPem": public_key_pem,
    }


def revocation_list(
    issuer_id: str, revoked: list[tuple[str, str | None]], urls: PublicUrls
) -> JsonDict:
    """Revoked signed assertions by their `urn:uuid:` ids, with reasons."""
    return {
        "@context": CONTEXT,
        "type": "RevocationList",
        "id": urls.revocation_list(issuer_id),
        "issuer": urls.issuer(issuer_id),
        "revokedAssertions": [
            _compact({"id": signed_id(assertion_id), "revocationReason": reason})
            for assertion_id, reason in revoked
        ],
    }


def signed_id(assertion_id: str) -> str:
    return f"urn:uuid:{assertion_id}"


def badge_class(badge: BadgeClass, urls: PublicUrls, signing_key: str | None = None) -> JsonDict:
    """The BadgeClass; with `signing_key`, its issuer is the Profile naming that key."""
    criteria = _compact({"id": badge.criteria_url, "narrative": badge.criteria_narrative})
    return _compact(
        {
            "@context": CONTEXT,
            "type": "BadgeClass",
            "id": urls.badge(badge.id, signing_key),
            "name": badge.name,
            "description": badge.description,
            "image": urls.asset(badge.image.key),
            "criteria": criteria,
            "issuer": urls.issuer(badge.issuer_id, signing_key),
            "tags": list(badge.tags),
            "alignment": [alignment(a) for a in badge.alignments],
        }
    )


def alignment(a: Alignment) -> JsonDict:
    """The alignment fields OB 2.0 and OB 3.0 share (3.0 adds a `type`)."""
    return _compact(
        {
            "targetName": a.target_name,
            "targetUrl": a.target_url,
            "targetDescription": a.target_description,
            "targetFramework": a.target_framework,
            "targetCode": a.target_code,
        }
    )


def hosted_assertion(assertion: Assertion, badge: BadgeClass, urls: PublicUrls) -> JsonDict:
    """The public assertion: the recipient appears only as a salted hash."""
    doc = _assertion_body(assertion, badge, urls)
    if assertion.revoked:
        doc["revoked"] = True
        doc["revocationReason"] = assertion.revocation_reason
    return doc


def signed_assertion(
    assertion: Assertion, badge: BadgeClass, urls: PublicUrls, key_id: str
) -> JsonDict:
    """The JWS payload: `urn:uuid` id, SignedBadge verification naming the key (`creator`).

    Its `badge` is the BadgeClass of the signing key (`/badges/<id>?key=<key>`), whose issuer
    is the Profile naming that key: the chain a validator follows stays true after rotations.
    """
    doc = _assertion_body(assertion, badge, urls)
    doc["id"] = signed_id(assertion.id)
    doc["badge"] = urls.badge(badge.id, key_id)
    doc["verification"] = {"type": "SignedBadge", "creator": urls.key(badge.issuer_id, key_id)}
    return doc


def _assertion_body(assertion: Assertion, badge: BadgeClass, urls: PublicUrls) -> JsonDict:
    return _compact(
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
