"""Checks, the verdict they add up to, and the report that shows them with what the badge says."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

from .values import Json, iso

Severity = Literal["error", "warning"]
Format = Literal["ob1-hosted", "ob2-hosted", "ob2-signed", "ob3-data-integrity", "ob3-jwt"]


class Verdict(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    INVALID = "invalid"
    UNVERIFIABLE = "unverifiable"


PRECEDENCE = (
    Verdict.INVALID,
    Verdict.REVOKED,
    Verdict.EXPIRED,
    Verdict.NOT_YET_VALID,
    Verdict.UNVERIFIABLE,
)
"""The worst finding wins: a forged badge is invalid even if it is also revoked."""


@dataclass(frozen=True)
class Check:
    """One finding, in words a recruiter understands.

    `outcome` is what a failure makes the badge. Left out, a failed error makes it invalid and
    a failed warning changes nothing; revocation, expiry and missing data say otherwise.
    """

    name: str
    passed: bool
    message: str
    severity: Severity = "error"
    outcome: Verdict | None = None

    @property
    def effect(self) -> Verdict | None:
        if self.passed:
            return None
        if self.outcome is not None:
            return self.outcome
        return Verdict.INVALID if self.severity == "error" else None


def passed(name: str, message: str) -> Check:
    return Check(name, True, message)


def failed(name: str, message: str, outcome: Verdict | None = None) -> Check:
    return Check(name, False, message, "error", outcome)


def warning(name: str, message: str, outcome: Verdict | None = None) -> Check:
    return Check(name, False, message, "warning", outcome)


def unverifiable(name: str, message: str) -> Check:
    """A check that could not run for lack of data: never an error, never a silent pass."""
    return warning(name, message, Verdict.UNVERIFIABLE)


def structure_checks(problems: list[str], ok_message: str) -> list[Check]:
    """One failed `structure` check per problem, or a single passed one."""
    if not problems:
        return [passed("structure", ok_message)]
    return [failed("structure", problem) for problem in problems]


def verdict_of(checks: Iterable[Check]) -> Verdict:
    effects = {check.effect for check in checks}
    for verdict in PRECEDENCE:
        if verdict in effects:
            return verdict
    return Verdict.VALID


@dataclass(frozen=True, kw_only=True)
class Summary:
    """What the badge says, for display; never the recipient's e-mail address."""

    issuer_name: str | None = None
    issuer_url: str | None = None
    issuer_id: str | None = None
    achievement_name: str | None = None
    achievement_description: str | None = None
    criteria_narrative: str | None = None
    criteria_url: str | None = None
    image_url: str | None = None
    issued_on: datetime | None = None
    expires: datetime | None = None
    revocation_reason: str | None = None
    format: Format
    hosted_here: bool = False
    endorses: str | None = None
    """For an endorsement: what it vouches for (a profile, achievement or badge id)."""
    credential_id: str | None = None
    """The verified assertion's or credential's own id (earner analytics find ours by it)."""

    def to_json(self) -> Json:
        return {
            "issuer_name": self.issuer_name,
            "issuer_url": self.issuer_url,
            "issuer_id": self.issuer_id,
            "achievement_name": self.achievement_name,
            "achievement_description": self.achievement_description,
            "criteria_narrative": self.criteria_narrative,
            "criteria_url": self.criteria_url,
            "image_url": self.image_url,
            "issued_on": iso(self.issued_on),
            "expires": iso(self.expires),
            "revocation_reason": self.revocation_reason,
            "format": self.format,
            "hosted_here": self.hosted_here,
            "endorses": self.endorses,
        }


@dataclass(frozen=True)
class Report:
    """Every check that ran, the verdict they add up to, and what was verified."""

    verdict: Verdict
    checks: tuple[Check, ...]
    summary: Summary | None = None
    credential: Json | None = None

    @classmethod
    def of(
        cls,
        checks: Iterable[Check],
        summary: Summary | None = None,
        credential: Json | None = None,
    ) -> Report:
        found = tuple(checks)
        return cls(verdict_of(found), found, summary, credential)

    @property
    def valid(self) -> bool:
        return self.verdict is Verdict.VALID

    @property
    def errors(self) -> list[str]:
        return [c.message for c in self.checks if not c.passed and c.severity == "error"]

    @property
    def warnings(self) -> list[str]:
        return [c.message for c in self.checks if not c.passed and c.severity == "warning"]

    def to_json(self) -> Json:
        return {
            "valid": self.valid,
            "verdict": self.verdict.value,
            "checks": [
                {"name": c.name, "passed": c.passed, "message": c.message} for c in self.checks
            ],
            "errors": self.errors,
            "warnings": self.warnings,
            "credential": copy.deepcopy(self.credential),
            "summary": self.summary.to_json() if self.summary else None,
        }
