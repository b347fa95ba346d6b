"""Page cursors: the last key of a page, MAC'd so the API accepts only cursors it handed out."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json

from ...domain.errors import InvalidInput

_REFUSED = "cursor is not one this API handed out"


class Cursors:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, scope: str, payload: bytes) -> bytes:
        return hmac.new(self._secret, scope.encode() + b"\n" + payload, hashlib.sha256).digest()[
            :16
        ]

    def encode(self, scope: str, key: dict[str, str]) -> str:
        payload = json.dumps(key, sort_keys=True, separators=(",", ":")).encode()
        token = self._mac(scope, payload) + payload
        return base64.urlsafe_b64encode(token).decode().rstrip("=")

    def decode(self, scope: str, cursor: str) -> dict[str, str]:
        """The key a cursor stands for, bound to `scope` (a cursor of one list opens no other)."""
        try:
            token = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        except (binascii.Error, ValueError) as exc:
            raise InvalidInput(_REFUSED, field="cursor") from exc
        mac, payload = token[:16], token[16:]
        if len(mac) != 16 or not hmac.compare_digest(mac, self._mac(scope, payload)):
            raise InvalidInput(_REFUSED, field="cursor")
        key = json.loads(payload)
        if not isinstance(key, dict) or not all(isinstance(v, str) for v in key.values()):
            raise InvalidInput(_REFUSED, field="cursor")
        return key
