"""Verifying any Open Badge: small named checks that add up to one report, and what an input is."""

from __future__ import annotations

import binascii
import copy
import functools
import importlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from importlib.resources import files
from typing import TYPE_CHECKING, Any, Literal, TypeAlias
from urllib.parse import quote, unquote, urlsplit

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from . import dataintegrity, hashing, multibase, statuslist
from .errors import InvalidInput, PayloadTooLarge
from .jws import b64url_decode
from .ob3 import SCHEMA_URL, VC_V2

if TYPE_CHECKING:
    from types import ModuleType

Json = dict[str, Any]
Severity = Literal["error", "warning"]
Format = Literal["ob2-hosted", "ob2-signed", "ob3-data-integrity", "ob3-jwt"]
PublicKey: TypeAlias = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey

VC_V1 = "https://www.w3.org/2018/credentials/v1"
OB2_CONTEXTS = frozenset(
    {"https://w3id.org/openbadges/v2", "https://openbadgespec.org/v2/context.json"}
)
OB3_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})
SCHEMA_VALIDATOR = "1EdTechJsonSchemaValidator2019"
CLOCK_SKEW = timedelta(minutes=5)  # issuers' clocks drift; a badge issued "now" must verify now
MAX_INPUT_BYTES = 1024 * 1024  # the largest badge (JSON or token) we read, like a baked payload
JWT_ALGORITHMS = frozenset({"ES256", "RS256", "EdDSA"})
MIN_RSA_BITS = 2048
MAX_DEPTH = 48  # real badges nest a dozen levels; JSON-LD processing recurses per level
_OB3_CONTEXT = re.compile(r"https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d+\.\d+)?\.json")
_COMPACT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_DATE_TIME_STAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|z|[+-]\d{2}:\d{2})", re.ASCII
)
_OB2_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})")
_UNIX_TIME = re.compile(r"\d{10}")
_JWT_CLAIMS = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti"})
_HOST = re.compile(r"[A-Za-z0-9.-]+(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?")


def _jsonld() -> ModuleType:
    """pyld costs ~90 ms to import: only inputs that need JSON-LD pay for it."""
    from . import jsonld

    return jsonld


# --- Checks, verdicts and the report -----------------------------------------------------------


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
            "issued_on": _iso(self.issued_on),
            "expires": _iso(self.expires),
            "revocation_reason": self.revocation_reason,
            "format": self.format,
            "hosted_here": self.hosted_here,
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


# --- What the input is -------------------------------------------------------------------------


@dataclass(frozen=True)
class Ob2Json:
    """An Open Badges 2.0 Assertion as JSON (hosted, or a signed one without its signature)."""

    document: Json


@dataclass(frozen=True)
class Ob3Json:
    """An Open Badges 3.0 credential as JSON (a Data Integrity proof, if any, inside)."""

    document: Json


@dataclass(frozen=True)
class Token:
    """A compact JWS: an OB 2.0 signed assertion or an OB 3.0 VC-JWT."""

    text: str
    header: Json
    payload: Json
    kind: Literal["ob2", "ob3"]

    @property
    def signing_input(self) -> bytes:
        return self.text.rsplit(".", 1)[0].encode("ascii")

    @property
    def signature(self) -> bytes:
        return b64url_decode(self.text.rsplit(".", 1)[1])

    @property
    def credential(self) -> Json:
        """The badge the token carries, without the JWT's own claims."""
        if self.kind == "ob2":
            return copy.deepcopy(self.payload)
        return credential_from_claims(self.payload)


@dataclass(frozen=True)
class Link:
    """A web address that should lead to a badge."""

    url: str


Parsed: TypeAlias = Ob2Json | Ob3Json | Token | Link


def badge_kind(document: Mapping[str, Any]) -> Literal["ob2", "ob3"] | None:
    """Which spec a JSON object claims to follow, or None when it is no badge at all."""
    types = _types(document)
    contexts = set(_contexts(document))
    if types & OB3_TYPES and ("VerifiableCredential" in types or contexts & {VC_V2, VC_V1}):
        return "ob3"
    if "Assertion" in types or (contexts & OB2_CONTEXTS and "recipient" in document):
        return "ob2"
    return None


def parse_json(document: object, field: str = "credential") -> Ob2Json | Ob3Json:
    """Ob2Json or Ob3Json; InvalidInput for anything that is not a badge."""
    if not isinstance(document, dict):
        raise InvalidInput("A badge must be a JSON object.", field=field)
    if too_deep(document):
        raise InvalidInput("The badge is nested too deeply to be a real badge.", field=field)
    kind = badge_kind(document)
    if kind == "ob2":
        return Ob2Json(document)
    if kind == "ob3":
        return Ob3Json(document)
    if "VerifiableCredential" in _types(document):
        raise InvalidInput(
            "This is a verifiable credential, but not an Open Badge "
            "(its type names neither OpenBadgeCredential nor AchievementCredential).",
            field=field,
        )
    raise InvalidInput(
        "This is not an Open Badge: it is neither an Open Badges 2.0 assertion "
        "nor an Open Badges 3.0 credential.",
        field=field,
    )


def parse_token(text: str, field: str = "jws") -> Token:
    """A signed badge in compact form (three base64url parts); InvalidInput otherwise."""
    token = text.strip() if isinstance(text, str) else ""
    if len(token) > MAX_INPUT_BYTES:
        raise PayloadTooLarge(f"the badge is over {MAX_INPUT_BYTES} bytes", field=field)
    if not _COMPACT.fullmatch(token):
        raise InvalidInput(
            "This is not a signed badge: a signed badge is three parts separated by dots.",
            field=field,
        )
    encoded_header, encoded_payload, encoded_signature = token.split(".")
    header = _json_segment(encoded_header, field)
    payload = _json_segment(encoded_payload, field)
    try:
        b64url_decode(encoded_signature)
    except (binascii.Error, ValueError):
        raise InvalidInput("The signature part of the token is malformed.", field=field) from None
    if not isinstance(header.get("alg"), str):
        raise InvalidInput("The token does not say how it was signed.", field=field)
    if too_deep(payload):
        raise InvalidInput("The badge is nested too deeply to be a real badge.", field=field)
    if badge_kind(payload) == "ob2":
        return Token(token, header, payload, "ob2")
    vc = payload.get("vc")
    if (isinstance(vc, dict) and badge_kind(vc) == "ob3") or badge_kind(payload) == "ob3":
        return Token(token, header, payload, "ob3")
    raise InvalidInput("The token is signed, but it does not hold an Open Badge.", field=field)


