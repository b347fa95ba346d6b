"""Where each public document lives: every Open Badges id is an absolute URL on the public base."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PublicUrls:
    """`base` serves the documents; `assets` serves stored images (a public bucket or CDN)."""

    base: str
    assets: str

    def issuer(self, issuer_id: str) -> str:
        return f"{self.base}/issuers/{issuer_id}"

    def badge(self, badge_id: str) -> str:
        return f"{self.base}/badges/{badge_id}"

    def assertion(self, assertion_id: str) -> str:
        return f"{self.base}/assertions/{assertion_id}"

    def asset(self, key: str) -> str:
        return f"{self.assets}/{key}"
