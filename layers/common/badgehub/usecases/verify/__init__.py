"""Verify any Open Badge: fetch what it points to, run the named checks, and report.

`web` fetches, `keys` resolves signing keys over the web, and `ob2` and `ob3` hold each
format's steps; this module says what the input is and sends it to the right ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeAlias

from ...domain.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType
from ...domain.verification.inputs import (
    LegacyBadge,
    Link,
    Ob2Json,
    Ob3Json,
    Parsed,
    load_json,
    parse_input,
    parse_json,
    parse_token,
    parse_url,
)
from ...domain.verification.report import Report, unverifiable
from ...ports import Fetched, Fetcher, FetchError
from .ob2 import Ob2Run
from .ob3 import Ob3Run
from .web import MAX_FETCHES, Web

__all__ = [
    "MAX_FETCHES",
    "BakedImage",
    "CompactToken",
    "CredentialJson",
    "FetchError",
    "Fetched",
    "Fetcher",
    "Url",
    "VerifySubject",
    "verify",
]

_MAX_LINK_HOPS = 2  # a URL to an image that carries a URL: no further


@dataclass(frozen=True)
class CredentialJson:
    document: dict[str, Any]


@dataclass(frozen=True)
class CompactToken:
    token: str


@dataclass(frozen=True)
class Url:
    url: str


@dataclass(frozen=True)
class BakedImage:
    data: bytes


VerifySubject: TypeAlias = CredentialJson | CompactToken | Url | BakedImage


def verify(
    subject: VerifySubject,
    fetcher: Fetcher,
    now: datetime,
    recipient_email: str | None = None,
    own_base_url: str | None = None,
) -> Report:
    """The report for one badge, whoever issued it.

    Raises InvalidInput (PayloadTooLarge, UnsupportedMediaType for images) when the input is
    not a badge at all; everything wrong with a badge is a check in the report instead. An
    Open Badges 1.0/1.1 badge is verified as its 2.0 equivalent (a passed `version` check says
    so); a 0.5 badge is a badge of a version we do not verify: its report is unverifiable with
    one `unsupported_version` check naming it, which software finds by name.
    """
    if now.tzinfo is None:
        raise ValueError("now must carry a time zone")
    run = _Run(Web(fetcher), now, recipient_email, own_base_url)
    return run.parsed(_parse(subject), hops=0)


def _parse(subject: VerifySubject) -> Parsed:
    if isinstance(subject, CredentialJson):
        return parse_json(subject.document, "credential")
    if isinstance(subject, CompactToken):
        return parse_token(subject.token, "jws")
    if isinstance(subject, Url):
        return parse_url(subject.url, "url")
    return _unbaked(subject.data, "image")


def _unbaked(data: bytes, field_name: str) -> Parsed:
    """The badge an image carries. Baking is imported here: only image inputs pay for it."""
    from ...domain import baking

    baked = baking.unbake(data)
    if baked is None:
        raise InvalidInput("This image does not carry a badge.", field=field_name)
    return parse_input(baked.payload, field_name)


class _Run(Ob2Run, Ob3Run):
    """One verification: what the input turns out to be decides which steps run."""

    def parsed(self, parsed: Parsed, hops: int) -> Report:
        if isinstance(parsed, LegacyBadge):
            return self.legacy_badge(parsed, supplied=hops == 0)
        if isinstance(parsed, Link):
            return self.link(parsed.url, hops)
        if isinstance(parsed, Ob2Json):
            return self.ob2_json(parsed.document, supplied=hops == 0)
        if isinstance(parsed, Ob3Json):
            return self.ob3_data_integrity(parsed.document)
        if parsed.kind == "ob2":
            return self.ob2_signed(parsed)
        return self.ob3_jwt(parsed)

    def legacy_badge(self, badge: LegacyBadge, supplied: bool) -> Report:
        """1.0/1.1 as their 2.0 equivalent; 0.5 only named."""
        if badge.version == "0.5":
            return Report.of([badge.check], None, badge.document)
        return self.ob1_json(badge, supplied)

    def link(self, url: str, hops: int) -> Report:
        """A URL: what it serves decides the format (JSON, a token, or a baked image)."""
        if hops >= _MAX_LINK_HOPS:
            raise InvalidInput("The address leads to another address, not a badge.", field="url")
        got = self.web.get(url)
        if isinstance(got, str):
            return Report.of([unverifiable("fetch", f"We could not download {url} ({got}).")])
        if got.status not in (200, 410):
            return Report.of(
                [
                    unverifiable(
                        "fetch", f"We could not download {url} (the server answered {got.status})."
                    )
                ]
            )
        parsed = _parse_fetched(got)
        if got.status == 410 and not isinstance(parsed, Ob2Json):
            return Report.of(
                [unverifiable("fetch", f"The server says {url} has been removed (410).")]
            )
        return self.parsed(parsed, hops + 1)


def _parse_fetched(got: Fetched) -> Parsed:
    """JSON, a compact token, or a baked image: whatever the address served."""
    body = got.body.lstrip()
    if body.startswith(b"{"):
        return parse_json(load_json(body, "url"), "url")
    if body.startswith((b"\x89PNG", b"<")):
        try:
            return _unbaked(got.body, "url")
        except (InvalidInput, UnsupportedMediaType):
            raise InvalidInput("The address does not lead to an Open Badge.", field="url") from None
        except PayloadTooLarge as exc:
            raise PayloadTooLarge(exc.message, field="url") from None
    try:
        text = body.decode("ascii").strip()
    except UnicodeDecodeError:
        text = ""
    if text and "." in text and len(text.split(".")) == 3:
        return parse_token(text, "url")
    raise InvalidInput("The address does not lead to an Open Badge.", field="url")