def parse_url(text: str, field: str = "url") -> Link:
    url = text.strip() if isinstance(text, str) else ""
    if not is_web_url(url) or len(url) > 2048:
        raise InvalidInput("Enter a web address that starts with https://.", field=field)
    return Link(url)


def parse_input(value: object, field: str | None = None) -> Parsed:
    """Whatever was pasted or uploaded: badge JSON (object or text), a signed token, or a URL."""
    if isinstance(value, dict):
        return parse_json(value, field or "credential")
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput(
                "The badge is not UTF-8 text.", field=field or "credential"
            ) from None
    if not isinstance(value, str):
        raise InvalidInput("Paste a badge to verify.", field=field or "credential")
    text = value.strip()
    if len(text) > MAX_INPUT_BYTES:
        raise PayloadTooLarge(
            f"the badge is over {MAX_INPUT_BYTES} bytes", field=field or "credential"
        )
    if text.startswith("{"):
        return parse_json(load_json(text, field or "credential"), field or "credential")
    if re.match(r"https?://", text, re.IGNORECASE):
        return parse_url(text, field or "url")
    if _COMPACT.fullmatch(text):
        return parse_token(text, field or "jws")
    raise InvalidInput(
        "Paste a badge: its JSON, its signed text (a JWS) or its web address.",
        field=field or "credential",
    )


def load_json(text: str | bytes, field: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidInput("The badge is not valid JSON.", field=field) from None


def _json_segment(segment: str, field: str) -> Json:
    try:
        value = json.loads(b64url_decode(segment))
    except (ValueError, RecursionError, binascii.Error):
        raise InvalidInput("The token's parts are not valid JSON.", field=field) from None
    if not isinstance(value, dict):
        raise InvalidInput("The token's parts are not JSON objects.", field=field)
    return value


def credential_from_claims(payload: Mapping[str, Any]) -> Json:
    """The credential a VC-JWT carries: its `vc` claim (VC 1.1), or the payload (VC 2.0).

    VC 1.1 JWTs may move `issuer`, `id`, dates and the subject id into JWT claims; they are
    put back, as the VC 1.1 JWT decoding rules say. The input is left as it was.
    """
    vc = payload.get("vc")
    if not isinstance(vc, dict):
        return {
            key: copy.deepcopy(value) for key, value in payload.items() if key not in _JWT_CLAIMS
        }
    credential = copy.deepcopy(vc)
    v2 = VC_V2 in _contexts(credential)
    if "issuer" not in credential and isinstance(payload.get("iss"), str):
        credential["issuer"] = payload["iss"]
    if "id" not in credential and isinstance(payload.get("jti"), str):
        credential["id"] = payload["jti"]
    start, end = ("validFrom", "validUntil") if v2 else ("issuanceDate", "expirationDate")
    nbf, exp = from_epoch(payload.get("nbf")), from_epoch(payload.get("exp"))
    if start not in credential and nbf is not None:
        credential[start] = _iso(nbf)
    if end not in credential and exp is not None:
        credential[end] = _iso(exp)
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict) and "id" not in subject and isinstance(payload.get("sub"), str):
        subject["id"] = payload["sub"]
    return credential


def too_deep(value: object, limit: int = MAX_DEPTH) -> bool:
    """Nesting deeper than `limit` (cycles count as infinitely deep); never recurses itself."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return False


def is_web_url(value: object) -> bool:
    if not isinstance(value, str) or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


# --- Small readers -----------------------------------------------------------------------------


def _types(document: Mapping[str, Any]) -> set[str]:
    value = document.get("type", document.get("@type"))
    values = value if isinstance(value, list) else [value]
    return {v for v in values if isinstance(v, str)}


def _contexts(document: Mapping[str, Any]) -> list[str]:
    value = document.get("@context")
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, str)]


def from_epoch(value: object) -> datetime | None:
    """A JWT NumericDate; None when absent or out of any calendar's range."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def text_value(value: object) -> str | None:
    """Plain text, or the first entry of a language map (OB 3.0 allows both)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for item in value.values():
            if isinstance(item, str):
                return item
    return None


def iri(value: object) -> str | None:
    """An IRI given as a string or as an object with an `id`."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def as_object(value: object) -> Json | None:
    return value if isinstance(value, dict) else None


def _web_image(value: object) -> str | None:
    url = iri(value)
    return url if is_web_url(url) else None


def parse_datetime(value: object) -> datetime | None:
    """An ISO 8601 date-time (or OB 2.0's 10-digit Unix time); naive if it names no zone."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**10:
        return datetime.fromtimestamp(value, UTC)
    if not isinstance(value, str):
        return None
    if _UNIX_TIME.fullmatch(value):
        return datetime.fromtimestamp(int(value), UTC)
    try:
        moment = datetime.fromisoformat(value.replace("z", "Z"))
        return moment.astimezone(UTC) if moment.tzinfo else moment
    except (ValueError, OverflowError):  # year 1 east of UTC has no UTC form
        return None


def _aware(moment: datetime) -> datetime:
    """Zone-less times are read as UTC; the structure check has already said they are wrong."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return _aware(moment).astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def human_date(moment: datetime) -> str:
    """ "5 March 2025", with the time (UTC) only when it is not midnight."""
    utc = _aware(moment).astimezone(UTC)
    day = f"{utc.day} {utc:%B %Y}"
    return day if utc.time() == datetime.min.time() else f"{day} at {utc:%H:%M} UTC"


# --- Structure ---------------------------------------------------------------------------------


def _structure(problems: list[str], ok_message: str) -> list[Check]:
    if not problems:
        return [passed("structure", ok_message)]
    return [failed("structure", problem) for problem in problems]


