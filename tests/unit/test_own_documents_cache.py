"""The issuer's documents are kept per container while the issuer record is unchanged."""

from __future__ import annotations

from typing import Any

import pytest

from badgehub.domain.models import IssuerInput
from badgehub.domain.urls import PublicUrls
from badgehub.usecases import issuers, public
from badgehub.usecases.auth import Principal
from tests.support.builders import an_issuer
from tests.support.fakes import FakePorts

URLS = PublicUrls(base="https://badges.example", assets="https://assets.example")
ADMIN = Principal(is_admin=True)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> tuple[FakePorts, list[str]]:
    ports = FakePorts()
    asked: list[str] = []
    store = ports.keys
    real = type(store).list_keys

    def list_keys(self: Any, issuer_id: str) -> Any:
        asked.append(issuer_id)
        return real(self, issuer_id)

    monkeypatch.setattr(type(store), "list_keys", list_keys)
    return ports, asked


def test_a_second_request_reads_the_issuer_but_not_its_keys(
    counted: tuple[FakePorts, list[str]],
) -> None:
    ports, asked = counted
    issuer = issuers.create_issuer(ADMIN, IssuerInput(**an_issuer()), URLS, ports=ports)
    for build in (public.issuer_document, public.did_document):
        first = build(issuer.id, ports=ports, urls=URLS)
        asked.clear()
        assert build(issuer.id, ports=ports, urls=URLS) == first
        assert asked == []


def test_a_rotation_shows_at_once_in_the_profile_and_the_did_document(
    counted: tuple[FakePorts, list[str]],
) -> None:
    ports, _ = counted
    issuer = issuers.create_issuer(ADMIN, IssuerInput(**an_issuer()), URLS, ports=ports)
    before = public.did_document(issuer.id, ports=ports, urls=URLS).body
    profile = public.issuer_document(issuer.id, ports=ports, urls=URLS).body
    issuers.rotate_keys(Principal(issuer_id=issuer.id), issuer.id, ports=ports)
    after = public.did_document(issuer.id, ports=ports, urls=URLS).body
    rotated = public.issuer_document(issuer.id, ports=ports, urls=URLS).body
    assert isinstance(before, dict) and isinstance(after, dict)
    assert len(after["assertionMethod"]) == len(before["assertionMethod"]) + 2
    assert isinstance(profile, dict) and isinstance(rotated, dict)
    assert profile["publicKey"].endswith("/keys/key-3")
    assert rotated["publicKey"].endswith("/keys/key-6")


def test_documents_for_another_host_are_built_for_it(counted: tuple[FakePorts, list[str]]) -> None:
    ports, _ = counted
    issuer = issuers.create_issuer(ADMIN, IssuerInput(**an_issuer()), URLS, ports=ports)
    other = PublicUrls(base="https://other.example", assets="https://assets.example")
    public.issuer_document(issuer.id, ports=ports, urls=URLS)
    body = public.issuer_document(issuer.id, ports=ports, urls=other).body
    assert isinstance(body, dict) and body["id"].startswith("https://other.example/")
