"""The Diploma Supplement: a PDF the issuer attaches to a degree badge after it was issued.

Each attach or correction is a new version; only the newest, unless withdrawn, is current.
Earlier versions stay for the issuer's audit and are never shown to anyone else. Whether
anyone but the graduate and the issuer may see it is the graduate's choice, decided by
`recipients.disclose`.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

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

    @property
    def current(self) -> bool:
        return self.withdrawn_at is None
