"""What an input is: badge JSON (OB 2.0 or 3.0), a signed token, or a web address."""

from __future__ import annotations

import binascii
import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from ..errors import InvalidInput, PayloadTooLarge
from ..jws import b64url_decode
from ..ob3 import VC_V2
from .dates import from_epoch
from .ob1 import OB1_CONTEXTS
from .report import Check, unverifiable
from .values import (
    ENDORSEMENT,
    OB2_CONTEXTS,
    OB3_TYPES,
    VC_V1,
    Json,
    contexts_of,
    is_web_url,
    iso,
    types_of,
)

MAX_INPUT_BYTES = 1024 * 1024  # the largest badge (JSON or token) we read, like a baked payload
MAX_DEPTH = 48  # real badges nest a dozen levels; JSON-LD processing recurses per level
_COMPACT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_JWT_CLAIMS = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti"})


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
class LegacyBadge:
    """An Open Badges 0.5 or 1.0/1.1 assertion. 1.0 and 1.1 are verified as their 2.0
    equivalent (`ob1`); 0.5, which predates hosted verification by its issuer, is only named."""

    version: Literal["0.5", "1.0", "1.1"]
    document: Json

    @property
    def check(self) -> Check:
        return unverifiable(
            "unsupported_version",
            f"This is an Open Badges {self.version} badge. This verifier checks Open Badges "
            "1.0, 1.1, 2.0 and 3.0 badges, so it could not check this one; its issuer may be "
            "able to provide it as an Open Badges 2.0 or 3.0 badge.",
        )


@dataclass(frozen=True)
class Link:
    """A web address that should lead to a badge."""

    url: str


Parsed: TypeAlias = Ob2Json | Ob3Json | Token | Link | LegacyBadge


def badge_kind(document: Mapping[str, Any]) -> Literal["ob2", "ob3"] | None:
    """Which spec a JSON object claims to follow, or None when it is no badge at all.

    OB 3.0 endorsements count as badges here: they are verified the same way."""
    types = types_of(document)
    contexts = set(contexts_of(document))
    if types & {*OB3_TYPES, ENDORSEMENT} and (
        "VerifiableCredential" in types or contexts & {VC_V2, VC_V1}
    ):
        return "ob3"
    if "Assertion" in types or (contexts & OB2_CONTEXTS and "recipient" in document):
        return "ob2"
    return None


def legacy_version(document: Mapping[str, Any]) -> Literal["0.5", "1.0", "1.1"] | None:
    """Which Open Badges version before 2.0 a JSON object follows, if it is one.

    1.1 names its own context; 1.0 has none, and carries a `uid` or a `verify` object (2.0
    badges may say `verify` too, but always name their context); 0.5 names its recipient
    as plain text and embeds the badge, which gives its `version`.
    """
    contexts = set(contexts_of(document))
    if contexts & OB2_CONTEXTS:
        return None
    if contexts & OB1_CONTEXTS:
        return "1.1"
    if "@context" in document or "badge" not in document or "recipient" not in document:
        return None
    badge = document["badge"]
    version = badge.get("version") if isinstance(badge, dict) else None
    if isinstance(document["recipient"], str) or (
        isinstance(version, str) and version.startswith("0.5")
    ):
        return "0.5"
    if "uid" in document or isinstance(document.get("verify"), dict):
        return "1.0"
    return None


def parse_json(document: object, field: str = "credential") -> Ob2Json | Ob3Json | LegacyBadge:
    """Ob2Json or Ob3Json (LegacyBadge for older versions); InvalidInput for anything that is
    not an Open Badge."""
    if not isinstance(document, dict):
        raise InvalidInput("A badge must be a JSON object.", field=field)
    if too_deep(document):
        raise InvalidInput("The badge is nested too deeply to be a real badge.", field=field)
    legacy = legacy_version(document)
    if legacy is not None:
        return LegacyBadge(legacy, document)
    kind = badge_kind(document)
    if kind == "ob2":
        return Ob2Json(document)
    if kind == "ob3":
        return Ob3Json(document)
    if "VerifiableCredential" in types_of(document):
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


def parse_token(text: str, field: str = "jws") -> Token | LegacyBadge:
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
    legacy = legacy_version(payload)
    if legacy is not None:
        return LegacyBadge(legacy, payload)
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
    v2 = VC_V2 in contexts_of(credential)
    if "issuer" not in credential and isinstance(payload.get("iss"), str):
        credential["issuer"] = payload["iss"]
    if "id" not in credential and isinstance(payload.get("jti"), str):
        credential["id"] = payload["jti"]
    start, end = ("validFrom", "validUntil") if v2 else ("issuanceDate", "expirationDate")
    nbf, exp = from_epoch(payload.get("nbf")), from_epoch(payload.get("exp"))
    if start not in credential and nbf is not None:
        credential[start] = iso(nbf)
    if end not in credential and exp is not None:
        credential[end] = iso(exp)
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
