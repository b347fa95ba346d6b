"""Records the platform stores and the validated inputs that create them."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    model_validator,
)
from pydantic.alias_generators import to_camel

_EMAIL = re.compile(
    r"^[^@\s<>\"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$"
)


def _check_email(value: str) -> str:
    value = value.strip()
    if any(unicodedata.category(c) in _INVISIBLE for c in value):
        raise ValueError("must not contain control or invisible characters")
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValueError("must be an e-mail address like name@example.org")
    return value


_INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp", "Zs"}  # controls, format marks, spaces
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)  # before Open Badges existed: surely a mistake
LATEST = datetime(9000, 1, 1, tzinfo=UTC)  # far enough, and every form can still write it


def _date_time_text(value: Any) -> Any:
    """Dates come as text only: a number would otherwise be read as seconds since 1970."""
    if not isinstance(value, str | datetime):
        raise ValueError("must be a date-time string, e.g. 2026-06-30T12:00:00Z")
    return value


def _require_timezone(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("must include a time zone, e.g. 2026-06-30T12:00:00Z")
    try:
        in_utc = value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("is out of range") from exc
    if not EARLIEST <= in_utc < LATEST:
        raise ValueError("must be between 1970 and 9000")
    return value


# What is trimmed from names and texts before their length is checked: exactly ECMAScript's `\s`,
# the class the OpenAPI document's patterns use (JSON Schema regexes are ECMAScript's), so the
# document and the server agree on every character (Python's own strip() differs on a few).
WHITESPACE = (
    "\t\n\x0b\x0c\r \xa0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def _trim(value: Any) -> Any:
    return value.strip(WHITESPACE) if isinstance(value, str) else value


# Control characters have no place in what people read: a name is one line (no control at
# all), a text keeps its line breaks and tabs (\t \n \v \f \r) and nothing else. The
# document's patterns exclude the same: C0, DEL and C1.
_LINE_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
_TEXT_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _no_line_controls(value: str) -> str:
    if _LINE_CONTROLS.search(value):
        raise ValueError("must be one line with no control characters")
    return value


def _no_text_controls(value: str) -> str:
    if _TEXT_CONTROLS.search(value):
        raise ValueError("must not contain control characters (line breaks and tabs are fine)")
    return value


# Trimmed, then 1 to N characters (whitespace alone is refused); the trim runs first.
Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    BeforeValidator(_trim),
    AfterValidator(_no_line_controls),
]
Text = Annotated[
    str,
    StringConstraints(min_length=1, max_length=5000),
    BeforeValidator(_trim),
    AfterValidator(_no_text_controls),
]
Tag = Annotated[
    str,
    StringConstraints(min_length=1, max_length=60),
    BeforeValidator(_trim),
    AfterValidator(_no_line_controls),
]
Email = Annotated[str, AfterValidator(_check_email)]
HttpUrl = Annotated[AnyHttpUrl, Field()]
AwareDatetime = Annotated[
    datetime, AfterValidator(_require_timezone), BeforeValidator(_date_time_text)
]
# LinkedIn's organization ids are numbers; as text, so leading digits survive every form.
LinkedInOrganizationId = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{1,20}$")
]


class _Input(BaseModel):
    """API inputs: camelCase on the wire (as in Open Badges), unknown fields refused.

    Validators are built on first use (`defer_build`), so a function pays only for the models
    it actually touches, not for all of them at cold start.
    """

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", defer_build=True
    )


class IssuerInput(_Input):
    locale: Literal["en", "it"] = "en"
    name: Name
    url: HttpUrl
    email: Email
    description: Text | None = None
    image: str | None = Field(default=None, description="PNG or SVG as base64 or a data: URI")
    linkedin_organization_id: LinkedInOrganizationId | None = Field(
        default=None, description="the number in the issuer's LinkedIn company page admin URL"
    )


class CriteriaInput(_Input):
    narrative: Text | None = None
    url: HttpUrl | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Self:
        if self.narrative is None and self.url is None:
            raise ValueError("give a narrative, a url, or both")
        return self


class AlignmentInput(_Input):
    target_name: Name
    target_url: HttpUrl
    target_description: Text | None = None
    target_framework: Name | None = None
    target_code: Name | None = None


class BadgeClassInput(_Input):
    name: Name
    description: Text
    criteria: CriteriaInput
    image: str = Field(description="PNG or SVG as base64 or a data: URI")
    tags: list[Tag] = Field(default_factory=list, max_length=50)
    alignments: list[AlignmentInput] = Field(default_factory=list, max_length=50)


class RecipientInput(_Input):
    email: Email
    name: Name | None = None


class EvidenceInput(_Input):
    url: HttpUrl | None = None
    narrative: Text | None = None
    name: Name | None = None
    description: Text | None = None

    @model_validator(mode="after")
    def _something(self) -> Self:
        if self.url is None and self.narrative is None:
            raise ValueError("evidence needs a url or a narrative")
        return self


Locale = Literal["en", "it"]


class AssertionInput(_Input):
    recipient: RecipientInput
    notify: StrictBool = Field(default=True, description="false: the issuer's portal tells them")
    locale: Locale | None = Field(default=None, description="the e-mail's language")
    evidence: list[EvidenceInput] = Field(default_factory=list, max_length=20)
    narrative: Text | None = None
    issued_on: AwareDatetime | None = None
    expires: AwareDatetime | None = None

    @model_validator(mode="after")
    def _expires_after_issue(self) -> Self:
        if self.expires and self.issued_on and self.expires <= self.issued_on:
            raise ValueError("expires must be after issuedOn")
        return self


class RevokeInput(_Input):
    reason: Text


class _Record(BaseModel):
    """Stored state; snake_case, strict about unknown fields so drift shows up in tests."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class StoredImage(_Record):
    key: str
    content_type: str
    sha256: str


