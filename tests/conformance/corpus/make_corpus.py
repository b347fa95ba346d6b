"""Writes the hand-made "foreign" badges of this folder and expected.json, from fixed keys."""

# Run from the repository root: `.venv/bin/python -m tests.conformance.corpus.make_corpus`.
# Fixed keys, dates and ids, and deterministic Ed25519 signatures: running it again changes
# nothing unless a builder below changed (a unit test checks the files are up to date).

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from badgehub.domain import dataintegrity, hashing, jws, multibase, ob3

HERE = Path(__file__).resolve().parent
CREATED = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
RECIPIENT = "learner@example.org"
SALT = "c0rpu5-s4lt"


def fixed_key(name: str) -> ed25519.Ed25519PrivateKey:
    """A key derived from a name: the corpus must sign the same way every time."""
    return ed25519.Ed25519PrivateKey.from_private_bytes(hashlib.sha256(name.encode()).digest())


ISSUER = fixed_key("badgehub corpus: issuer")
STRANGER = fixed_key("badgehub corpus: stranger")


def did_of(key: ed25519.Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return multibase.did_key(raw)


def method_of(key: ed25519.Ed25519PrivateKey) -> str:
    did = did_of(key)
    return f"{did}#{did.removeprefix('did:key:')}"


def credential(issuer_did: str, **changes: Any) -> dict[str, Any]:
    """An OB 3.0 credential as another platform might issue it: did:key issuer, hashed e-mail."""
    document: dict[str, Any] = {
        "@context": list(ob3.CONTEXTS),
        "id": "urn:uuid:2f0c5a4e-8a59-4d6b-9a51-6c1f4f7e0b01",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Open Source Contributor",
        "issuer": {
            "id": issuer_did,
            "type": ["Profile"],
            "name": "Example Code Club",
            "url": "https://code-club.example.org",
        },
        "validFrom": "2024-03-01T09:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "hashed": True,
                    "identityHash": hashing.hash_email(RECIPIENT, SALT),
                    "identityType": "emailAddress",
                    "salt": SALT,
                }
            ],
            "achievement": {
                "id": "https://code-club.example.org/achievements/contributor",
                "type": ["Achievement"],
                "name": "Open Source Contributor",
                "description": "Had a pull request merged into an open source project.",
                "criteria": {"narrative": "A merged pull request, reviewed by a maintainer."},
            },
        },
        "credentialSchema": [{"id": ob3.SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    document.update(changes)
    return document


def signed(document: dict[str, Any], key: ed25519.Ed25519PrivateKey, method: str) -> dict[str, Any]:
    return dataintegrity.add_proof(
        document, verification_method=method, created=CREATED, sign=key.sign
    )


def vc_jwt(document: dict[str, Any], key: ed25519.Ed25519PrivateKey, method: str) -> str:
    header = {"alg": "EdDSA", "kid": method, "typ": "JWT"}
    return jws.sign_compact(header, ob3.jwt_claims(document), key.sign)


def _ob2_without_time_zone() -> dict[str, Any]:
    """OB 2.0 requires a time zone on every date; this one has none (invalid in 1EdTech's
    validator too). Hosted at a host that never resolves, with badge and issuer embedded."""
    return {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://badges.issuer.invalid/assertions/42",
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": SALT,
            "identity": hashing.hash_email(RECIPIENT, SALT),
        },
        "badge": {
            "type": "BadgeClass",
            "id": "https://badges.issuer.invalid/badges/7",
            "name": "First Aid",
            "description": "Completed a first aid course.",
            "image": "https://badges.issuer.invalid/badges/7/image.png",
            "criteria": {"narrative": "Attend the course and pass the practical test."},
            "issuer": {
                "type": "Issuer",
                "id": "https://badges.issuer.invalid/issuers/1",
                "name": "Example Red Cross Chapter",
                "url": "https://issuer.invalid",
                "email": "badges@issuer.invalid",
            },
        },
        "verification": {"type": "HostedBadge"},
        "issuedOn": "2024-03-01T09:00:00",
    }


def build() -> tuple[dict[str, str], dict[str, str]]:
    """({file name: content}, {file name: expected verdict})."""
    issuer_did, method = did_of(ISSUER), method_of(ISSUER)
    valid = signed(credential(issuer_did), ISSUER, method)
    tampered = copy.deepcopy(valid)
    tampered["credentialSubject"]["achievement"]["name"] = "Linux Kernel Maintainer"
    undefined = copy.deepcopy(valid)
    undefined["favouriteColour"] = "green"
    unsigned = credential(issuer_did)
    jwt = vc_jwt(credential(issuer_did), ISSUER, method)
    header, payload, signature = jwt.split(".")
    claims = json.loads(jws.b64url_decode(payload))
    claims["name"] = "Linux Kernel Maintainer"
    forged_payload = jws.b64url(json.dumps(claims, separators=(",", ":")).encode())
    cases: list[tuple[str, Any, str]] = [
        ("ob3-valid.json", valid, "valid"),
        ("ob3-tampered.json", tampered, "invalid"),
        ("ob3-undefined-term.json", undefined, "invalid"),
        ("ob3-no-proof.json", unsigned, "invalid"),
        (
            "ob3-expired.json",
            signed(
                credential(
                    issuer_did,
                    validFrom="2024-01-01T00:00:00Z",
                    validUntil="2025-01-01T00:00:00Z",
                ),
                ISSUER,
                method,
            ),
            "expired",
        ),
        (
            "ob3-not-yet-valid.json",
            signed(credential(issuer_did, validFrom="2099-01-01T00:00:00Z"), ISSUER, method),
            "not_yet_valid",
        ),
        (
            "ob3-other-key.json",
            signed(credential(issuer_did), STRANGER, method),
            "invalid",
        ),
        (
            "ob3-key-not-the-issuers.json",
            signed(credential(issuer_did), STRANGER, method_of(STRANGER)),
            "invalid",
        ),
        (
            "ob3-status-list-unreachable.json",
            signed(
                credential(
                    issuer_did,
                    credentialStatus={
                        "id": "https://status.issuer.invalid/lists/1#94567",
                        "type": "BitstringStatusListEntry",
                        "statusPurpose": "revocation",
                        "statusListIndex": "94567",
                        "statusListCredential": "https://status.issuer.invalid/lists/1",
                    },
                ),
                ISSUER,
                method,
            ),
            "unverifiable",
        ),
        ("ob3-vc-jwt-valid.jwt", jwt, "valid"),
        ("ob3-vc-jwt-tampered.jwt", f"{header}.{forged_payload}.{signature}", "invalid"),
        ("ob2-no-time-zone.json", _ob2_without_time_zone(), "invalid"),
        (
            "not-a-badge.json",
            {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": ["VerifiableCredential"],
                "issuer": issuer_did,
                "validFrom": "2024-03-01T09:00:00Z",
                "credentialSubject": {"id": "did:example:someone"},
            },
            "rejected",
        ),
    ]
    files = {
        name: (content if isinstance(content, str) else json.dumps(content, indent=2)) + "\n"
        for name, content, _ in cases
    }
    return files, {name: verdict for name, _, verdict in cases}


def main() -> None:
    files, expected = build()
    for name, content in files.items():
        (HERE / name).write_text(content, encoding="utf-8")
    (HERE / "expected.json").write_text(json.dumps(expected, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
