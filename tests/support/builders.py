"""Test builders: valid inputs with overridable fields, and real images."""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime
from typing import Any

from PIL import Image

FIXED_NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


class FixedClock:
    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


def png_bytes(size: tuple[int, int] = (64, 64), colour: str = "navy") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
    b'<circle cx="50" cy="50" r="40" fill="teal"/></svg>'
)


def data_uri(data: bytes, content_type: str = "image/png") -> str:
    return f"data:{content_type};base64," + base64.b64encode(data).decode("ascii")


def an_issuer(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "University of Examples",
        "url": "https://uni.example.org",
        "email": "registry@uni.example.org",
        "description": "Issues degrees and micro-credentials.",
        **overrides,
    }


def a_badge(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Data Literacy",
        "description": "Reads, works with and argues from data.",
        "criteria": {
            "narrative": "Pass the data literacy module.",
            "url": "https://uni.example.org/dl",
        },
        "image": data_uri(png_bytes()),
        "tags": ["data", "literacy"],
        "alignments": [
            {
                "targetName": "ESCO: data literacy",
                "targetUrl": "https://esco.ec.europa.eu/en/skill/data-literacy",
                "targetFramework": "ESCO",
            }
        ],
        **overrides,
    }


def an_assertion(email: str = "ada@example.org", **overrides: Any) -> dict[str, Any]:
    return {"recipient": {"email": email, "name": "Ada Lovelace"}, **overrides}