def _ob2_date_problem(value: object, what: str, field: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return None if parse_datetime(value) else f"The {what} ({field}) is not a valid date."
    if not isinstance(value, str) or parse_datetime(value) is None:
        return f"The {what} ({field}) is not a valid date."
    if not (_UNIX_TIME.fullmatch(value) or _OB2_DATE_TIME.fullmatch(value)):
        return f"The {what} ({field}) has no time zone, so the moment it names is ambiguous."
    return None


def ob2_verification_type(assertion: Mapping[str, Any]) -> Literal["hosted", "signed"] | None:
    verification = as_object(assertion.get("verification"))
    kind = verification.get("type") if verification else None
    if isinstance(kind, str) and kind.lower() in ("hosted", "hostedbadge"):
        return "hosted"
    if isinstance(kind, str) and kind.lower() in ("signed", "signedbadge"):
        return "signed"
    return None


def ob2_assertion_checks(assertion: Mapping[str, Any], *, signed: bool) -> list[Check]:
    """The Assertion's required fields (OB 2.0): id, type, recipient, badge, verification, date."""
    problems: list[str] = []
    if not set(_contexts(assertion)) & OB2_CONTEXTS:
        problems.append("The badge does not name the Open Badges 2.0 context (@context).")
    if not isinstance(assertion.get("id"), str) or ":" not in assertion["id"]:
        problems.append("The badge has no identifier (id).")
    if "Assertion" not in _types(assertion):
        problems.append("The badge does not say it is an Assertion (type).")
    problems += _recipient_problems(assertion.get("recipient"))
    if iri(assertion.get("badge")) is None:
        problems.append("The badge does not say which achievement it awards (badge).")
    problems += _verification_problems(assertion, signed)
    if "issuedOn" not in assertion:
        problems.append("The badge has no issue date (issuedOn).")
    for field, what in (("issuedOn", "issue date"), ("expires", "expiry date")):
        problem = _ob2_date_problem(assertion.get(field), what, field)
        if problem:
            problems.append(problem)
    return _structure(problems, "The badge contains everything Open Badges 2.0 requires.")


def _recipient_problems(value: object) -> list[str]:
    recipient = as_object(value)
    if recipient is None:
        return ["The badge does not say who earned it (recipient)."]
    problems: list[str] = []
    if not isinstance(recipient.get("type"), str):
        problems.append("The badge does not say how its recipient is identified.")
    if not isinstance(recipient.get("identity"), str):
        problems.append("The badge does not identify its recipient (recipient.identity).")
    if not isinstance(recipient.get("hashed"), bool):
        problems.append("The badge does not say whether its recipient is hashed.")
    return problems


def _verification_problems(assertion: Mapping[str, Any], signed: bool) -> list[str]:
    kind = ob2_verification_type(assertion)
    expected = "signed" if signed else "hosted"
    if kind is None:
        return ["The badge does not say how it can be verified (verification)."]
    if kind != expected:
        return [f"The badge says it is a {kind} badge, but it was supplied as a {expected} one."]
    return []


def ob2_badge_checks(badge: Mapping[str, Any]) -> list[Check]:
    """The BadgeClass: name, description, image, criteria and issuer are required."""
    problems: list[str] = []
    if not isinstance(badge.get("id"), str):
        problems.append("The achievement has no identifier (id).")
    if "BadgeClass" not in _types(badge):
        problems.append("The achievement does not say it is a BadgeClass (type).")
    for field, what in (("name", "name"), ("description", "description")):
        if not isinstance(badge.get(field), str) or not badge[field].strip():
            problems.append(f"The achievement has no {what} ({field}).")
    if iri(badge.get("image")) is None:
        problems.append("The achievement has no image (image).")
    criteria = badge.get("criteria")
    if not isinstance(criteria, str) and not (
        isinstance(criteria, dict) and (iri(criteria) or text_value(criteria.get("narrative")))
    ):
        problems.append("The achievement does not say how it is earned (criteria).")
    if iri(badge.get("issuer")) is None:
        problems.append("The achievement does not name its issuer (issuer).")
    return _structure(problems, "The achievement described by the badge is complete.")


def ob2_issuer_checks(issuer: Mapping[str, Any]) -> list[Check]:
    """The issuer Profile: id, type and name required; url and email recommended."""
    problems: list[str] = []
    if not isinstance(issuer.get("id"), str):
        problems.append("The issuer's profile has no identifier (id).")
    if not _types(issuer) & {"Issuer", "Profile"}:
        problems.append("The issuer's profile does not say it is an issuer (type).")
    if not isinstance(issuer.get("name"), str) or not issuer["name"].strip():
        problems.append("The issuer's profile has no name (name).")
    checks = _structure(problems, "The issuer's profile is complete.")
    for field, what in (("url", "website"), ("email", "e-mail address")):
        if not issuer.get(field):
            checks.append(warning("structure", f"The issuer's profile gives no {what} ({field})."))
    return checks


def ob3_issuer_id(credential: Mapping[str, Any]) -> str | None:
    return iri(credential.get("issuer"))


def ob3_structure_checks(credential: Mapping[str, Any]) -> list[Check]:
    """OB 3.0 AchievementCredential: contexts in order, id, type, issuer, dates, subject."""
    problems: list[str] = []
    contexts = as_list(credential.get("@context"))
    v1 = bool(contexts) and contexts[0] == VC_V1
    if not contexts or contexts[0] not in (VC_V2, VC_V1):
        problems.append(
            "The badge's first context (@context) must be the W3C verifiable credentials context."
        )
    if not any(isinstance(c, str) and _OB3_CONTEXT.fullmatch(c) for c in contexts):
        problems.append("The badge does not name the Open Badges 3.0 context (@context).")
    if not isinstance(credential.get("id"), str) or ":" not in credential["id"]:
        problems.append("The badge has no identifier (id).")
    types = _types(credential)
    if "VerifiableCredential" not in types or not types & OB3_TYPES:
        problems.append(
            "The badge's type must include VerifiableCredential and OpenBadgeCredential."
        )
    issuer = credential.get("issuer")
    if ob3_issuer_id(credential) is None:
        problems.append("The badge does not identify its issuer (issuer.id).")
    elif isinstance(issuer, dict) and not _types(issuer) & {"Profile"}:
        problems.append("The badge's issuer is not described as a Profile (issuer.type).")
    start, end = ("issuanceDate", "expirationDate") if v1 else ("validFrom", "validUntil")
    if start not in credential:
        problems.append(f"The badge has no date from which it is valid ({start}).")
    for field, what in ((start, "start date"), (end, "end date")):
        value = credential.get(field)
        if value is not None and not (
            isinstance(value, str) and _DATE_TIME_STAMP.fullmatch(value) and parse_datetime(value)
        ):
            problems.append(f"The badge's {what} ({field}) is not a date and time with a zone.")
    subjects = as_list(credential.get("credentialSubject"))
    subject = as_object(subjects[0]) if len(subjects) == 1 else None
    if subject is None:
        problems.append("The badge does not describe one recipient (credentialSubject).")
    else:
        if not subject.get("identifier") and not isinstance(subject.get("id"), str):
            problems.append(
                "The badge does not say who earned it (credentialSubject.identifier or id)."
            )
        problems += _achievement_problems(subject.get("achievement"))
    return _structure(problems, "The badge contains everything Open Badges 3.0 requires.")


def _achievement_problems(value: object) -> list[str]:
    achievement = as_object(value)
    if achievement is None:
        return ["The badge does not describe the achievement (credentialSubject.achievement)."]
    problems: list[str] = []
    if not isinstance(achievement.get("id"), str):
        problems.append("The achievement has no identifier (achievement.id).")
    if "Achievement" not in _types(achievement):
        problems.append("The achievement does not say it is an Achievement (achievement.type).")
    for field in ("name", "description"):
        if not text_value(achievement.get(field)):
            problems.append(f"The achievement has no {field} (achievement.{field}).")
    criteria = as_object(achievement.get("criteria"))
    if criteria is None or not (iri(criteria) or text_value(criteria.get("narrative"))):
        problems.append("The achievement does not say how it is earned (achievement.criteria).")
    return problems


def unknown_contexts(document: Mapping[str, Any]) -> list[str]:
    """Context URLs we do not ship: their terms cannot be read, nor their proofs checked."""
    known = _jsonld().bundled_documents()
    return [c for c in _contexts(document) if c not in known]


def term_checks(credential: Mapping[str, Any]) -> list[Check]:
    """Terms the contexts leave undefined are dropped from what is signed; strict verifiers
    refuse them, and so do we."""
    unknown = unknown_contexts(credential)
    if unknown:
        return [
            warning(
                "structure",
                "The badge names a JSON-LD context this verifier does not hold "
                f"({', '.join(unknown)}), so its fields could not be checked against it.",
            )
        ]
    jsonld = _jsonld()
    try:
        undefined = jsonld.undefined_terms(dict(credential))
    except jsonld.JsonLdError:
        return [failed("structure", "The badge is not well-formed JSON-LD.")]
    if undefined:
        shown = ", ".join(undefined[:5]) + (" and more" if len(undefined) > 5 else "")
        return [
            failed(
                "structure",
                f"The badge contains fields its contexts do not define ({shown}); they are "
                "not covered by its signature, and strict verifiers reject such badges.",
            )
        ]
    return [passed("structure", "Every field in the badge is defined by its contexts.")]


# --- JSON schema -------------------------------------------------------------------------------


def _jsonschema() -> Any | None:
    """jsonschema is optional at run time: without it the schema check is a warning."""
    try:
        return importlib.import_module("jsonschema")
    except ImportError:
        return None


@functools.cache
def _schema_validator() -> Any | None:
    module = _jsonschema()
    if module is None:
        return None
    path = files("badgehub") / "data" / "schemas" / "ob_v3p0_achievementcredential_schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    return module.validators.validator_for(schema)(schema)


def schema_checks(credential: Mapping[str, Any]) -> list[Check]:
    """The 1EdTech JSON schema the credential names, when it is the one we ship."""
    checks: list[Check] = []
    for entry in as_list(credential.get("credentialSchema")):
        schema_id = iri(entry)
        kind = entry.get("type") if isinstance(entry, dict) else None
        if kind != SCHEMA_VALIDATOR or schema_id != SCHEMA_URL:
            checks.append(
                warning(
                    "schema",
                    f"The badge names a schema this verifier does not hold ({schema_id}); "
                    "it was not checked.",
                )
            )
            continue
        if VC_V2 not in _contexts(credential):
            checks.append(
                warning(
                    "schema",
                    "The badge's schema was not checked: the schema we hold is for "
                    "Verifiable Credentials 2.0 and this badge uses version 1.1.",
                )
            )
            continue
        validator = _schema_validator()
        if validator is None:
            checks.append(
                warning("schema", "The badge's schema was not checked (no validator available).")
            )
            continue
        errors = sorted(validator.iter_errors(dict(credential)), key=lambda e: list(e.path))
        if errors:
            first = errors[0]
            where = ".".join(str(p) for p in first.path) or "the top level"
            message = str(first.message)
            shown = repr(first.instance)
            if message.startswith(shown):  # jsonschema starts with the whole offending value
                message = "the value" + message[len(shown) :]
            message = message if len(message) <= 160 else message[:157] + "..."
            checks.append(
                failed(
                    "schema",
                    f"The badge does not follow the Open Badges 3.0 schema ({where}: {message}).",
                )
            )
        else:
            checks.append(passed("schema", "The badge follows the Open Badges 3.0 schema."))
    return checks


# --- Dates -------------------------------------------------------------------------------------


def date_checks(issued: datetime | None, expires: datetime | None, now: datetime) -> list[Check]:
    """Not before its start (5 minutes' grace), not after its end, ending after it starts."""
    checks: list[Check] = []
    if issued is not None and _aware(issued) > now + CLOCK_SKEW:
        checks.append(
            failed(
                "dates",
                f"This badge only becomes valid on {human_date(issued)}.",
                Verdict.NOT_YET_VALID,
            )
        )
    if expires is not None and issued is not None and _aware(expires) < _aware(issued):
        checks.append(failed("dates", "The badge says it expires before it was issued."))
    if expires is not None and _aware(expires) <= now:
        checks.append(
            failed("dates", f"This badge expired on {human_date(expires)}.", Verdict.EXPIRED)
        )
    if checks:
        return checks
    issued_text = (
        f"This badge was issued on {human_date(issued)}"
        if issued
        else "This badge has no issue date"
    )
    if expires is None:
        return [passed("dates", f"{issued_text} and does not expire.")]
    return [passed("dates", f"{issued_text} and is valid until {human_date(expires)}.")]


def ob2_dates(assertion: Mapping[str, Any]) -> tuple[datetime | None, datetime | None]:
    return parse_datetime(assertion.get("issuedOn")), parse_datetime(assertion.get("expires"))


def ob3_dates(
    credential: Mapping[str, Any], claims: Mapping[str, Any] | None = None
) -> tuple[datetime | None, datetime | None]:
    """(start, end); a VC-JWT's `nbf`/`exp` narrow them, as JWT verifiers would."""
    start = parse_datetime(credential.get("validFrom", credential.get("issuanceDate")))
    end = parse_datetime(credential.get("validUntil", credential.get("expirationDate")))
    if claims is not None:
        nbf, exp = from_epoch(claims.get("nbf")), from_epoch(claims.get("exp"))
        if nbf is not None:
            start = nbf if start is None else max(_aware(start), nbf)
        if exp is not None:
            end = exp if end is None else min(_aware(end), exp)
    return start, end


# --- Recipient ---------------------------------------------------------------------------------

_NOT_ISSUED_TO = "This badge was not issued to the e-mail address you entered."
_ISSUED_TO = "This badge was issued to the e-mail address you entered."


def _email_matches(identity: str, hashed: bool, salt: object, email: str) -> bool:
    candidates = {hashing.normalise_email(email), email.strip()}
    if not hashed:
        return hashing.normalise_email(identity.removeprefix("mailto:")) in candidates
    algorithm, _, digest = identity.partition("$")
    normalised = f"{algorithm.lower()}${digest}"
    salt_text = salt if isinstance(salt, str) else ""
    return any(hashing.identity_matches(normalised, c, salt_text) for c in candidates)


def ob2_recipient_check(assertion: Mapping[str, Any], email: str) -> Check:
    recipient = as_object(assertion.get("recipient")) or {}
    identity = recipient.get("identity")
    if recipient.get("type") != "email" or not isinstance(identity, str):
        return warning(
            "recipient",
            "The badge identifies its recipient by something other than an e-mail address, "
            "so the address you entered could not be compared.",
        )
    hashed = recipient.get("hashed") is True
    if _email_matches(identity, hashed, recipient.get("salt"), email):
        return passed("recipient", _ISSUED_TO)
    return failed("recipient", _NOT_ISSUED_TO)


def ob3_recipient_check(credential: Mapping[str, Any], email: str) -> Check:
    subjects = as_list(credential.get("credentialSubject"))
    subject = as_object(subjects[0]) if subjects else None
    compared = False
    for item in as_list(subject.get("identifier") if subject else None):
        identifier = as_object(item)
        if identifier is None or identifier.get("identityType") != "emailAddress":
            continue
        value = identifier.get("identityHash")
        if not isinstance(value, str):
            continue
        compared = True
        if _email_matches(value, identifier.get("hashed") is True, identifier.get("salt"), email):
            return passed("recipient", _ISSUED_TO)
    subject_id = subject.get("id") if subject else None
    if isinstance(subject_id, str) and subject_id.lower().startswith("mailto:"):
        compared = True
        if _email_matches(subject_id, False, None, email):
            return passed("recipient", _ISSUED_TO)
    if compared:
        return failed("recipient", _NOT_ISSUED_TO)
    return warning(
        "recipient",
        "The badge identifies its recipient by something other than an e-mail address, "
        "so the address you entered could not be compared.",
    )


# --- Revocation --------------------------------------------------------------------------------


def revoked_message(reason: object, suspended: bool = False) -> str:
    verb = "suspended" if suspended else "revoked"
    text = text_value(reason)
    if text and text.strip():
        return f"This badge was {verb} by its issuer. Reason given: {text.strip()}"
    return f"This badge was {verb} by its issuer."


def ob2_revocation_check(revocation_list: Mapping[str, Any], assertion: Mapping[str, Any]) -> Check:
    """The issuer's RevocationList names revoked signed assertions by id (or legacy `uid`)."""
    ids = {value for value in (assertion.get("id"), assertion.get("uid")) if isinstance(value, str)}
    for entry in as_list(revocation_list.get("revokedAssertions")):
        entry_ids = {entry} if isinstance(entry, str) else set()
        if isinstance(entry, dict):
            entry_ids = {v for v in (entry.get("id"), entry.get("uid")) if isinstance(v, str)}
        if entry_ids & ids:
            reason = entry.get("revocationReason") if isinstance(entry, dict) else None
            return failed("revocation", revoked_message(reason), Verdict.REVOKED)
    return passed("revocation", "The issuer's revocation list does not include this badge.")


def edtech_revocation_check(revocation_list: Mapping[str, Any], credential_id: object) -> Check:
    """1EdTech Revocation List (OB 3.0 legacy status method): revoked credentials by id."""
    entries = revocation_list.get("revokedCredentials")
    if not isinstance(entries, list):
        return unverifiable(
            "revocation",
            "The issuer's revocation list could not be read, so we cannot tell whether "
            "this badge has been revoked.",
        )
    for entry in entries:
        if iri(entry) == credential_id:
            reason = entry.get("revocationReason") if isinstance(entry, dict) else None
            return failed("revocation", revoked_message(reason), Verdict.REVOKED)
    return passed("revocation", "The issuer's revocation list does not include this badge.")


@dataclass(frozen=True)
class StatusEntry:
    """A BitstringStatusListEntry, read: which list, which bit, what the bit means."""

    list_url: str
    index: int
    purpose: str


def read_status_entry(entry: Mapping[str, Any]) -> StatusEntry | Check:
    list_url = entry.get("statusListCredential")
    index = entry.get("statusListIndex")
    purpose = entry.get("statusPurpose")
    if isinstance(index, int) and not isinstance(index, bool):
        index = str(index)
    if (
        not is_web_url(list_url)
        or not isinstance(index, str)
        or not index.isascii()
        or not index.isdigit()
        or not isinstance(purpose, str)
    ):
        return failed("revocation", "The badge's revocation status entry is malformed.")
    return StatusEntry(str(list_url), int(index), purpose)


def status_list_check(
    list_credential: Mapping[str, Any], entry: StatusEntry, now: datetime
) -> Check:
    """The entry's bit in a Bitstring Status List whose proof the caller has already checked."""
    verb = "suspended" if entry.purpose == "suspension" else "revoked"
    bits = _status_bits(list_credential, entry, now)
    if isinstance(bits, str):
        return unverifiable(
            "revocation", f"{bits}, so we cannot tell whether this badge has been {verb}."
        )
    if not statuslist.bit_is_set(bits, entry.index):
        return passed(
            "revocation", f"The issuer's status list shows this badge has not been {verb}."
        )
    if entry.purpose in ("revocation", "suspension"):
        return failed("revocation", revoked_message(None, verb == "suspended"), Verdict.REVOKED)
    return passed("revocation", f"The issuer has set this badge's {entry.purpose} status.")


def _status_bits(
    list_credential: Mapping[str, Any], entry: StatusEntry, now: datetime
) -> bytes | str:
    """The list's bits, or why they cannot be trusted to answer for this entry."""
    subject = as_object(list_credential.get("credentialSubject")) or {}
    purposes = {p for p in as_list(subject.get("statusPurpose")) if isinstance(p, str)}
    valid_from = parse_datetime(list_credential.get("validFrom"))
    valid_until = parse_datetime(list_credential.get("validUntil"))
    encoded = subject.get("encodedList")
    try:
        bits = statuslist.decode_list(encoded) if isinstance(encoded, str) else b""
    except ValueError:
        bits = b""
    problems = [
        (
            "BitstringStatusListCredential" not in _types(list_credential)
            or "BitstringStatusList" not in _types(subject),
            "The issuer's status list is not a Bitstring Status List",
        ),
        (entry.purpose not in purposes, f"The issuer's status list is not a {entry.purpose} list"),
        (
            valid_until is not None and _aware(valid_until) <= now,
            "The issuer's status list is out of date",
        ),
        (
            valid_from is not None and _aware(valid_from) > now + CLOCK_SKEW,
            "The issuer's status list is dated in the future",
        ),
        (not bits, "The issuer's status list could not be read"),
        (
            len(bits) * 8 < statuslist.MIN_ENTRIES,
            "The issuer's status list is too short to keep its holders private",
        ),
        (
            entry.index >= len(bits) * 8,
            "The badge's position is outside the issuer's status list",
        ),
    ]
    return next((why for wrong, why in problems if wrong), bits)


def status_entries(credential: Mapping[str, Any]) -> list[Json]:
    return [
        entry for entry in as_list(credential.get("credentialStatus")) if isinstance(entry, dict)
    ]


def status_type(entry: Mapping[str, Any]) -> str:
    types = sorted(_types(entry))
    return types[0] if len(types) == 1 else ", ".join(types) or "unnamed"


# --- Keys --------------------------------------------------------------------------------------


class KeyProblem(ValueError):
    """The key cannot be found or used; the message is a plain sentence."""


@dataclass(frozen=True)
class ResolvedKey:
    """A public key as its controller published it."""

    id: str
    controller: str
    key: PublicKey

    @property
    def label(self) -> str:
        """Short name for messages: `key-1`, or the start of a long did:key fragment."""
        name = (
            self.id.rsplit("#", 1)[1] if "#" in self.id else self.id.rstrip("/").rsplit("/", 1)[-1]
        )
        return name if len(name) <= 24 else name[:16] + "…"


def _check_key(key: object) -> PublicKey:
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < MIN_RSA_BITS:
        raise KeyProblem("The issuer's key is too short to be trusted.")
    if isinstance(key, ec.EllipticCurvePublicKey) and not isinstance(key.curve, ec.SECP256R1):
        raise KeyProblem("The issuer's key uses an elliptic curve this verifier does not accept.")
    if isinstance(key, ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey):
        return key
    raise KeyProblem("The issuer's key is of a kind this verifier does not accept.")


def key_from_multikey(value: str) -> PublicKey:
    try:
        kind, raw = multibase.decode_multikey(value)
    except (ValueError, TypeError):
        raise KeyProblem("The issuer's key is not a valid Ed25519 or P-256 key.") from None
    if kind == "Ed25519":
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        raise KeyProblem("The issuer's P-256 key is not a point on the curve.") from None


def key_from_jwk(jwk: Mapping[str, Any]) -> PublicKey:
    """A public JWK (OKP Ed25519, EC P-256, RSA); a JWK with private parts is refused."""
    if "d" in jwk or "p" in jwk:
        raise KeyProblem("The issuer published a private key; it cannot be trusted.")
    kty, crv = jwk.get("kty"), jwk.get("crv")
    try:
        if kty == "OKP" and crv == "Ed25519":
            return ed25519.Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"]))
        if kty == "EC" and crv == "P-256":
            x, y = (int.from_bytes(b64url_decode(jwk[n]), "big") for n in ("x", "y"))
            return _check_key(ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key())
        if kty == "RSA":
            n, e = (int.from_bytes(b64url_decode(jwk[k]), "big") for k in ("n", "e"))
            return _check_key(rsa.RSAPublicNumbers(e, n).public_key())
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise KeyProblem("The issuer's key (JWK) is malformed.") from None
    raise KeyProblem("The issuer's key (JWK) is of a kind this verifier does not accept.")


def key_from_pem(pem: object) -> PublicKey:
    if not isinstance(pem, str):
        raise KeyProblem("The issuer's key document holds no key (publicKeyPem).")
    try:
        key = serialization.load_pem_public_key(pem.encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError):
        raise KeyProblem("The issuer's key (publicKeyPem) is malformed.") from None
    return _check_key(key)


def key_from_method(method: Mapping[str, Any]) -> PublicKey:
    """The key of a verification method: Multikey, JWK, base58 (2018 suites) or PEM."""
    if isinstance(method.get("publicKeyMultibase"), str):
        return key_from_multikey(method["publicKeyMultibase"])
    if isinstance(method.get("publicKeyJwk"), dict):
        return key_from_jwk(method["publicKeyJwk"])
    if isinstance(method.get("publicKeyBase58"), str):
        try:
            raw = base58.b58decode(method["publicKeyBase58"])
            return ed25519.Ed25519PublicKey.from_public_bytes(raw)
        except ValueError:
            raise KeyProblem("The issuer's key (publicKeyBase58) is malformed.") from None
    if "publicKeyPem" in method:
        return key_from_pem(method["publicKeyPem"])
    raise KeyProblem("The issuer's key document holds no public key.")


def did_key_method(method_id: str) -> ResolvedKey:
    """did:key needs no fetch: the key is the identifier."""
    did, _, fragment = method_id.partition("#")
    multikey = did.removeprefix("did:key:")
    if fragment and fragment != multikey:
        raise KeyProblem("The did:key key reference does not name the key itself.")
    return ResolvedKey(f"{did}#{multikey}", did, key_from_multikey(multikey))


def did_jwk_method(method_id: str) -> ResolvedKey:
    """did:jwk: the identifier is the base64url JWK; its only method is `#0`."""
    did, _, fragment = method_id.partition("#")
    if fragment not in ("", "0"):
        raise KeyProblem("The did:jwk key reference must end in #0.")
    try:
        jwk = json.loads(b64url_decode(did.removeprefix("did:jwk:")))
    except (ValueError, binascii.Error):
        raise KeyProblem("The did:jwk identifier does not hold a key.") from None
    if not isinstance(jwk, dict):
        raise KeyProblem("The did:jwk identifier does not hold a key.")
    return ResolvedKey(f"{did}#0", did, key_from_jwk(jwk))


def did_web_url(did: str) -> str:
    """did:web:host[%3Aport][:path…] → https://host[:port]/path…/did.json (or .well-known)."""
    parts = did.removeprefix("did:web:").split(":")
    host = unquote(parts[0])
    segments = [unquote(p) for p in parts[1:]]
    if (
        not did.startswith("did:web:")
        or not _HOST.fullmatch(host)
        or any(not s or "/" in s or s in (".", "..") for s in segments)
    ):
        raise KeyProblem(f"The issuer's identifier ({did}) is not a valid did:web.")
    path = "/".join(quote(s, safe="") for s in segments)
    return f"https://{host}/{path}/did.json" if path else f"https://{host}/.well-known/did.json"


def did_web_of(base_url: str) -> str:
    """The did:web prefix for a base URL, as PublicUrls.did writes it."""
    parts = urlsplit(base_url)
    segments = [quote(parts.netloc, safe="")]
    segments += [quote(s, safe="") for s in parts.path.split("/") if s]
    return "did:web:" + ":".join(segments)


def _absolute(method_id: str, base: str) -> str:
    return base + method_id if method_id.startswith("#") else method_id


def method_from_document(
    document: Mapping[str, Any], controller: str, method_id: str
) -> ResolvedKey:
    """The method in a DID (or controller) document, authorised for assertions by `controller`."""
    if document.get("id") != controller:
        raise KeyProblem(
            f"The issuer's key document describes {document.get('id')!r} instead of {controller}."
        )
    wanted = _absolute(method_id, controller)
    purposes = as_list(document.get("assertionMethod"))
    embedded = [m for m in purposes if isinstance(m, dict)]
    methods = [m for m in as_list(document.get("verificationMethod")) if isinstance(m, dict)]
    method = next(
        (m for m in [*methods, *embedded] if _absolute(str(m.get("id")), controller) == wanted),
        None,
    )
    if method is None:
        raise KeyProblem(f"The issuer's key document does not publish the key {wanted}.")
    authorised = {
        _absolute(ref, controller) for ref in (iri(p) for p in purposes) if ref is not None
    }
    if wanted not in authorised:
        raise KeyProblem(
            f"The issuer has not authorised the key {wanted} to sign badges (assertionMethod)."
        )
    if method.get("controller") != controller:
        raise KeyProblem(f"The key {wanted} is controlled by someone other than {controller}.")
    return ResolvedKey(wanted, controller, key_from_method(method))


def key_document(document: Mapping[str, Any], method_id: str) -> ResolvedKey:
    """A key at an https URL: the key itself (naming its `controller`), or the controller's
    document listing it under a fragment."""
    base = method_id.split("#", 1)[0]
    if "#" in method_id and document.get("id") == base and "verificationMethod" in document:
        return method_from_document(document, base, method_id)
    if document.get("id") != method_id:
        raise KeyProblem(f"The key published at {base} describes another key.")
    controller = document.get("controller")
    if not isinstance(controller, str):
        raise KeyProblem(f"The key published at {base} does not say who controls it.")
    return ResolvedKey(method_id, controller, key_from_method(document))


def confirm_listed(controller_document: Mapping[str, Any], key: ResolvedKey) -> None:
    """A key document's `controller` claim holds only if that controller lists the key for
    assertions; otherwise anyone could publish a key "controlled by" any issuer."""
    if controller_document.get("id") != key.controller:
        raise KeyProblem(f"The document at {key.controller} describes something else.")
    listed = {iri(item) for item in as_list(controller_document.get("assertionMethod"))}
    if key.id not in listed:
        raise KeyProblem(
            f"{key.controller} does not list the key {key.id} for signing badges (assertionMethod)."
        )


def controller_check(key: ResolvedKey, issuer_id: str | None) -> Check:
    if issuer_id is not None and key.controller == issuer_id:
        return passed("key_resolution", f"The signing key {key.label} belongs to the issuer.")
    return failed(
        "key_resolution",
        f"The key that signed this badge belongs to {key.controller}, "
        f"not to its issuer ({issuer_id or 'unnamed'}).",
    )


def ob2_key_ownership_check(
    key_document_: Mapping[str, Any], key_url: str, issuer: Mapping[str, Any]
) -> Check:
    """OB 2.0: the CryptographicKey's owner is the issuer, and the issuer lists the key."""
    issuer_id = issuer.get("id")
    if key_document_.get("id") != key_url:
        return failed("key_resolution", f"The key published at {key_url} describes another key.")
    if key_document_.get("owner") != issuer_id:
        return failed(
            "key_resolution",
            f"The key that signed this badge belongs to {key_document_.get('owner')}, "
            f"not to its issuer ({issuer_id}).",
        )
    listed = {iri(k) for k in as_list(issuer.get("publicKey"))}
    if key_url not in listed:
        return failed(
            "key_resolution", "The issuer's profile does not list the key that signed this badge."
        )
    return passed("key_resolution", "The signing key belongs to the issuer, who lists it.")


# --- Signatures --------------------------------------------------------------------------------


def key_fits(algorithm: str, key: PublicKey) -> bool:
    return (
        (algorithm == "EdDSA" and isinstance(key, ed25519.Ed25519PublicKey))
        or (algorithm == "ES256" and isinstance(key, ec.EllipticCurvePublicKey))
        or (algorithm == "RS256" and isinstance(key, rsa.RSAPublicKey))
    )


def jws_signature_valid(
    algorithm: str, key: PublicKey, signing_input: bytes, signature: bytes
) -> bool:
    """RS256, ES256 (r||s) or EdDSA over the JWS signing input; never raises."""
    try:
        if algorithm == "EdDSA" and isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, signing_input)
        elif algorithm == "ES256" and isinstance(key, ec.EllipticCurvePublicKey):
            if len(signature) != 64:
                return False
            r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            key.verify(encode_dss_signature(r, s), signing_input, ec.ECDSA(hashes.SHA256()))
        elif algorithm == "RS256" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True


