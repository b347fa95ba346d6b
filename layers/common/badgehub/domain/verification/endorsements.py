"""Endorsements a badge carries (OB 3.0 `endorsement` and `endorsementJwt`): where they are,
and how one endorsement's own report reads as a single check on the badge that carries it.

An endorsement is a third party's word about the badge, its achievement or its issuer: one
that cannot be confirmed is a warning on the badge, never a reason to doubt the badge itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .report import Check, Report, Verdict, passed, warning
from .values import as_list, as_object, iri, text_value

MAX_ENDORSEMENTS = 8  # per badge; each may cost a key lookup, and the fetch budget is shared

_WHERE = {
    "credential": "the badge",
    "achievement": "the achievement",
    "issuer": "the issuer",
}
_VERDICT_WORDS = {
    Verdict.REVOKED: "it has been revoked",
    Verdict.EXPIRED: "it has expired",
    Verdict.NOT_YET_VALID: "it is not valid yet",
    Verdict.INVALID: "it is not valid",
    Verdict.UNVERIFIABLE: "it could not be fully verified",
}


@dataclass(frozen=True)
class Carried:
    """One endorsement as found: the credential (JSON) or its VC-JWT, and what holds it."""

    value: Mapping[str, Any] | str
    holder: str  # "credential", "achievement" or "issuer"
    holder_id: str | None


def carried_endorsements(credential: Mapping[str, Any]) -> list[Carried]:
    """Endorsements of the badge itself, of its achievement and of its issuer's profile."""
    subject = as_object(credential.get("credentialSubject")) or {}
    holders = [
        ("credential", credential),
        ("achievement", as_object(subject.get("achievement"))),
        ("issuer", as_object(credential.get("issuer"))),
    ]
    found: list[Carried] = []
    for holder, node in holders:
        if node is None:
            continue
        for key in ("endorsement", "endorsementJwt"):
            for item in as_list(node.get(key)):
                if isinstance(item, Mapping | str):
                    found.append(Carried(item, holder, iri(node)))
    return found


def endorser_of(endorsement: Mapping[str, Any] | None) -> str:
    issuer = (endorsement or {}).get("issuer")
    profile = as_object(issuer)
    name = text_value(profile.get("name")) if profile else None
    return name or iri(issuer) or "an unnamed endorser"


def endorsement_check(carried: Carried, report: Report) -> Check:
    """The endorsement's report as one check: passed when valid and about what holds it."""
    endorsement = report.credential
    who = endorser_of(endorsement)
    where = _WHERE[carried.holder]
    subject = as_object((endorsement or {}).get("credentialSubject")) or {}
    endorsed = subject.get("id")
    comment = text_value(subject.get("endorsementComment"))
    said = f' ("{comment}")' if comment else ""
    if report.verdict is not Verdict.VALID:
        problems = report.errors or report.warnings
        why = f": {problems[0]}" if problems else ""
        return warning(
            "endorsement",
            f"An endorsement of {where} by {who} could not be confirmed, as "
            f"{_VERDICT_WORDS[report.verdict]}{why} This does not change the badge's verdict.",
        )
    if carried.holder_id is not None and endorsed != carried.holder_id:
        return warning(
            "endorsement",
            f"An endorsement by {who} is carried by {where}, but endorses something else "
            f"({endorsed}); it says nothing about this badge.",
        )
    return passed("endorsement", f"{who} endorses {where}{said}; the endorsement is valid.")


def not_an_endorsement(carried: Carried, why: str) -> Check:
    return warning(
        "endorsement",
        f"Something listed as an endorsement of {_WHERE[carried.holder]} is not one we can "
        f"read ({why}). This does not change the badge's verdict.",
    )


def too_many_endorsements(skipped: int) -> Check:
    return warning(
        "endorsement",
        f"{skipped} more endorsements were not checked: a badge's first {MAX_ENDORSEMENTS} are.",
    )
