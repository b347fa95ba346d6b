"""What an issuer portal does against the running local platform, for e2e and conformance tests."""

from __future__ import annotations

from typing import Any

import requests


def issue_demo(platform: dict[str, Any], email: str, **extra: Any) -> dict[str, Any]:
    """Issues the seeded demo badge to `email` with the demo issuer's key; expects 201."""
    demo = platform["demo"]
    reply = requests.post(
        f"{platform['base_url']}/v1/badges/{demo['badge']['id']}/assertions",
        json={"recipient": {"email": email}, **extra},
        headers={"Authorization": f"Bearer {demo['api_key']}"},
        timeout=30,
    )
    assert reply.status_code == 201, reply.text
    issued: dict[str, Any] = reply.json()
    return issued