_SIGNATURE_OK = "The signature matches the issuer's published key {label}."
_SIGNATURE_BAD = (
    "The signature does not match: the badge was changed after it was signed, "
    "or it was signed with another key."
)


def jws_proof_check(token: Token, key: ResolvedKey) -> Check:
    algorithm = str(token.header.get("alg"))
    if not key_fits(algorithm, key.key):
        return failed(
            "proof",
            f"The badge says it was signed with {algorithm}, but key {key.label} "
            "is not a key of that kind.",
        )
    if jws_signature_valid(algorithm, key.key, token.signing_input, token.signature):
        return passed("proof", _SIGNATURE_OK.format(label=key.label))
    return failed("proof", _SIGNATURE_BAD)


def jwt_method_id(token: Token) -> str | None:
    """The key a VC-JWT names: `kid` (relative ones against `iss`), or a did:key issuer."""
    kid, iss = token.header.get("kid"), token.payload.get("iss")
    if isinstance(kid, str) and kid:
        if kid.startswith("#") and isinstance(iss, str):
            return iss + kid
        if ":" in kid:
            return kid
        return f"{iss}#{kid}" if isinstance(iss, str) and iss.startswith("did:") else None
    if isinstance(iss, str) and iss.startswith("did:key:"):
        return iss
    return None


