"""Webhooks and the event bus on the in-memory adapters, with a fake clock: what is signed,
sent, retried, given up, disabled, and who may see it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import standardwebhooks  # the spec authors' own implementation: an independent check

from badgehub.domain import webhooks as hooks
from badgehub.domain.errors import Conflict, InvalidInput, NotFound, TooManyRequests
from badgehub.domain.events import EventType
from badgehub.domain.models import AssertionInput, BadgeClassInput, IssuerInput, RevokeInput
from badgehub.domain.urls import PublicUrls
from badgehub.usecases import assertions, badges, event_sender, issuers, webhooks
from badgehub.usecases.auth import Principal
from tests.support.builders import FixedClock, a_badge, an_assertion, an_issuer
from tests.support.fakes import FakePorts

URLS = PublicUrls(base="https://badges.example", assets="https://assets.example")
ADMIN = Principal(is_admin=True)
HOOK = "https://portal.example/hooks"


@pytest.fixture
def clock() -> FixedClock:
    """Starts now: the reference library checks `webhook-timestamp` against the real time."""
    return FixedClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def ports(clock: FixedClock) -> FakePorts:
    return FakePorts(clock)


def a_tenant(ports: FakePorts, name: str = "University of Examples") -> tuple[Principal, str]:
    issuer = issuers.create_issuer(ADMIN, IssuerInput(**an_issuer(name=name)), URLS, ports=ports)
    principal = Principal(issuer_id=issuer.id)
    badge = badges.create_badge(principal, issuer.id, BadgeClassInput(**a_badge()), ports=ports)
    return principal, badge.id


def subscribe(
    ports: FakePorts, principal: Principal, url: str = HOOK, events: tuple[str, ...] = ()
) -> tuple[hooks.Webhook, str]:
    wanted = list(events) or ["badge.issued", "badge.revoked"]
    data = hooks.WebhookInput(url=url, events=wanted)
    assert principal.issuer_id is not None
    return webhooks.create_webhook(
        principal, principal.issuer_id, data, allow_local=False, ports=ports
    )


def issue(ports: FakePorts, principal: Principal, badge_id: str) -> str:
    issued = assertions.issue(
        principal, badge_id, AssertionInput(**an_assertion()), None, URLS, ports=ports
    )
    return issued.assertion.id


def run(ports: FakePorts) -> event_sender.Run:
    return event_sender.send_pending(ports=ports, workers=1)


def later(clock: FixedClock, **delta: float) -> None:
    clock.current += timedelta(**delta)


# --- messages and signatures -----------------------------------------------------------------


def test_a_delivery_is_signed_as_standard_webhooks_says(ports: FakePorts) -> None:
    principal, badge_id = a_tenant(ports)
    _, secret = subscribe(ports, principal)
    assertion_id = issue(ports, principal, badge_id)

    summary = run(ports)

    assert (summary.published, summary.queued, summary.delivered) == (1, 1, 1)
    url, body, headers = ports.sender.posts[0]
    assert url == HOOK
    verified = standardwebhooks.Webhook(secret).verify(body, headers)  # raises if not valid
    assert verified == json.loads(body)
    assert verified["type"] == "badge.issued"
    assert verified["data"] == {
        "assertionId": assertion_id,
        "badgeId": badge_id,
        "issuerId": principal.issuer_id,
    }
    assert verified["timestamp"].endswith("Z")
    assert secret.startswith("whsec_")
    assert headers["webhook-signature"].startswith("v1,")


def test_a_tampered_body_or_another_secret_fails_the_reference_check(ports: FakePorts) -> None:
    principal, badge_id = a_tenant(ports)
    _, secret = subscribe(ports, principal)
    issue(ports, principal, badge_id)
    run(ports)
    _, body, headers = ports.sender.posts[0]

    with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
        standardwebhooks.Webhook(secret).verify(
            body.replace(b"badge.issued", b"badge.revoked"), headers
        )
    with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
        standardwebhooks.Webhook(hooks.new_secret()).verify(body, headers)


def test_the_event_goes_to_the_bus_with_its_type_and_ids_only(ports: FakePorts) -> None:
    principal, badge_id = a_tenant(ports)
    assertion_id = issue(ports, principal, badge_id)

    run(ports)

    (sent,) = ports.bus.events
    assert sent.detail_type == "badge.issued"
    detail = json.loads(sent.detail)
    assert detail["type"] == "badge.issued"
    assert detail["data"]["assertionId"] == assertion_id
    assert "@" not in sent.detail  # never the recipient's e-mail address


def test_the_secret_is_stored_only_encrypted(ports: FakePorts) -> None:
    principal, _ = a_tenant(ports)
    _, secret = subscribe(ports, principal)
    stored = str(ports.table.items)
    assert secret not in stored
    assert secret.removeprefix("whsec_") not in stored


def test_only_subscribed_types_and_only_the_issuers_own_events_are_delivered(
    ports: FakePorts,
) -> None:
    principal, badge_id = a_tenant(ports)
    other, other_badge = a_tenant(ports, "Other College")
    subscribe(ports, principal, events=("badge.revoked",))
    issue(ports, other, other_badge)
    assertion_id = issue(ports, principal, badge_id)
    run(ports)
    assert ports.sender.posts == []  # issued events: not subscribed, or another issuer's

    assertions.revoke(principal, assertion_id, RevokeInput(reason="error"), URLS, ports=ports)
    run(ports)
    assert [json.loads(body)["type"] for _, body, _ in ports.sender.posts] == ["badge.revoked"]


def test_every_event_type_the_events_consumer_gets_can_be_subscribed() -> None:
    names = {t.value for t in hooks.subscribable()}
    assert {"badge.issued", "badge.claimed", "supplement.hidden", "batch.completed"} <= names
    assert not names & {"mail.badge", "notice.supplement", "webhook.delivery"}


# --- retries, backoff, giving up, disabling --------------------------------------------------


def test_a_failing_receiver_is_retried_with_backoff_for_more_than_a_day(
    ports: FakePorts, clock: FixedClock
) -> None:
    principal, badge_id = a_tenant(ports)
    webhook, _ = subscribe(ports, principal)
    issue(ports, principal, badge_id)
    ports.sender.status = 503
    started = clock.current

    run(ports)  # the first attempt
    for wait in hooks.BACKOFF:
        later(clock, seconds=wait.total_seconds() - 1)
        before = len(ports.sender.posts)
        run(ports)
        assert len(ports.sender.posts) == before  # not due yet
        later(clock, seconds=1)
        run(ports)
        assert len(ports.sender.posts) == before + 1

    (delivery,) = webhooks.list_deliveries(principal, webhook.id, 10, ports=ports)
    assert delivery.state is hooks.DeliveryState.FAILED
    assert len(delivery.attempts) == len(hooks.BACKOFF) + 1
    assert delivery.attempts[-1].at - started >= timedelta(hours=24)
    assert {a.status_code for a in delivery.attempts} == {503}
    assert delivery.attempts[0].error == "the receiver answered 503"
    later(clock, days=3)
    run(ports)
    assert len(ports.sender.posts) == len(hooks.BACKOFF) + 1  # given up: no more


def test_a_retry_resends_the_same_message_id_and_body(ports: FakePorts, clock: FixedClock) -> None:
    principal, badge_id = a_tenant(ports)
    _, secret = subscribe(ports, principal)
    issue(ports, principal, badge_id)
    ports.sender.failure = "the connection failed"
    run(ports)
    ports.sender.failure = None
    later(clock, seconds=5)
    run(ports)

    (_, first, h1), (_, second, h2) = ports.sender.posts
    assert first == second
    assert h1["webhook-id"] == h2["webhook-id"]
    standardwebhooks.Webhook(secret).verify(second, h2)


def test_a_webhook_failing_for_days_is_disabled_with_its_reason(
    ports: FakePorts, clock: FixedClock
) -> None:
    principal, badge_id = a_tenant(ports)
    webhook, _ = subscribe(ports, principal)
    ports.sender.failure = "the server took too long to answer"
    for _day in range(6):
        issue(ports, principal, badge_id)
        run(ports)
        later(clock, days=1)

    current = webhooks.get_owned_webhook(principal, webhook.id, ports=ports)
    assert current.disabled
    assert current.disabled_reason is not None
    assert "5 days" in current.disabled_reason
    assert "too long" in current.disabled_reason

    posts = len(ports.sender.posts)
    issue(ports, principal, badge_id)
    later(clock, days=2)
    run(ports)
    assert len(ports.sender.posts) == posts  # nothing goes to a disabled webhook
    with pytest.raises(Conflict):
        delivery = webhooks.list_deliveries(principal, webhook.id, 1, ports=ports)[0]
        webhooks.redeliver(principal, webhook.id, delivery.id, ports=ports)


def test_a_success_clears_the_failure_streak(ports: FakePorts, clock: FixedClock) -> None:
    principal, badge_id = a_tenant(ports)
    webhook, _ = subscribe(ports, principal)
    ports.sender.status = 500
    issue(ports, principal, badge_id)
    run(ports)
    assert webhooks.get_owned_webhook(principal, webhook.id, ports=ports).failing_since
    ports.sender.status = 200
    later(clock, days=4)
    issue(ports, principal, badge_id)
    run(ports)
    later(clock, days=2)
    ports.sender.status = 500
    issue(ports, principal, badge_id)
    run(ports)
    current = webhooks.get_owned_webhook(principal, webhook.id, ports=ports)
    assert not current.disabled
    assert current.failing_since == clock.current


def test_one_dead_endpoint_holds_up_neither_another_nor_the_bus(ports: FakePorts) -> None:
    principal, badge_id = a_tenant(ports)
    dead, _ = subscribe(ports, principal, url="https://dead.example/hooks")
    subscribe(ports, principal, url="https://alive.example/hooks")
    ports.sender.answers["https://dead.example/hooks"] = "the server took too long to answer"
    for _ in range(3):
        issue(ports, principal, badge_id)

    summary = run(ports)

    assert len(ports.bus.events) == 3
    urls = [url for url, _, _ in ports.sender.posts]
    assert urls.count("https://alive.example/hooks") == 3
    assert urls.count("https://dead.example/hooks") == 1  # one timeout per run, not three
    assert summary.deferred == 2
    assert len(webhooks.list_deliveries(principal, dead.id, 10, ports=ports)) == 3


def test_a_bus_outage_retries_only_the_bus_and_webhooks_never_wait_for_it(
    ports: FakePorts, clock: FixedClock
) -> None:
    principal, badge_id = a_tenant(ports)
    subscribe(ports, principal)
    issue(ports, principal, badge_id)
    ports.bus.failing = True
    summary = run(ports)
    assert (summary.bus_retried, summary.delivered) == (1, 1)
    ports.bus.failing = False
    later(clock, seconds=5)
    run(ports)
    later(clock, minutes=10)
    run(ports)
    assert len(ports.bus.events) == 1
    assert len(ports.sender.posts) == 1


def test_a_run_that_dies_before_settling_makes_no_second_delivery(
    ports: FakePorts, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    principal, badge_id = a_tenant(ports)
    webhook, _ = subscribe(ports, principal)
    issue(ports, principal, badge_id)
    settle = ports.outbox.settle

    def die(event: object) -> None:
        raise RuntimeError("the run died")

    monkeypatch.setattr(ports.outbox, "settle", die)
    with pytest.raises(RuntimeError):
        run(ports)
    monkeypatch.setattr(ports.outbox, "settle", settle)
    later(clock, minutes=3)  # the lease ran out: the event is due again
    run(ports)

    assert len(webhooks.list_deliveries(principal, webhook.id, 10, ports=ports)) == 1
    assert len(ports.sender.posts) == 1
    assert len(ports.bus.events) == 2  # the bus is at-least-once: its consumers see `id`


def test_redelivery_sends_the_same_message_again_as_a_new_delivery(
    ports: FakePorts,
) -> None:
    principal, badge_id = a_tenant(ports)
    webhook, secret = subscribe(ports, principal)
    issue(ports, principal, badge_id)
    run(ports)
    (first,) = webhooks.list_deliveries(principal, webhook.id, 10, ports=ports)

    again = webhooks.redeliver(principal, webhook.id, first.id, ports=ports)
    run(ports)

    assert again.redelivery_of == first.id
    (_, b1, h1), (_, b2, h2) = ports.sender.posts
    assert (b1, h1["webhook-id"]) == (b2, h2["webhook-id"])
    standardwebhooks.Webhook(secret).verify(b2, h2)
    states = [d.state for d in webhooks.list_deliveries(principal, webhook.id, 10, ports=ports)]
    assert states == [hooks.DeliveryState.SUCCEEDED, hooks.DeliveryState.SUCCEEDED]


def test_a_deleted_webhook_gets_nothing_more(ports: FakePorts) -> None:
    principal, badge_id = a_tenant(ports)
    webhook, _ = subscribe(ports, principal)
    ports.sender.status = 500
    issue(ports, principal, badge_id)
    run(ports)
    webhooks.delete_webhook(principal, webhook.id, ports=ports)
    issue(ports, principal, badge_id)
    summary = event_sender.send_pending(ports=ports, workers=1)
    assert len(ports.sender.posts) == 1
    assert summary.queued == 0


# --- who may manage webhooks -----------------------------------------------------------------


def test_other_issuers_and_the_admin_see_no_webhook(ports: FakePorts) -> None:
    principal, _ = a_tenant(ports)
    other, _ = a_tenant(ports, "Other College")
    webhook, _ = subscribe(ports, principal)
    for stranger in (other, ADMIN):
        with pytest.raises(NotFound):
            webhooks.get_owned_webhook(stranger, webhook.id, ports=ports)
        with pytest.raises(NotFound):
            webhooks.delete_webhook(stranger, webhook.id, ports=ports)
        with pytest.raises(NotFound):
            webhooks.list_deliveries(stranger, webhook.id, 10, ports=ports)
        with pytest.raises(NotFound):
            assert principal.issuer_id is not None
            webhooks.list_webhooks(stranger, principal.issuer_id, ports=ports)
    assert webhooks.get_owned_webhook(principal, webhook.id, ports=ports) == webhook


def test_an_issuer_has_at_most_ten_webhooks(ports: FakePorts) -> None:
    principal, _ = a_tenant(ports)
    for n in range(hooks.MAX_WEBHOOKS):
        subscribe(ports, principal, url=f"{HOOK}/{n}")
    with pytest.raises(Conflict):
        subscribe(ports, principal)


@pytest.mark.parametrize(
    "url",
    [
        "http://portal.example/hooks",
        "https://localhost/hooks",
        "https://127.0.0.1/hooks",
        "https://10.0.0.8/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hooks",
        "https://user:pass@portal.example/hooks",
        "ftp://portal.example/hooks",
        "https://portal.example/hooks#x",
        "https://portal.example:99999/",
        "https:// portal.example/",
        "javascript:alert(1)",
    ],
)
def test_unsafe_targets_are_refused_when_subscribing(url: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        hooks.check_url(url, allow_local=False)
    assert refused.value.field == "url"


def test_local_targets_only_when_the_local_platform_allows_them() -> None:
    assert hooks.check_url("http://127.0.0.1:9000/h", allow_local=True)
    with pytest.raises(InvalidInput):
        hooks.check_url("http://127.0.0.1:9000/h", allow_local=False)
    with pytest.raises(InvalidInput):
        hooks.check_url("http://10.0.0.1/h", allow_local=True)


def test_unknown_event_types_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"mail\.badge"):
        hooks.WebhookInput(url=HOOK, events=["badge.issued", "mail.badge"])
    assert hooks.WebhookInput(url=HOOK, events=["badge.issued", "badge.issued"]).events == [
        "badge.issued"
    ]


def test_events_are_recorded_for_the_supplement_types_too() -> None:
    kinds = {EventType.SUPPLEMENT_ATTACHED, EventType.SUPPLEMENT_WITHDRAWN}
    assert kinds <= hooks.subscribable()


def test_a_delivery_of_another_webhook_cannot_be_redelivered_through_ones_own(
    ports: FakePorts,
) -> None:
    principal, _ = a_tenant(ports)
    other, other_badge = a_tenant(ports, "Other College")
    mine, _ = subscribe(ports, principal)
    theirs, _ = subscribe(ports, other)
    issue(ports, other, other_badge)
    run(ports)
    (their_delivery,) = webhooks.list_deliveries(other, theirs.id, 10, ports=ports)
    with pytest.raises(NotFound):
        webhooks.redeliver(principal, mine.id, their_delivery.id, ports=ports)
    with pytest.raises(NotFound):
        webhooks.redeliver(principal, theirs.id, their_delivery.id, ports=ports)
    assert len(ports.sender.posts) == 1


def test_redeliveries_are_limited_per_hour(ports: FakePorts, clock: FixedClock) -> None:
    principal, badge_id = a_tenant(ports)
    webhook, _ = subscribe(ports, principal)
    issue(ports, principal, badge_id)
    run(ports)
    (delivery,) = webhooks.list_deliveries(principal, webhook.id, 10, ports=ports)
    for _ in range(webhooks.REDELIVERIES_PER_HOUR):
        webhooks.redeliver(principal, webhook.id, delivery.id, ports=ports)
    with pytest.raises(TooManyRequests) as limited:
        webhooks.redeliver(principal, webhook.id, delivery.id, ports=ports)
    assert 0 < limited.value.retry_after <= 3600
    later(clock, hours=1)
    assert webhooks.redeliver(principal, webhook.id, delivery.id, ports=ports)


def test_a_webhook_added_before_a_bus_retry_still_gets_the_event(
    ports: FakePorts, clock: FixedClock
) -> None:
    principal, badge_id = a_tenant(ports)
    first, _ = subscribe(ports, principal, url="https://one.example/h")
    issue(ports, principal, badge_id)
    ports.bus.failing = True
    run(ports)
    second, _ = subscribe(ports, principal, url="https://two.example/h")
    ports.bus.failing = False
    later(clock, seconds=5)
    run(ports)
    for webhook in (first, second):
        assert len(webhooks.list_deliveries(principal, webhook.id, 10, ports=ports)) == 1
    assert sorted(url for url, _, _ in ports.sender.posts) == [
        "https://one.example/h",
        "https://two.example/h",
    ]
