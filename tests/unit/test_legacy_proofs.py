"""Badges signed with the legacy Ed25519Signature2020 suite by another implementation (DCC's)."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from badgehub.usecases.verify import CredentialJson, Fetched, FetchError, verify

LEGACY = Path(__file__).resolve().parent / "fixtures" / "legacy"


class Offline:
    def fetch(self, url: str) -> Fetched:
        raise FetchError("offline")


@pytest.mark.parametrize(
    ("name", "verdict"),
    [
        ("ob3-ed25519signature2020.json", "valid"),
        ("ob3-ed25519signature2020-tampered.json", "invalid"),
    ],
)
def test_legacy_signatures_made_by_another_implementation_verify(name: str, verdict: str) -> None:
    document = json.loads((LEGACY / name).read_text())
    assert document["proof"]["type"] == "Ed25519Signature2020"
    report = verify(CredentialJson(document), Offline(), datetime.now(UTC), "legacy@example.org")
    assert report.verdict.value == verdict, [c.message for c in report.checks if not c.passed]
