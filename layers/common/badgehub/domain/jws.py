"""Compact JWS (RFC 7515) built around a signing callback, so keys stay in the key service."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

Signer = Callable[[bytes], bytes]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _segment(value: dict[str, Any]) -> str:
    return b64url(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def sign_compact(header: dict[str, Any], payload: dict[str, Any], sign: Signer) -> str:
    signing_input = f"{_segment(header)}.{_segment(payload)}"
    return f"{signing_input}.{b64url(sign(signing_input.encode('ascii')))}"