def jwt_algorithm_check(token: Token) -> Check | None:
    """None when the token's algorithm is one we verify; else the failed check."""
    if token.header.get("alg") in JWT_ALGORITHMS:
        return None
    return failed(
        "proof",
        f"The badge is signed with {token.header.get('alg')}, which this verifier does not "
        "accept (ES256, RS256 and EdDSA are).",
    )


def jwt_claim_checks(token: Token, credential: Mapping[str, Any]) -> list[Check]:
    """A VC-JWT's claims must agree with the credential they carry."""
    iss, jti = token.payload.get("iss"), token.payload.get("jti")
    checks: list[Check] = []
    if iss is not None and iss != ob3_issuer_id(credential):
        checks.append(failed("structure", "The token's issuer (iss) is not the badge's issuer."))
    if jti is not None and jti != credential.get("id"):
        checks.append(
            failed("structure", "The token's identifier (jti) is not the badge's identifier.")
        )
    return checks


def data_integrity_proof(document: Mapping[str, Any], name: str = "proof") -> Json | Check:
    """The single eddsa-rdfc-2022 (or Ed25519Signature2020) proof to check, or why there is none."""
    proofs = as_list(document.get("proof"))
    if not proofs:
        return failed(name, "The badge carries no signature.")
    if len(proofs) > 1 or not isinstance(proofs[0], dict):
        return unverifiable(
            name, "The badge carries several signatures; this verifier checks single ones."
        )
    proof: Json = proofs[0]
    kind, suite = proof.get("type"), proof.get("cryptosuite")
    if not dataintegrity.is_supported(proof):
        shown = f"{kind} ({suite})" if suite else str(kind)
        return unverifiable(
            name,
            f"The badge is signed with a kind of signature this verifier cannot check ({shown}), "
            "so its authenticity could not be confirmed.",
        )
    if not isinstance(proof.get("verificationMethod"), str):
        return failed(name, "The signature does not say which key made it.")
    if unknown_contexts(document):
        return unverifiable(
            name,
            "The badge names a JSON-LD context this verifier does not hold, so its signature "
            "could not be checked.",
        )
    return proof


