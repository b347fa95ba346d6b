"""Small readers every check shares: JSON values, IRIs, web addresses, moments, known names."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

Json = dict[str, Any]

VC_V1 = "https://www.w3.org/2018/credentials/v1"
OB2_CONTEXTS = frozenset(
    {"https://w3id.org/openbadges/v2", "https://openbadgespec.org/v2/context.json"}
)
OB3_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})
ENDORSEMENT = "EndorsementCredential"
"""OB 3.0's other credential: an issuer vouching for a profile, an achievement or a badge."""


def types_of(document: Mapping[str, Any]) -> set[str]:
    value = document.get("type", document.get("@type"))
    values = value if isinstance(value, list) else [value]
    return {v for v in values if isinstance(v, str)}


def contexts_of(document: Mapping[str, Any]) -> list[str]:
    value = document.get("@context")
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, str)]


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


_WHITESPACE = re.compile(r"\s")  # str patterns: the characters str.isspace() calls whitespace


def is_web_url(value: object) -> bool:
    if not isinstance(value, str) or _WHITESPACE.search(value):
        return False
    parts = urlsplit(value)
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def aware(moment: datetime) -> datetime:
    """Zone-less times are read as UTC; the structure check has already said they are wrong."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return aware(moment).astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
