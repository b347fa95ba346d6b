"""Badges from elsewhere in the backpack: kept only if they verify and were issued to the
signed-in address, and checked again whenever they are shown."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from ..domain import baking
from ..domain.errors import InvalidInput, PayloadTooLarge
from ..domain.recipients import MAX_IMPORT_CHARS, ImportedBadge, Session
from ..domain.verification.report import Report, Verdict
from ..ports import Clock, RecipientStore
from .verify import BakedImage, CompactToken, CredentialJson, Url, VerifySubject

# The verifier as the caller wires it: subject and the address to check it was issued to.
Verifier = Callable[[VerifySubject, str], Report]


class ImportPorts(Protocol):
    @property
    def recipients(self) -> RecipientStore: ...
    @property
    def clock(self) -> Clock: ...


@dataclass(frozen=True)
class Shown:
    badge: ImportedBadge
    report: Report


def _kept_form(subject: VerifySubject) -> tuple[str, str]:
    """What to keep of what was given: an image is kept as the badge inside it."""
    if isinstance(subject, BakedImage):
        baked = baking.unbake(subject.data)
        if baked is None:
            raise InvalidInput("this image carries no Open Badge", field="file")
        payload = baked.payload
        text = payload if isinstance(payload, str) else json.dumps(payload)
        return _kind_of(text), text
    if isinstance(subject, CredentialJson):
        return "credential", json.dumps(subject.document, separators=(",", ":"))
    if isinstance(subject, CompactToken):
        return "token", subject.token
    if isinstance(subject, Url):
        return "url", subject.url
    raise InvalidInput("give a badge image, a credential, a token or a URL", field="file")


def _kind_of(text: str) -> str:
    stripped = text.strip()
    if stripped.startswith("{"):
        return "credential"
    return "url" if stripped.startswith(("https://", "http://")) else "token"


def subject_of(badge: ImportedBadge) -> VerifySubject:
    if badge.kind == "credential":
        return CredentialJson(json.loads(badge.payload))
    if badge.kind == "url":
        return Url(badge.payload)
    return CompactToken(badge.payload)


def import_badge(
    session: Session, subject: VerifySubject, verifier: Verifier, *, ports: ImportPorts
) -> ImportedBadge:
    """Keeps the badge if it is not invalid and names the signed-in address as recipient."""
    kind, payload = _kept_form(subject)
    if len(payload) > MAX_IMPORT_CHARS:
        raise PayloadTooLarge("this badge is too large to keep", field="file")
    kept = ImportedBadge(
        id="", recipient_key="", kind=kind, payload=payload, imported_at=ports.clock.now()
    )
    report = verifier(subject_of(kept), session.email)  # exactly what will be checked later
    recipient = [c for c in report.checks if c.name == "recipient"]
    if not recipient or not all(c.passed for c in recipient):
        raise InvalidInput(
            "this badge was not issued to the address you are signed in with", field="file"
        )
    if report.verdict is Verdict.INVALID:
        raise InvalidInput(
            "this badge did not pass verification, so it was not added", field="file"
        )
    summary = report.summary
    badge = ImportedBadge(
        id=str(uuid.uuid4()),
        recipient_key=session.recipient_key,
        kind=kind,
        payload=payload,
        imported_at=ports.clock.now(),
        name=summary.achievement_name if summary else None,
        issuer_name=summary.issuer_name if summary else None,
    )
    ports.recipients.add_import(badge)
    return badge


def imported_badges(session: Session, verifier: Verifier, *, ports: ImportPorts) -> list[Shown]:
    """Each with a fresh verdict: revocation or expiry since the import shows at once."""
    return [
        Shown(badge, verifier(subject_of(badge), session.email))
        for badge in ports.recipients.list_imports(session.recipient_key)
    ]


def remove(session: Session, import_id: str, *, ports: ImportPorts) -> None:
    ports.recipients.remove_import(session.recipient_key, import_id)