def data_integrity_check(document: Mapping[str, Any], key: ResolvedKey) -> Check:
    if not isinstance(key.key, ed25519.Ed25519PublicKey):
        return failed(
            "proof",
            f"The badge was signed with Ed25519, but key {key.label} is not an Ed25519 key.",
        )
    raw = key.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    single = dict(document)
    proofs = as_list(single.get("proof"))
    if len(proofs) == 1:
        single["proof"] = proofs[0]  # a one-proof set is the same proof, verified alone
    if dataintegrity.verify_proof(single, raw):
        return passed("proof", _SIGNATURE_OK.format(label=key.label))
    return failed("proof", _SIGNATURE_BAD)


# --- Hosted (OB 2.0) ---------------------------------------------------------------------------


def hosted_scope_check(assertion_id: str, issuer: Mapping[str, Any]) -> Check:
    """An assertion is trusted only on the issuer's own origins (1EdTech's default policy)."""
    issuer_id = issuer.get("id")
    policy = as_object(issuer.get("verification")) or {}
    starts = [s for s in as_list(policy.get("startsWith")) if isinstance(s, str)]
    if starts and not any(assertion_id.startswith(s) for s in starts):
        return failed(
            "hosted",
            "The badge is hosted at an address its issuer does not allow for its badges.",
        )
    default = urlsplit(issuer_id).netloc if is_web_url(issuer_id) else None
    origins = [o for o in as_list(policy.get("allowedOrigins", default)) if isinstance(o, str)]
    host = urlsplit(assertion_id).netloc
    if not origins:
        return warning(
            "hosted",
            "The issuer has no website to compare the badge's address with.",
        )
    if host.lower() not in {o.lower() for o in origins}:
        return failed(
            "hosted",
            f"The badge is hosted on {host}, which is not its issuer's website "
            f"({', '.join(origins)}).",
        )
    return passed("hosted", f"The badge is hosted on its issuer's website ({host}).")


