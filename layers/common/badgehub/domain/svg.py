"""Uploaded SVGs: one hardened XML parser for every reader of an uploaded SVG.

The parser (defusedxml over expat) takes a DOCTYPE line that has no internal subset, as most
exported SVGs and the Open Badges samples carry: its DTD is never fetched, and nothing it names is
used. It refuses internal subsets, and with them every entity or attribute declaration, so
entity expansion and external entities cannot happen.
"""

from __future__ import annotations

from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from .errors import InvalidInput


def xml_parser(target: object, field: str = "image") -> DefusedXMLParser:
    """defusedxml's parser that also takes a DOCTYPE without an internal subset."""
    parser = DefusedXMLParser(
        target=target, forbid_dtd=False, forbid_entities=True, forbid_external=True
    )

    def doctype(name: str, system_id: str | None, public_id: str | None, subset: int) -> None:
        if subset:
            raise InvalidInput(
                "image: an SVG's DOCTYPE may not have an internal subset"
                " (entity and other declarations are refused)",
                field=field,
            )

    expat: Any = parser.parser
    expat.StartDoctypeDeclHandler = doctype
    return parser


def parse(data: bytes, target: object, field: str = "image") -> None:
    """Feeds the whole document to `target` (start/end/data/close), or raises a domain error."""
    parser = xml_parser(target, field)
    try:
        parser.feed(data)
        parser.close()
    except DefusedXmlException as exc:
        raise InvalidInput(
            "image: SVG files may not declare or reference entities", field=field
        ) from exc
    except (SyntaxError, ValueError, LookupError) as exc:
        raise InvalidInput("image is not a well-formed SVG file", field=field) from exc
