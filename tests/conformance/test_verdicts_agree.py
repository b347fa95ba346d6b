"""Our verifier and an independent one reach the same verdict on the same foreign badges.

The corpus (tests/conformance/corpus) holds hand-made badges from "another platform"
(did:key issuers), valid and broken; DCC verifier-core checks the OB 3.0 JSON ones.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from badgehub.usecases.verify import CredentialJson, Fetched, FetchError, verify
from tests.conformance.conftest import VcVerifier

pytestmark = pytest.mark.conformance

CORPUS = Path(__file__).resolve().parent / "corpus"
EXPECTED: dict[str, str] = json.loads((CORPUS / "expected.json").read_text())
OB3_JSON = sorted(
    name for name, verdict in EXPECTED.items() if name.startswith("ob3-") and name.endswith(".json")
)


class Offline:
    """No network: what a verifier cannot reach is simply unreachable."""

    def fetch(self, url: str) -> Fetched:
        raise FetchError("the network is not reachable in this test")


def _ours(document: dict[str, Any]) -> str:
    return verify(CredentialJson(document), Offline(), datetime.now(UTC)).verdict.value


def _theirs(result: dict[str, Any]) -> str:
    """DCC's result in our words: signature first, then status, then dates."""
    if result["signature"] != "valid":
        return "invalid"
    if result["status"].get("revocation") == "revoked":
        return "revoked"
    if result["status"].get("revocation") == "error":
        return "unverifiable"
    if any(c["id"] == "expiration" and not c["valid"] for c in result["checks"]):
        return "expired"
    return "valid" if result["verified"] else "invalid"


LEGACY = CORPUS.parent.parent / "unit" / "fixtures" / "legacy"
CASES = [(CORPUS / name, EXPECTED[name]) for name in OB3_JSON] + [
    (LEGACY / "ob3-ed25519signature2020.json", "valid"),
    (LEGACY / "ob3-ed25519signature2020-tampered.json", "invalid"),
]


@pytest.mark.parametrize(("path", "expected"), CASES, ids=[c[0].name for c in CASES])
def test_dcc_verifier_core_agrees_with_us(
    path: Path, expected: str, vc_verifier: VcVerifier
) -> None:
    document = json.loads(path.read_text())
    ours = _ours(document)
    assert ours == expected
    theirs = vc_verifier.verify(document)
    if expected == "not_yet_valid":
        # verifier-core stops with a plain error before any check: it is not valid either way
        assert theirs["verified"] is False
        return
    assert _theirs(theirs) == ours, json.dumps(
        {k: theirs[k] for k in ("errors", "checks", "status")}
    )


def test_1edtech_validator_agrees_with_our_verify_api_on_our_ob2_badges(
    platform: dict[str, Any], ob2_validator: Any
) -> None:
    import requests

    demo = platform["demo"]
    issued = requests.post(
        f"{platform['base_url']}/v1/badges/{demo['badge']['id']}/assertions",
        json={"recipient": {"email": "agree@example.org"}},
        headers={"Authorization": f"Bearer {demo['api_key']}"},
        timeout=30,
    ).json()
    token = requests.get(issued["links"]["ob2Signed"], timeout=30).text
    header, payload, signature = token.split(".")
    cases = {
        "valid": (token, "agree@example.org"),
        "tampered": (f"{header}.{payload[:-4]}AAAA.{signature}", "agree@example.org"),
        "wrong recipient": (token, "someone.else@example.org"),
        "hosted": (issued["links"]["assertion"], "agree@example.org"),
    }
    for case, (subject, email) in cases.items():
        body = {"url": subject} if subject.startswith("https://") else {"jws": subject}
        reply = requests.post(
            f"{platform['base_url']}/v1/verify", json={**body, "recipient": email}, timeout=60
        )
        ours = reply.json()["valid"] if reply.status_code == 200 else False
        theirs = ob2_validator.validate(subject, recipient=email)["valid"]
        assert ours == theirs, case