class Issuer(_Record):
    id: str
    name: str
    url: str
    email: str
    description: str | None = None
    image: StoredImage | None = None
    created_at: datetime
    locale: str = "en"  # the language of its recipients' e-mails, unless an issue says otherwise
    key_count: int = 0  # keys ever created; the next one is key-<key_count + 1>
    status_list: int = 1  # the status list new credentials are allocated in
    linkedin_organization_id: str | None = None  # fills LinkedIn's "Add to profile" form


class Alignment(_Record):
    target_name: str
    target_url: str
    target_description: str | None = None
    target_framework: str | None = None
    target_code: str | None = None


class BadgeClass(_Record):
    id: str
    issuer_id: str
    name: str
    description: str
    criteria_narrative: str | None = None
    criteria_url: str | None = None
    image: StoredImage
    tags: tuple[str, ...] = ()
    alignments: tuple[Alignment, ...] = ()
    created_at: datetime


class Evidence(_Record):
    url: str | None = None
    narrative: str | None = None
    name: str | None = None
    description: str | None = None


class Assertion(_Record):
    id: str
    badge_id: str
    issuer_id: str
    recipient_email: str
    recipient_name: str | None = None
    salt: str
    identity_hash: str
    issued_on: datetime
    expires: datetime | None = None
    narrative: str | None = None
    evidence: tuple[Evidence, ...] = ()
    revoked: bool = False
    revocation_reason: str | None = None
    revoked_at: datetime | None = None
    created_at: datetime
    # Signed forms, made once at issuance (revocation is published by the lists, not here).
    status_list: int | None = None
    status_index: int | None = None
    ob2_jws: str | None = None
    credential: dict[str, Any] | None = None
    credential_jwt: str | None = None

    def is_expired(self, now: datetime) -> bool:
        return self.expires is not None and self.expires <= now


class ApiKey(_Record):
    """An issuer's API key as stored: only the hash of the secret, never the secret."""

    id: str
    issuer_id: str
    secret_hash: str
    created_at: datetime
    label: str | None = None


class ApiKeyInput(_Input):
    label: Name | None = None
