"""Where each public document lives: every Open Badges id is an absolute URL on the public base."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit


@dataclass(frozen=True)
class PublicUrls:
    """`base` serves the documents; `assets` serves stored images (a public bucket or CDN)."""

    base: str
    assets: str

    def issuer(self, issuer_id: str, signing_key: str | None = None) -> str:
        """The issuer's Profile; with `signing_key`, the Profile naming that one RSA key."""
        return f"{self.base}/issuers/{issuer_id}" + _signing_key_query(signing_key)

    def badge(self, badge_id: str, signing_key: str | None = None) -> str:
        """The BadgeClass; with `signing_key`, the one whose issuer is that key's Profile."""
        return f"{self.base}/badges/{badge_id}" + _signing_key_query(signing_key)

    def assertion(self, assertion_id: str) -> str:
        return f"{self.base}/assertions/{assertion_id}"

    def asset(self, key: str) -> str:
        return f"{self.assets}/{key}"

    # Open Badges 2.0 signed badges
    def key(self, issuer_id: str, key_id: str) -> str:
        """The CryptographicKey document; its owner is the issuer's plain Profile."""
        return f"{self.issuer(issuer_id)}/keys/{key_id}"

    def revocation_list(self, issuer_id: str) -> str:
        return f"{self.issuer(issuer_id)}/revocations"

    def ob2_signed(self, assertion_id: str) -> str:
        return f"{self.assertion(assertion_id)}/jws"

    def baked(self, assertion_id: str) -> str:
        return f"{self.assertion(assertion_id)}/baked"

    def baked_credential(self, assertion_id: str) -> str:
        return f"{self.credential(assertion_id)}/baked"

    # Open Badges 3.0 credentials
    def credential(self, assertion_id: str) -> str:
        return f"{self.assertion(assertion_id)}/credential"

    def credential_jwt(self, assertion_id: str) -> str:
        return f"{self.assertion(assertion_id)}/credential/jwt"

    def status_list(self, issuer_id: str, number: int) -> str:
        return f"{self.issuer(issuer_id)}/status/{number}"

    def did(self, issuer_id: str) -> str:
        """`did:web` for the issuer: host (port %-encoded), then path segments, colon-joined."""
        parts = urlsplit(self.base)
        segments = [quote(parts.netloc, safe="")]
        segments += [quote(s, safe="") for s in parts.path.split("/") if s]
        return "did:web:" + ":".join([*segments, "issuers", issuer_id])

    def did_document(self, issuer_id: str) -> str:
        return f"{self.issuer(issuer_id)}/did.json"

    def jwks(self, issuer_id: str) -> str:
        return f"{self.issuer(issuer_id)}/jwks.json"

    # Sharing: the page an owner sends around, and what it travels with
    def share(self, assertion_id: str) -> str:
        return f"{self.base}/share/{assertion_id}"

    def share_preview(self, assertion_id: str) -> str:
        return f"{self.share(assertion_id)}/preview.png"

    def share_square(self, assertion_id: str) -> str:
        return f"{self.share(assertion_id)}/instagram.png"

    def share_qr_svg(self, assertion_id: str) -> str:
        return f"{self.share(assertion_id)}/qr.svg"

    def share_qr_png(self, assertion_id: str) -> str:
        return f"{self.share(assertion_id)}/qr.png"

    def share_print(self, assertion_id: str) -> str:
        return f"{self.share(assertion_id)}/print"

    def embed(self, assertion_id: str) -> str:
        return f"{self.base}/embed/{assertion_id}"

    def oembed(self) -> str:
        return f"{self.base}/oembed"


def _signing_key_query(signing_key: str | None) -> str:
    return f"?key={quote(signing_key, safe='')}" if signing_key else ""
