"""What one verification carries from check to check, and how it ends in a report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ...domain.verification.report import Check, Report, Summary, Verdict, unverifiable, verdict_of
from ...domain.verification.values import Json
from .web import Web

CANNOT_TELL = ", so we cannot tell whether this badge has been revoked"


@dataclass
class Run:
    """The web it reads, the moment it judges, whose address it compares, and its checks."""

    web: Web
    now: datetime
    email: str | None
    own_base_url: str | None
    checks: list[Check] = field(default_factory=list)

    def finish(self, summary: Summary | None, credential: Json | None) -> Report:
        """Never a silent valid: without one passed authenticity check, it is unverifiable."""
        authenticated = any(c.passed and c.name in ("proof", "hosted") for c in self.checks)
        if not authenticated and verdict_of(self.checks) is Verdict.VALID:
            self.checks.append(
                unverifiable("proof", "Nothing in this badge could be checked with its issuer.")
            )
        return Report.of(self.checks, summary, credential)

    def where(self) -> dict[str, Any]:
        return {"own_base_url": self.own_base_url}
