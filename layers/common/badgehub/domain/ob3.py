"""Open Badges 3.0: the OpenBadgeCredential, its VC-JWT claims, and the issuer's DID document."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from . import multibase
from .keys import Algorithm, SigningKey, compressed_p256, raw_ed25519
from .models import Assertion, BadgeClass, Issuer
from .ob2 import alignment, iso
from .urls import PublicUrls

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
CONTEXTS = [VC_V2, OB_V3, OB_EXTENSIONS]
SCHEMA_URL = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
JsonDict = dict[str, Any]


def _compact(doc: JsonDict) -> JsonDict:
    return {key: value for key, value in doc.items() if value not in (None, [], "")}


def credential_id(assertion_id: str) -> str:
    return f"urn:uuid:{assertion_id}"


def issuer_profile(issuer: Issuer, urls: PublicUrls) -> JsonDict:
    """The issuer is its DID (what verifiers resolve keys from); the Profile page is `url`."""
    return _compact(
        {
            "id": urls.did(issuer.id),
            "type": ["Profile"],
            "name": issuer.name,
            "url": urls.issuer(issuer.id),
            "email": issuer.email,
            "description": issuer.description,
            "image": {"id": urls.asset(issuer.image.key), "type": "Image"}
            if issuer.image
            else None,
        }
    )


def achievement(badge: BadgeClass, urls: PublicUrls) -> JsonDict:
    return _compact(
        {
            "id": urls.badge(badge.id),
            "type": ["Achievement"],
            "achievementType": "Badge",
            "name": badge.name,
            "description": badge.description,
            "criteria": _compact({"id": badge.criteria_url, "narrative": badge.criteria_narrative}),
            "image": {"id": urls.asset(badge.image.key), "type": "Image"},
            "tag": list(badge.tags),
            "alignment": [{"type": ["Alignment"], **alignment(a)} for a in badge.alignments],
        }
    )


def open_badge_credential(
    assertion: Assertion,
    badge: BadgeClass,
    issuer: Issuer,
    urls: PublicUrls,
    credential_status: JsonDict,
) -> JsonDict:
    """The unsigned credential; the recipient is the same salted hash as in OB 2.0."""
    subject = _compact(
        {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "hashed": True,
                    "identityHash": assertion.identity_hash,
                    "identityType": "emailAddress",
                    "salt": assertion.salt,
                }
            ],
            "achievement": achievement(badge, urls),
            "narrative": assertion.narrative,
        }
    )
    return _compact(
        {
            "@context": list(CONTEXTS),
            "id": credential_id(assertion.id),
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": issuer_profile(issuer, urls),
            "validFrom": iso(assertion.issued_on),
            "validUntil": iso(assertion.expires) if assertion.expires else None,
            "name": badge.name,
            "description": badge.description,
            "credentialSubject": subject,
            "evidence": [
                _compact(
                    {
                        "id": e.url,
                        "type": ["Evidence"],
                        "name": e.name,
                        "narrative": e.narrative,
                        "description": e.description,
                    }
                )
                for e in assertion.evidence
            ],
            "credentialSchema": [{"id": SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}],
            "credentialStatus": credential_status,
        }
    )


def jwt_header(issuer_did: str, key: SigningKey) -> JsonDict:
    return {"alg": "ES256", "kid": f"{issuer_did}#{key.key_id}", "typ": "JWT"}


def jwt_claims(credential: JsonDict) -> JsonDict:
    """VC-JWT payload: the credential plus the registered claims OB 3.0 maps onto it.

    `sub` is left out: our subjects are identified by a hashed e-mail, not an id.
    """
    claims = {key: value for key, value in credential.items() if key != "proof"}
    claims["iss"] = credential["issuer"]["id"]
    claims["jti"] = credential["id"]
    claims["nbf"] = _epoch(credential["validFrom"])
    if "validUntil" in credential:
        claims["exp"] = _epoch(credential["validUntil"])
    return claims


def _epoch(value: str) -> int:
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC).timestamp())


def verification_method(did: str, key: SigningKey) -> JsonDict:
    if key.algorithm is Algorithm.ED25519:
        public = multibase.ed25519_multikey(raw_ed25519(key.public_key_pem))
    elif key.algorithm is Algorithm.ES256:
        public = multibase.p256_multikey(compressed_p256(key.public_key_pem))
    else:
        raise ValueError("RSA keys are published as OB 2.0 CryptographicKeys, not in the DID")
    return {
        "id": f"{did}#{key.key_id}",
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": public,
    }


def did_document(issuer_id: str, keys: list[SigningKey], urls: PublicUrls) -> JsonDict:
    """did:web document: every Ed25519 and P-256 key ever used stays, so old badges verify."""
    did = urls.did(issuer_id)
    methods = [
        verification_method(did, key)
        for key in keys
        if key.algorithm in (Algorithm.ED25519, Algorithm.ES256)
    ]
    return {
        "@context": list(DID_CONTEXTS),
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }
