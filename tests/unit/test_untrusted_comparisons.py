"""Secrets, signatures and hashes that come from outside are compared without ever raising:
a non-ASCII or unpaired-surrogate value is simply not a match (never a 500)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from badgehub.domain import hashing, supplements, tokens

HOSTILE = ["þ", "\udc00", "é" * 64, "\u202e" + "0" * 63]


@pytest.mark.parametrize("presented", HOSTILE)
def test_a_download_link_with_a_hostile_signature_is_not_ours(presented: str) -> None:
    query: dict[str, str | None] = {
        "v": "1",
        "for": "issuer",
        "exp": "4102444800",
        "sig": presented,
    }

    assert supplements.read_link("a1", query, b"k" * 32, datetime(2026, 1, 1, tzinfo=UTC)) is None


@pytest.mark.parametrize("presented", HOSTILE)
def test_a_hostile_csrf_token_does_not_match(presented: str) -> None:
    assert tokens.csrf_matches(b"k" * 32, "session-1", presented) is False


@pytest.mark.parametrize("presented", HOSTILE)
def test_a_foreign_badge_with_a_hostile_identity_hash_does_not_match(presented: str) -> None:
    assert hashing.identity_matches(f"sha256${presented}", "a@example.org", "") is False


def test_the_right_values_still_match() -> None:
    expected = tokens.csrf_token(b"k" * 32, "session-1")

    assert tokens.csrf_matches(b"k" * 32, "session-1", expected) is True
    assert hashing.identity_matches(
        hashing.hash_identity("a@example.org", "s"), "a@example.org", "s"
    )
