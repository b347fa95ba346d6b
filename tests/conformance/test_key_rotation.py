"""Every badge an issuer ever issued keeps verifying after its keys are rotated, twice.

Each badge's forms are taken right after it is issued, as a recipient downloads them, and are
checked at the end, after both rotations: the 1EdTech validator (hosted and signed JWS), DCC
verifier-core (the OB 3.0 Data Integrity credential) and our own `POST /v1/verify`.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import requests

from tests.conformance.conftest import Ob2Validator, VcVerifier, errors_of
from tests.support.builders import a_badge, an_issuer

pytestmark = pytest.mark.conformance


def _post(platform: dict[str, Any], path: str, body: Any, token: str) -> dict[str, Any]:
    reply = requests.post(
        platform["base_url"] + path,
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert reply.status_code in (200, 201), reply.text
    answer: dict[str, Any] = reply.json()
    return answer


@pytest.fixture(scope="module")
def rotated(platform: dict[str, Any]) -> dict[str, Any]:
    """Issue, rotate, issue, rotate, issue: three badges, each signed by other keys."""
    admin = platform["admin_api_key"]
    issuer = _post(platform, "/v1/issuers", an_issuer(name="Rotating University"), admin)
    token = _post(platform, f"/v1/issuers/{issuer['id']}/api-keys", {"label": "t"}, admin)["key"]
    badge = _post(platform, f"/v1/issuers/{issuer['id']}/badges", a_badge(), token)
    badges = []
    for n in range(3):
        if n:
            _post(platform, f"/v1/issuers/{issuer['id']}/keys/rotate", {}, token)
        email = f"rotation{n}@example.org"
        issued = _post(
            platform, f"/v1/badges/{badge['id']}/assertions", {"recipient": {"email": email}}, token
        )
        badges.append(
            {
                "email": email,
                "hosted": issued["links"]["assertion"],
                "jws": requests.get(issued["links"]["ob2Signed"], timeout=10).text,
                "credential": requests.get(issued["links"]["credential"], timeout=10).json(),
            }
        )
    keys = requests.get(
        f"{platform['base_url']}/v1/issuers/{issuer['id']}/keys",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()
    return {"badges": badges, "keys": keys}


def test_the_three_badges_were_signed_by_three_different_keys(rotated: dict[str, Any]) -> None:
    creators = set()
    for badge in rotated["badges"]:
        payload = badge["jws"].split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        creators.add(claims["verification"]["creator"])
    assert len(creators) == 3


@pytest.mark.parametrize("n", [0, 1, 2])
def test_1edtech_validator_accepts_each_hosted_badge_after_rotations(
    rotated: dict[str, Any], ob2_validator: Ob2Validator, platform: dict[str, Any], n: int
) -> None:
    badge = rotated["badges"][n]
    report = ob2_validator.validate(badge["hosted"], badge["email"], platform["ca_file"])
    assert errors_of(report) == []
    assert report["valid"] is True


@pytest.mark.parametrize("n", [0, 1, 2])
def test_1edtech_validator_accepts_each_signed_badge_after_rotations(
    rotated: dict[str, Any], ob2_validator: Ob2Validator, platform: dict[str, Any], n: int
) -> None:
    badge = rotated["badges"][n]
    report = ob2_validator.validate(badge["jws"], badge["email"], platform["ca_file"])
    assert errors_of(report) == []
    assert report["valid"] is True


@pytest.mark.parametrize("n", [0, 1, 2])
def test_dcc_verifier_accepts_each_credential_after_rotations(
    rotated: dict[str, Any], vc_verifier: VcVerifier, platform: dict[str, Any], n: int
) -> None:
    result = vc_verifier.verify(rotated["badges"][n]["credential"], platform["ca_file"])
    assert result["errors"] == []
    assert result["signature"] == "valid"
    assert result["verified"] is True


@pytest.mark.parametrize("n", [0, 1, 2])
@pytest.mark.parametrize("form", ["hosted", "jws", "credential"])
def test_our_verifier_accepts_each_form_after_rotations(
    rotated: dict[str, Any], platform: dict[str, Any], n: int, form: str
) -> None:
    badge = rotated["badges"][n]
    body = {"hosted": {"url": badge["hosted"]}, "jws": {"jws": badge["jws"]}}.get(
        form, {"credential": badge["credential"]}
    )
    reply = requests.post(
        f"{platform['base_url']}/v1/verify", json={**body, "recipient": badge["email"]}, timeout=30
    )
    assert reply.status_code == 200, reply.text
    report = reply.json()
    assert [c for c in report["checks"] if not c["passed"]] == []
    assert report["verdict"] == "valid"