# --- Summary -----------------------------------------------------------------------------------


def is_hosted_here(ids: Iterable[str | None], own_base_url: str | None) -> bool:
    """True when an id lives under our base URL, or is one of our did:web identifiers."""
    if not own_base_url:
        return False
    base = own_base_url.rstrip("/")
    did = did_web_of(base)
    for value in ids:
        if not isinstance(value, str):
            continue
        if value == base or value.startswith(base + "/"):
            return True
        if value == did or value.startswith((did + ":", did + "#")):
            return True
    return False


def _criteria(value: object) -> tuple[str | None, str | None]:
    if isinstance(value, str):
        return None, value if is_web_url(value) else None
    criteria = as_object(value) or {}
    url = iri(criteria)
    return text_value(criteria.get("narrative")), url if is_web_url(url) else None


def ob2_summary(
    assertion: Mapping[str, Any],
    badge: Mapping[str, Any] | None,
    issuer: Mapping[str, Any] | None,
    badge_format: Format,
    *,
    revocation_reason: str | None = None,
    own_base_url: str | None = None,
) -> Summary:
    badge = badge or {}
    issuer = issuer or {}
    narrative, criteria_url = _criteria(badge.get("criteria"))
    issued, expires = ob2_dates(assertion)
    issuer_id = iri(issuer) or iri(badge.get("issuer"))
    assertion_id = assertion.get("id") if isinstance(assertion.get("id"), str) else None
    return Summary(
        issuer_name=text_value(issuer.get("name")),
        issuer_url=issuer.get("url") if is_web_url(issuer.get("url")) else None,
        issuer_id=issuer_id,
        achievement_name=text_value(badge.get("name")),
        achievement_description=text_value(badge.get("description")),
        criteria_narrative=narrative,
        criteria_url=criteria_url,
        image_url=_web_image(badge.get("image")) or _web_image(assertion.get("image")),
        issued_on=issued,
        expires=expires,
        revocation_reason=revocation_reason,
        format=badge_format,
        hosted_here=is_hosted_here([issuer_id, assertion_id], own_base_url),
    )


