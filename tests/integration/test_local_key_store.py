"""What the local key service promises beyond the shared contract: private, durable keys."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from badgehub.domain.keys import Algorithm, SigningKey
from badgehub.ports import CreatedKey, KeyServiceError
from devplatform.local.key_store import LocalKeyService
from tests.contract.test_key_service_contract import verify


def signing_key(created: CreatedKey, algorithm: Algorithm, ref: str | None = None) -> SigningKey:
    return SigningKey(
        issuer_id="issuer-1",
        key_id="key-1",
        algorithm=algorithm,
        provider=created.provider,
        provider_ref=created.provider_ref if ref is None else ref,
        public_key_pem=created.public_key_pem,
        created_at=datetime(2026, 6, 1, tzinfo=UTC),
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_private_keys_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    keys = LocalKeyService(tmp_path / "keys")
    created = keys.create_key(Algorithm.RS256, "issuer-1")
    assert created.provider == "local"
    assert mode(tmp_path / "keys") == 0o700
    assert [mode(p) for p in (tmp_path / "keys").iterdir()] == [0o600]
    assert [p.name for p in (tmp_path / "keys").iterdir()] == [f"{created.provider_ref}.pem"]


@pytest.mark.parametrize("algorithm", list(Algorithm))
def test_keys_sign_after_a_restart(tmp_path: Path, algorithm: Algorithm) -> None:
    created = LocalKeyService(tmp_path / "keys").create_key(algorithm, "issuer-1")
    restarted = LocalKeyService(tmp_path / "keys")
    signature = restarted.sign(signing_key(created, algorithm), b"message")
    verify(algorithm, created.public_key_pem, signature, b"message")


@pytest.mark.parametrize("ref", ["../../etc/passwd", "/etc/passwd", "", "A" * 32])
def test_a_reference_that_is_not_ours_names_no_file(tmp_path: Path, ref: str) -> None:
    keys = LocalKeyService(tmp_path / "keys")
    created = keys.create_key(Algorithm.ED25519, "issuer-1")
    with pytest.raises(KeyServiceError):
        keys.sign(signing_key(created, Algorithm.ED25519, ref), b"message")


def test_a_key_signs_only_with_its_own_algorithm(tmp_path: Path) -> None:
    keys = LocalKeyService(tmp_path / "keys")
    created = keys.create_key(Algorithm.ED25519, "issuer-1")
    with pytest.raises(KeyServiceError):
        keys.sign(signing_key(created, Algorithm.RS256), b"message")
