"""The Diploma Supplement: a PDF the issuer attaches to a degree badge after it was issued.

Each attach or correction is a new version; only the newest, unless withdrawn, is current.
Earlier versions stay for the issuer's audit and are never shown to anyone else. Whether
anyone but the graduate and the issuer may see it is the graduate's choice, decided by
`recipients.disclose`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from badgehub.domain.hashing import same_secret

MAX_SUPPLEMENT_BYTES = 10 * 1024 * 1024


class Supplement(BaseModel):
    """One version of one assertion's supplement, as stored (the PDF itself is a blob)."""

    model_config = ConfigDict(frozen=True)

    assertion_id: str
    issuer_id: str
    version: int  # 1 for the first attach, then one more for each correction
    blob_key: str  # random: says nothing about the badge, the graduate or the issuer
    digest: str  # SHA-384 of the PDF's bytes, "sha384-" + base64 (the SRI form)
    size: int
    attached_at: datetime
    withdrawn_at: datetime | None = None
    statement: str = ""  # the issuer's compact JWS over this version's digest (see below)

    @property
    def current(self) -> bool:
        return self.withdrawn_at is None


# What ties the PDF to the badge -------------------------------------------------------------

STATEMENT_TYPE = "diploma-supplement+jwt"
MEDIA_TYPE = "application/pdf"


def sri_sha384(data: bytes) -> str:
    """The digest as Subresource Integrity writes it: `sha384-` + base64 of SHA-384."""
    import base64
    import hashlib

    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def statement_claims(
    supplement: Supplement, issuer_did: str, credential_id: str, assertion_url: str
) -> dict[str, Any]:
    """The issuer's signed word on one version: which badge (its OB 3.0 credential id and
    its OB 2.0 assertion URL), which version, and the PDF's SHA-384 digest and size."""
    return {
        "iss": issuer_did,
        "sub": credential_id,
        "iat": int(supplement.attached_at.timestamp()),
        "assertion": assertion_url,
        "supplement": {
            "version": supplement.version,
            "digest": supplement.digest,
            "size": supplement.size,
            "mediaType": MEDIA_TYPE,
            "attachedAt": supplement.attached_at.isoformat().replace("+00:00", "Z"),
        },
    }


def statement_header(key_ref: str) -> dict[str, Any]:
    """ES256 with the issuer's OB 3.0 VC-JWT key (`did#key-n`), the key its DID publishes."""
    return {"alg": "ES256", "kid": key_ref, "typ": STATEMENT_TYPE}


def statement_matches(
    token: str,
    public_key_pem: str,
    supplement: Supplement,
    issuer_did: str,
    credential_id: str,
) -> bool:
    """True when `token` is signed by the key and says exactly this version and digest of
    this badge: what a verification page shows as "the digest matches what the issuer signed"."""
    import json

    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    from .jws import b64url_decode

    try:
        head, body, signature = token.split(".")
        header = json.loads(b64url_decode(head))
        claims = json.loads(b64url_decode(body))
        raw = b64url_decode(signature)
        key = serialization.load_pem_public_key(public_key_pem.encode("ascii"))
        if header.get("alg") != "ES256" or len(raw) != 64:
            return False
        if not isinstance(key, ec.EllipticCurvePublicKey):
            return False
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        key.verify(der, f"{head}.{body}".encode("ascii"), ec.ECDSA(hashes.SHA256()))
    except (ValueError, TypeError, InvalidSignature, UnicodeError):
        return False
    said = claims.get("supplement") or {}
    return bool(
        claims.get("iss") == issuer_did
        and claims.get("sub") == credential_id
        and said.get("version") == supplement.version
        and said.get("digest") == supplement.digest
        and said.get("size") == supplement.size
    )


# Download links ---------------------------------------------------------------------------

DOWNLOAD_LIFETIME = timedelta(minutes=10)  # made per view; the page asks for a new one
BLOB_LINK_LIFETIME = timedelta(seconds=60)  # the storage link a download redirects to


class Audience(StrEnum):
    """Who a download link was made for; checked again, against the policy, when it is used."""

    ANYONE = "anyone"
    OWNER = "owner"
    ISSUER = "issuer"


@dataclass(frozen=True)
class DownloadLink:
    assertion_id: str
    version: int
    audience: Audience
    expires: int  # epoch seconds

    def query(self, key: bytes) -> dict[str, str]:
        return {
            "v": str(self.version),
            "for": self.audience.value,
            "exp": str(self.expires),
            "sig": self.signature(key),
        }

    def signature(self, key: bytes) -> str:
        import base64
        import hashlib
        import hmac

        message = f"supplement|{self.assertion_id}|{self.version}|{self.audience}|{self.expires}"
        digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def read_link(
    assertion_id: str, query: dict[str, str | None], key: bytes, now: datetime
) -> DownloadLink | None:
    """The link the query describes, if it is ours, untampered and not expired; else None."""
    try:
        link = DownloadLink(
            assertion_id=assertion_id,
            version=int(query.get("v") or ""),
            audience=Audience(query.get("for") or ""),
            expires=int(query.get("exp") or ""),
        )
    except ValueError:
        return None
    if not same_secret(link.signature(key), query.get("sig") or ""):
        return None
    if now.timestamp() >= link.expires:
        return None
    return link


def file_name(assertion_id: str, version: int) -> str:
    """ASCII letters, digits and dashes only: nothing a Content-Disposition could be tricked by."""
    safe = "".join(c for c in assertion_id if c.isascii() and (c.isalnum() or c == "-"))[:36]
    return f"diploma-supplement-{safe or 'badge'}-v{version}.pdf"
