"""Use cases on the in-memory adapters: what is stored, announced and given back, together."""

from __future__ import annotations

from datetime import timedelta

import pytest

from badgehub.domain.errors import ServiceUnavailable
from badgehub.domain.events import Consumer, EventType
from badgehub.domain.models import AssertionInput, BadgeClassInput, IssuerInput, RevokeInput
from badgehub.domain.urls import PublicUrls
from badgehub.usecases import assertions, badges, issuers
from badgehub.usecases.auth import Principal
from tests.support.builders import FIXED_NOW, a_badge, an_assertion, an_issuer
from tests.support.fakes import FakePorts

URLS = PublicUrls(base="https://badges.example", assets="https://assets.example")
ADMIN = Principal(is_admin=True)


@pytest.fixture
def ports() -> FakePorts:
    return FakePorts()


def a_tenant(ports: FakePorts) -> tuple[Principal, str]:
    issuer = issuers.create_issuer(ADMIN, IssuerInput(**an_issuer()), URLS, ports=ports)
    principal = Principal(issuer_id=issuer.id)
    badge = badges.create_badge(principal, issuer.id, BadgeClassInput(**a_badge()), ports=ports)
    return principal, badge.id


def items(ports: FakePorts, prefix: str) -> list[dict[str, str | int | bool]]:
    return [item for (pk, _), item in ports.table.items.items() if pk.startswith(prefix)]


def test_issuing_stores_the_assertion_and_announces_it_in_one_go(ports: FakePorts) -> None:
    principal, badge_id = a_tenant(ports)
    issued = assertions.issue(
        principal, badge_id, AssertionInput(**an_assertion()), None, URLS, ports=ports
    )
    assertion = issued.assertion
    assert not issued.replayed
    pending = ports.outbox.pending(Consumer.EVENTS, FIXED_NOW, 10)
    assert [(e.type, e.subject_id) for e in pending] == [(EventType.BADGE_ISSUED, assertion.id)]
    assert "ada@example.org" not in pending[0].model_dump_json()  # ids only, no personal data


def test_a_key_service_failure_stores_nothing_and_gives_the_status_index_back(
    ports: FakePorts,
) -> None:
    principal, badge_id = a_tenant(ports)
    ports.memory_keys.failing = True
    with pytest.raises(ServiceUnavailable):
        assertions.issue(
            principal, badge_id, AssertionInput(**an_assertion()), None, URLS, ports=ports
        )
    assert items(ports, "ASSERTION#") == []
    assert items(ports, "EVENT#") == []
    assert items(ports, "STATUSINDEX#") == []


def test_a_failed_write_announces_nothing_and_gives_the_status_index_back(
    ports: FakePorts, monkeypatch: pytest.MonkeyPatch
) -> None:
    principal, badge_id = a_tenant(ports)

    def down(*_: object, **__: object) -> None:
        raise ServiceUnavailable("the database is unavailable")

    monkeypatch.setattr(ports.table, "transact", down)
    with pytest.raises(ServiceUnavailable):
        assertions.issue(
            principal, badge_id, AssertionInput(**an_assertion()), None, URLS, ports=ports
        )
    assert items(ports, "ASSERTION#") == []
    assert items(ports, "EVENT#") == []
    assert items(ports, "STATUSINDEX#") == []


def test_revoking_announces_once_however_often_it_is_asked(ports: FakePorts) -> None:
    principal, badge_id = a_tenant(ports)
    assertion = assertions.issue(
        principal, badge_id, AssertionInput(**an_assertion()), None, URLS, ports=ports
    ).assertion
    for _ in range(2):
        assertions.revoke(principal, assertion.id, RevokeInput(reason="error"), URLS, ports=ports)
    kinds = [e.type for e in ports.outbox.pending(Consumer.EVENTS, FIXED_NOW, 10)]
    assert kinds.count(EventType.BADGE_REVOKED) == 1


def test_only_one_of_two_consumers_claims_an_event(ports: FakePorts) -> None:
    principal, badge_id = a_tenant(ports)
    assertions.issue(principal, badge_id, AssertionInput(**an_assertion()), None, URLS, ports=ports)
    [seen_by_a] = ports.outbox.pending(Consumer.EVENTS, FIXED_NOW, 10)
    [seen_by_b] = ports.outbox.pending(Consumer.EVENTS, FIXED_NOW, 10)
    claimed = ports.outbox.claim(seen_by_a, FIXED_NOW, timedelta(minutes=1))
    assert claimed is not None
    assert ports.outbox.claim(seen_by_b, FIXED_NOW, timedelta(minutes=1)) is None
    assert (
        ports.outbox.pending(Consumer.EVENTS, FIXED_NOW, 10) == []
    )  # leased: nobody else sees it for now
    assert [
        e.id for e in ports.outbox.pending(Consumer.EVENTS, FIXED_NOW + timedelta(minutes=2), 10)
    ] == [claimed.id]
    ports.outbox.settle(claimed)
    assert ports.outbox.pending(Consumer.EVENTS, FIXED_NOW + timedelta(days=1), 10) == []
    assert ports.outbox.get(claimed.id) is not None  # kept as the audit trail


def test_a_failed_attempt_comes_back_when_due_with_its_count(ports: FakePorts) -> None:
    principal, badge_id = a_tenant(ports)
    assertions.issue(principal, badge_id, AssertionInput(**an_assertion()), None, URLS, ports=ports)
    [event] = ports.outbox.pending(Consumer.EVENTS, FIXED_NOW, 10)
    later = ports.outbox.retry_later(event, FIXED_NOW + timedelta(minutes=5))
    assert ports.outbox.pending(Consumer.EVENTS, FIXED_NOW + timedelta(minutes=4), 10) == []
    [again] = ports.outbox.pending(Consumer.EVENTS, FIXED_NOW + timedelta(minutes=5), 10)
    assert again.attempts == 1 == later.attempts
