"""The issuer API's JSON views of stored records (private fields included: callers own them)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..domain.keys import Algorithm, SigningKey
from ..domain.models import Alignment, ApiKey, Assertion, BadgeClass, Issuer
from ..domain.ob2 import iso
from ..domain.recipients import RecipientEntry, Viewer, disclose
from ..domain.urls import PublicUrls


def issuer_view(issuer: Issuer, urls: PublicUrls) -> dict[str, Any]:
    return {
        "id": issuer.id,
        "name": issuer.name,
        "url": issuer.url,
        "email": issuer.email,
        "description": issuer.description,
        "createdAt": iso(issuer.created_at),
        "did": urls.did(issuer.id),
        "linkedinOrganizationId": issuer.linkedin_organization_id,
        "links": {
            "profile": urls.issuer(issuer.id),
            "image": urls.asset(issuer.image.key) if issuer.image else None,
            "didDocument": urls.did_document(issuer.id),
            "revocationList": urls.revocation_list(issuer.id),
            "statusList": urls.status_list(issuer.id, issuer.status_list),
        },
    }


def key_view(key: SigningKey, urls: PublicUrls) -> dict[str, Any]:
    did = urls.did(key.issuer_id)
    return {
        "id": key.key_id,
        "algorithm": key.algorithm.value,
        "active": key.active,
        "createdAt": iso(key.created_at),
        "publicKeyPem": key.public_key_pem,
        "links": {
            "key": urls.key(key.issuer_id, key.key_id),
            "verificationMethod": None
            if key.algorithm is Algorithm.RS256
            else f"{did}#{key.key_id}",
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


def alignment_view(alignment: Alignment) -> dict[str, Any]:
    """camelCase, as the request that made it: one casing on the wire."""
    view = {
        "targetName": alignment.target_name,
        "targetUrl": alignment.target_url,
        "targetDescription": alignment.target_description,
        "targetFramework": alignment.target_framework,
        "targetCode": alignment.target_code,
    }
    return {key: value for key, value in view.items() if value is not None}


def badge_view(badge: BadgeClass, urls: PublicUrls) -> dict[str, Any]:
    return {
        "id": badge.id,
        "issuerId": badge.issuer_id,
        "name": badge.name,
        "description": badge.description,
        "criteria": {"narrative": badge.criteria_narrative, "url": badge.criteria_url},
        "tags": list(badge.tags),
        "alignments": [alignment_view(a) for a in badge.alignments],
        "createdAt": iso(badge.created_at),
        "links": {
            "badge": urls.badge(badge.id),
            "issuer": urls.issuer(badge.issuer_id),
            "image": urls.asset(badge.image.key),
        },
    }


def recipient_facts_view(entry: RecipientEntry | None, revoked: bool) -> dict[str, Any]:
    """What the issuer may know of the recipient's side: claim state and delivery, never
    their privacy choices (the policy decides)."""
    if entry is None:
        return {}
    shown = disclose(Viewer.ISSUER, entry, revoked=revoked)
    facts: dict[str, Any] = {}
    if shown.claim_state:
        changed = entry.claim_changed_at
        facts["claim"] = {
            "state": entry.claim.value,
            "changedAt": iso(changed) if changed else None,
        }
    if shown.delivery:
        last = entry.delivery.last_attempt_at
        facts["delivery"] = {
            "state": entry.delivery.state.value,
            "attempts": entry.delivery.attempts,
            "lastAttemptAt": iso(last) if last else None,
        }
    if shown.privacy_choices:
        facts["visibility"] = entry.visibility.value
        facts["showName"] = entry.show_name
    return facts


def assertion_view(
    assertion: Assertion,
    badge: BadgeClass,
    urls: PublicUrls,
    entry: RecipientEntry | None = None,
) -> dict[str, Any]:
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
        **recipient_facts_view(entry, assertion.revoked),
        "links": {
            "assertion": urls.assertion(assertion.id),
            "badge": urls.badge(badge.id),
            "issuer": urls.issuer(assertion.issuer_id),
            "image": urls.asset(badge.image.key),
            "ob2Signed": urls.ob2_signed(assertion.id),
            "credential": urls.credential(assertion.id),
            "credentialJwt": urls.credential_jwt(assertion.id),
            # The badge's own id: browsers get the verification page there, software JSON-LD.
            "verify": urls.assertion(assertion.id),
            "baked": urls.baked(assertion.id),
            "bakedCredential": urls.baked_credential(assertion.id),
            # The owner's share page: it answers 404 until they accept and while it is private.
            "share": urls.share(assertion.id),
        },
    }


class VerifyRequest(BaseModel):
    """POST /v1/verify: one of `credential`, `jws` or `url`; `recipient` optionally."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    credential: dict[str, Any] | None = None
    jws: str | None = Field(default=None, max_length=200_000)
    url: str | None = Field(default=None, max_length=2000)
    recipient: str | None = Field(default=None, max_length=254)
