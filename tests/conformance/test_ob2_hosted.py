"""Hosted OB 2.0 assertions from the running platform, checked by the 1EdTech validator."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.conformance.conftest import Ob2Validator, errors_of

pytestmark = pytest.mark.conformance


def _issue(platform: dict[str, Any], email: str) -> dict[str, Any]:
    demo = platform["demo"]
    reply = requests.post(
        f"{platform['base_url']}/v1/badges/{demo['badge']['id']}/assertions",
        json={
            "recipient": {"email": email, "name": "Grace Hopper"},
            "evidence": [{"url": "https://portfolio.example.org/grace", "name": "Portfolio"}],
            "narrative": "Completed every module with distinction.",
        },
        headers={"Authorization": f"Bearer {demo['api_key']}"},
        timeout=10,
    )
    assert reply.status_code == 201, reply.text
    return reply.json()


def test_validator_accepts_our_hosted_assertion_for_the_right_recipient(
    platform: dict[str, Any], ob2_validator: Ob2Validator
) -> None:
    issued = _issue(platform, "Grace.Hopper@Example.org")
    report = ob2_validator.validate(
        issued["links"]["assertion"], recipient="grace.hopper@example.org"
    )
    assert errors_of(report) == []
    assert report["valid"] is True
    assert report["errorCount"] == 0
    assert report["openBadgesVersion"] == "2.0"


def test_validator_rejects_the_wrong_recipient(
    platform: dict[str, Any], ob2_validator: Ob2Validator
) -> None:
    issued = _issue(platform, "grace@example.org")
    report = ob2_validator.validate(issued["links"]["assertion"], recipient="mallory@example.org")
    assert report["valid"] is False
    assert any("did not match" in message for message in errors_of(report))
