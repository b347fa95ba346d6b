"""Reading Open Badges 2.0 documents as their JSON-LD context defines them: aliases as terms."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ..bundled import bundled_documents
from .values import Json

OB2_CONTEXT = "https://w3id.org/openbadges/v2"


@functools.cache
def ob2_aliases() -> Mapping[str, str]:
    """Alias -> canonical key, read from the bundled OB 2.0 context rather than kept by hand.

    Two kinds of definition make one key mean the same as another: a term defined as another
    term of the context (`"verify": "verification"`, so an assertion may say either), and a
    term defined as a keyword (`"id": "@id"`), which makes the keyword itself (`@id`) another
    spelling of the term. Terms that merely share an IRI with different typing (`revoked` and
    `revokedAssertions`) are not aliases of each other, and are left alone.
    """
    context = bundled_documents()[OB2_CONTEXT]["@context"]
    aliases: dict[str, str] = {}
    for term, definition in context.items():
        if not isinstance(definition, str) or term.startswith("@"):
            continue
        if definition.startswith("@"):
            aliases[definition] = term
        elif definition in context:
            aliases[term] = definition
    return MappingProxyType(aliases)


def ob2_terms(document: Mapping[str, Any]) -> Json:
    """A copy with every aliased key, at any depth, under its canonical key; the input is
    left as it was. Where a document gives both spellings, the canonical one is read: JSON-LD
    would merge them into one multi-valued property, which no OB 2.0 check accepts anyway."""
    return _renamed_object(document, ob2_aliases())


def _renamed_object(node: Mapping[str, Any], aliases: Mapping[str, str]) -> Json:
    renamed: Json = {}
    for key, item in node.items():
        if key == "@context":
            renamed[key] = item
            continue
        canonical = aliases.get(key, key)
        if canonical != key and canonical in node:
            continue
        renamed[canonical] = _renamed(item, aliases)
    return renamed


def _renamed(value: Any, aliases: Mapping[str, str]) -> Any:
    if isinstance(value, list):
        return [_renamed(item, aliases) for item in value]
    if isinstance(value, Mapping):
        return _renamed_object(value, aliases)
    return value