def ob3_summary(
    credential: Mapping[str, Any],
    badge_format: Format,
    *,
    revocation_reason: str | None = None,
    own_base_url: str | None = None,
) -> Summary:
    issuer = as_object(credential.get("issuer")) or {}
    subjects = as_list(credential.get("credentialSubject"))
    subject = as_object(subjects[0]) if subjects else None
    achievement = as_object(subject.get("achievement") if subject else None) or {}
    narrative, criteria_url = _criteria(achievement.get("criteria"))
    issued, expires = ob3_dates(credential)
    issuer_id = ob3_issuer_id(credential)
    credential_id = credential.get("id") if isinstance(credential.get("id"), str) else None
    return Summary(
        issuer_name=text_value(issuer.get("name")),
        issuer_url=issuer.get("url") if is_web_url(issuer.get("url")) else None,
        issuer_id=issuer_id,
        achievement_name=text_value(achievement.get("name")) or text_value(credential.get("name")),
        achievement_description=text_value(achievement.get("description")),
        criteria_narrative=narrative,
        criteria_url=criteria_url,
        image_url=_web_image(achievement.get("image")) or _web_image(credential.get("image")),
        issued_on=issued,
        expires=expires,
        revocation_reason=revocation_reason,
        format=badge_format,
        hosted_here=is_hosted_here([issuer_id, credential_id], own_base_url),
    )
