"""The notifier on the in-memory adapters: each notice kind, each reason to drop one, exactly
once under concurrent runs, bounded runs that resume, pacing, and failures that block nothing."""

from __future__ import annotations

import itertools
import re
import threading
from datetime import datetime, timedelta

import pytest

from badgehub.domain.errors import ServiceUnavailable
from badgehub.domain.events import Consumer, Event, EventType
from badgehub.domain.models import (
    Assertion,
    AssertionInput,
    BadgeClassInput,
    IssuerInput,
    RevokeInput,
)
from badgehub.domain.recipients import ClaimState
from badgehub.domain.urls import PublicUrls
from badgehub.ports import Mail
from badgehub.usecases import assertions, badges, issuers, notify, recipients
from badgehub.usecases.auth import Principal
from badgehub.usecases.outbox_work import Run
from badgehub.web.mail_renderer import TemplateMailRenderer
from tests.support.builders import FIXED_NOW, a_badge, an_assertion, an_issuer
from tests.support.notices import NoticeFakes, attach_supplement, withdraw_supplement

URLS = PublicUrls(base="https://badges.example", assets="https://assets.example")
ADMIN = Principal(is_admin=True)
RENDERER = TemplateMailRenderer("Open Badges")
CLAIM_LINK = re.compile(r"https://badges\.example/claim/([A-Za-z0-9_-]+)")
FAR = FIXED_NOW + timedelta(days=3650)


@pytest.fixture
def ports() -> NoticeFakes:
    return NoticeFakes(FIXED_NOW)


class Tenant:
    def __init__(self, ports: NoticeFakes, **badge: object) -> None:
        issuer = issuers.create_issuer(ADMIN, IssuerInput(**an_issuer()), URLS, ports=ports)
        self.principal = Principal(issuer_id=issuer.id)
        self.issuer_id = issuer.id
        self.badge_id = badges.create_badge(
            self.principal, issuer.id, BadgeClassInput(**a_badge(**badge)), ports=ports
        ).id
        self.ports = ports

    def issue(self, email: str = "ada@example.org", **changes: object) -> Assertion:
        data = AssertionInput(**an_assertion(email, **changes))
        issued = assertions.issue(self.principal, self.badge_id, data, None, URLS, ports=self.ports)
        return issued.assertion


@pytest.fixture
def tenant(ports: NoticeFakes) -> Tenant:
    return Tenant(ports)


def run(ports: NoticeFakes, rate: float = 1000.0, **bounds: object) -> Run:
    pacer = notify.Pacer(rate, ports.stepping, ports.stepping.sleep)
    return notify.notify_pending(URLS, RENDERER, pacer, ports=ports, **bounds)  # type: ignore[arg-type]


def pending(ports: NoticeFakes) -> list[Event]:
    return ports.outbox.pending(Consumer.NOTIFIER, FAR, 1000)


def accept(ports: NoticeFakes, assertion_id: str) -> None:
    entry = ports.recipients.get_entry(assertion_id)
    assert entry is not None
    ports.recipients.save_entry(entry.model_copy(update={"claim": ClaimState.ACCEPTED}))


def decline(ports: NoticeFakes, assertion_id: str) -> None:
    entry = ports.recipients.get_entry(assertion_id)
    assert entry is not None
    ports.recipients.save_entry(entry.model_copy(update={"claim": ClaimState.DECLINED}))


def later(ports: NoticeFakes, days: float = 0, minutes: float = 0) -> None:
    ports.stepping.advance(timedelta(days=days, minutes=minutes))


# Issuing writes the notices


def test_issuing_writes_two_reminders_and_an_expiry_notice_with_the_badge(
    ports: NoticeFakes, tenant: Tenant
) -> None:
    expires = FIXED_NOW + timedelta(days=365)
    assertion = tenant.issue(expires=expires.isoformat())
    due = {(e.type, e.due_at) for e in pending(ports)}
    assert due == {
        (EventType.NOTICE_UNCLAIMED, FIXED_NOW + timedelta(days=7)),
        (EventType.NOTICE_UNCLAIMED, FIXED_NOW + timedelta(days=30)),
        (EventType.NOTICE_EXPIRING, expires - timedelta(days=30)),
    }
    assert all(e.subject_id == assertion.id for e in pending(ports))
    assert "ada@example.org" not in str([e.model_dump_json() for e in pending(ports)])


def test_notify_false_badges_get_no_notices(ports: NoticeFakes, tenant: Tenant) -> None:
    tenant.issue(notify=False, expires=(FIXED_NOW + timedelta(days=90)).isoformat())
    assert pending(ports) == []


def test_a_badge_without_expiry_gets_no_expiry_notice(ports: NoticeFakes, tenant: Tenant) -> None:
    tenant.issue()
    assert {e.type for e in pending(ports)} == {EventType.NOTICE_UNCLAIMED}


def test_a_notice_cannot_be_written_twice(ports: NoticeFakes, tenant: Tenant) -> None:
    from badgehub.adapters.tables.core import ConditionFailed
    from badgehub.adapters.tables.outbox import event_put
    from badgehub.domain import events

    assertion = tenant.issue()
    again = events.notice_unclaimed(tenant.issuer_id, assertion.id, 7, FIXED_NOW)
    with pytest.raises(ConditionFailed):
        ports.table.transact([event_put(again)])
    attach_supplement(ports.table, tenant.issuer_id, assertion.id, 1, FIXED_NOW)
    with pytest.raises(ConditionFailed):
        attach_supplement(ports.table, tenant.issuer_id, assertion.id, 1, FIXED_NOW)
    assert len(pending(ports)) == 3


# The Diploma Supplement notice


def test_a_new_supplement_is_announced_once_with_a_link_to_its_switch(
    ports: NoticeFakes, tenant: Tenant
) -> None:
    assertion = tenant.issue()
    accept(ports, assertion.id)
    attach_supplement(ports.table, tenant.issuer_id, assertion.id, 1, FIXED_NOW)
    assert run(ports).sent == 1
    [mail] = ports.mailbox.sent
    assert mail.to == "ada@example.org"
    assert mail.subject == "Your Diploma Supplement for “Data Literacy” is here"
    link = f"https://badges.example/backpack#badge-{assertion.id}"
    assert link in mail.text and f'href="{link}"' in mail.html
    assert "Diploma Supplement is the document" in mail.text
    assert "visible to other users" in mail.text
    later(ports, minutes=30)
    assert run(ports).sent == 0
    assert len(ports.mailbox.sent) == 1


def test_a_corrected_supplement_says_so_and_the_superseded_notice_is_dropped(
    ports: NoticeFakes, tenant: Tenant
) -> None:
    assertion = tenant.issue()
    attach_supplement(ports.table, tenant.issuer_id, assertion.id, 1, FIXED_NOW)
    attach_supplement(ports.table, tenant.issuer_id, assertion.id, 2, FIXED_NOW)
    result = run(ports)
    assert (result.sent, result.skipped) == (1, 1)
    [mail] = ports.mailbox.sent
    assert "was corrected" in mail.subject
    assert "replaces the earlier one" in mail.text


def test_a_withdrawn_supplement_is_settled_without_mail(ports: NoticeFakes, tenant: Tenant) -> None:
    assertion = tenant.issue()
    supplement = attach_supplement(ports.table, tenant.issuer_id, assertion.id, 1, FIXED_NOW)
    withdraw_supplement(ports.table, supplement, FIXED_NOW)
    assert run(ports).skipped == 1
    assert ports.mailbox.sent == []
    assert [e.type for e in pending(ports)] == [EventType.NOTICE_UNCLAIMED] * 2


@pytest.mark.parametrize("gone", ["revoked", "declined"])
def test_a_revoked_or_declined_badge_hears_nothing_of_its_supplement(
    ports: NoticeFakes, tenant: Tenant, gone: str
) -> None:
    assertion = tenant.issue()
    attach_supplement(ports.table, tenant.issuer_id, assertion.id, 1, FIXED_NOW)
    if gone == "revoked":
        assertions.revoke(
            tenant.principal, assertion.id, RevokeInput(reason="error"), URLS, ports=ports
        )
    else:
        decline(ports, assertion.id)
    assert run(ports).skipped == 1
    later(ports, days=31)
    assert run(ports).skipped == 2  # the reminders too
    assert ports.mailbox.sent == []
    assert pending(ports) == []


def test_the_supplement_notice_is_in_the_recipients_language(
    ports: NoticeFakes, tenant: Tenant
) -> None:
    assertion = tenant.issue(locale="it")
    attach_supplement(ports.table, tenant.issuer_id, assertion.id, 1, FIXED_NOW)
    run(ports)
    [mail] = ports.mailbox.sent
    assert mail.locale == "it"
    assert mail.subject == "È arrivato il tuo Supplemento al diploma per “Data Literacy”"
    assert 'lang="it"' in mail.html
    assert "zaino" in mail.text


# Reminders for unclaimed badges


def test_an_unclaimed_badge_is_reminded_after_7_and_30_days_with_a_fresh_claim_link(
    ports: NoticeFakes, tenant: Tenant
) -> None:
    assertion = tenant.issue()
    assert run(ports).sent == 0  # nothing is due yet
    later(ports, days=7)
    assert run(ports).sent == 1
    first = ports.mailbox.sent[-1]
    assert "7 days ago" in first.text and "last reminder" not in first.text
    token = CLAIM_LINK.search(first.text)
    assert token is not None and token.group(0) in first.html
    opened = recipients.open_claim(token.group(1), ports=ports)
    assert not isinstance(opened, recipients.LinkProblem)
    assert opened[1].assertion.id == assertion.id
    later(ports, days=23)
    assert run(ports).sent == 1
    second = ports.mailbox.sent[-1]
    assert "30 days ago" in second.text and "last reminder" in second.text
    again = CLAIM_LINK.search(second.text)
    assert again is not None
    # the newest link is the one that works
    assert recipients.open_claim(token.group(1), ports=ports) is recipients.LinkProblem.USED
    later(ports, days=365)
    assert run(ports).sent == 0
    assert len(ports.mailbox.sent) == 2


@pytest.mark.parametrize("answer", [accept, decline])
def test_a_claimed_or_declined_badge_gets_no_reminder(
    ports: NoticeFakes, tenant: Tenant, answer: object
) -> None:
    assertion = tenant.issue()
    answer(ports, assertion.id)  # type: ignore[operator]
    later(ports, days=31)
    assert run(ports).skipped == 2
    assert ports.mailbox.sent == []
    assert pending(ports) == []


def test_a_revoked_badge_gets_no_reminder(ports: NoticeFakes, tenant: Tenant) -> None:
    assertion = tenant.issue()
    assertions.revoke(tenant.principal, assertion.id, RevokeInput(reason="x"), URLS, ports=ports)
    later(ports, days=8)
    assert run(ports).skipped == 1
    assert ports.mailbox.sent == []


# Expiry notices


def test_an_accepted_badge_hears_30_days_before_it_expires(
    ports: NoticeFakes, tenant: Tenant
) -> None:
    expires = FIXED_NOW + timedelta(days=90)
    assertion = tenant.issue(expires=expires.isoformat())
    accept(ports, assertion.id)
    later(ports, days=59)
    run(ports)
    assert ports.mailbox.sent == []
    later(ports, days=1)
    assert run(ports).sent == 1
    [mail] = ports.mailbox.sent
    assert mail.subject == "Your badge “Data Literacy” expires on 30 August 2026"
    assert f"https://badges.example/backpack#badge-{assertion.id}" in mail.text


def test_a_badge_expiring_within_30_days_hears_at_once(ports: NoticeFakes, tenant: Tenant) -> None:
    assertion = tenant.issue(expires=(FIXED_NOW + timedelta(days=10)).isoformat())
    accept(ports, assertion.id)
    assert run(ports).sent == 1


@pytest.mark.parametrize("state", ["pending", "declined", "revoked"])
def test_only_accepted_unrevoked_badges_hear_that_they_expire(
    ports: NoticeFakes, tenant: Tenant, state: str
) -> None:
    assertion = tenant.issue(expires=(FIXED_NOW + timedelta(days=10)).isoformat())
    if state == "declined":
        decline(ports, assertion.id)
    if state == "revoked":
        accept(ports, assertion.id)
        assertions.revoke(
            tenant.principal, assertion.id, RevokeInput(reason="x"), URLS, ports=ports
        )
    result = run(ports)
    assert (result.sent, result.skipped) == (0, 1)
    assert not [m for m in ports.mailbox.sent if "expires" in m.subject]


# Exactly once, bounded, paced, and nothing blocks


def _supplements_for(ports: NoticeFakes, tenant: Tenant, count: int) -> list[Assertion]:
    issued = [tenant.issue(f"grad{n}@example.org") for n in range(count)]
    for assertion in issued:
        attach_supplement(ports.table, tenant.issuer_id, assertion.id, 1, FIXED_NOW)
    return issued


def test_two_runs_at_once_send_each_notice_once(ports: NoticeFakes, tenant: Tenant) -> None:
    _supplements_for(ports, tenant, 12)
    start = threading.Barrier(2)
    sent_by: list[int] = []
    original = ports.mailbox.send

    def slow_send(mail: Mail) -> None:
        original(mail)
        threading.Event().wait(0.001)  # let the other runner in between

    ports.mailbox.send = slow_send  # type: ignore[method-assign]

    def runner() -> None:
        start.wait()
        sent_by.append(run(ports).sent)

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(sent_by) == 12
    assert sorted(m.to for m in ports.mailbox.sent) == sorted(
        f"grad{n}@example.org" for n in range(12)
    )


def test_a_runner_holding_a_stale_list_sends_nothing_twice(
    ports: NoticeFakes, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    _supplements_for(ports, tenant, 3)
    stale = ports.outbox.pending(Consumer.NOTIFIER, FIXED_NOW, 100)
    assert run(ports).sent == 3
    monkeypatch.setattr(ports.outbox, "pending", lambda *_: stale)
    assert run(ports).sent == 0
    assert len(ports.mailbox.sent) == 3


def test_runs_are_bounded_in_items_and_resume_where_the_last_stopped(
    ports: NoticeFakes, tenant: Tenant
) -> None:
    _supplements_for(ports, tenant, 5)
    assert [run(ports, limit=2).sent for _ in range(4)] == [2, 2, 1, 0]
    assert len({m.to for m in ports.mailbox.sent}) == 5


def test_runs_are_bounded_in_time_and_resume_where_the_last_stopped(
    ports: NoticeFakes, tenant: Tenant
) -> None:
    _supplements_for(ports, tenant, 6)
    # 1 a second and a budget of 2 seconds: the pacer's waits use up the run's time
    first = run(ports, rate=1, budget=timedelta(seconds=2))
    assert 1 <= first.sent < 6
    total = first.sent
    while total < 6:
        later(ports, minutes=1)
        step = run(ports, rate=1, budget=timedelta(seconds=2))
        assert step.sent >= 1
        total += step.sent
    assert len(ports.mailbox.sent) == 6 == len({m.to for m in ports.mailbox.sent})


def test_sends_are_paced_under_the_send_rate(ports: NoticeFakes, tenant: Tenant) -> None:
    _supplements_for(ports, tenant, 6)
    sent_at: list[datetime] = []
    original = ports.mailbox.send

    def timed(mail: Mail) -> None:
        sent_at.append(ports.stepping.now())
        original(mail)

    ports.mailbox.send = timed  # type: ignore[method-assign]
    assert run(ports, rate=4).sent == 6
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(sent_at)]
    assert gaps == [0.25] * 5
    assert sum(ports.stepping.slept) == pytest.approx(1.25)


def test_dropped_notices_do_not_spend_the_send_rate(ports: NoticeFakes, tenant: Tenant) -> None:
    for assertion in _supplements_for(ports, tenant, 4):
        decline(ports, assertion.id)
    assert run(ports, rate=1).skipped == 4
    assert ports.stepping.slept == []


def test_a_refused_notice_is_retried_with_backoff_and_blocks_no_other(
    ports: NoticeFakes, tenant: Tenant
) -> None:
    _supplements_for(ports, tenant, 3)
    ports.mailbox.refuse = {"grad1@example.org"}
    result = run(ports)
    assert (result.sent, result.retried) == (2, 1)
    later(ports, minutes=1)
    assert run(ports).retried == 0  # not due yet: it waits for its backoff
    ports.mailbox.refuse = set()
    later(ports, minutes=5)
    assert run(ports).sent == 1
    assert sorted(m.to for m in ports.mailbox.sent) == [f"grad{n}@example.org" for n in range(3)]


def test_a_notice_refused_every_time_is_given_up_and_counted(
    ports: NoticeFakes, tenant: Tenant
) -> None:
    _supplements_for(ports, tenant, 1)
    ports.mailbox.refuse = {"grad0@example.org"}
    results = []
    for _ in range(len(notify.BACKOFF) + 1):  # a day apart: past every backoff step
        results.append(run(ports))
        later(ports, days=1)
    assert sum(r.retried for r in results) == len(notify.BACKOFF)
    assert sum(r.gave_up for r in results) == 1
    assert [e for e in pending(ports) if e.type is EventType.NOTICE_SUPPLEMENT] == []


def test_a_store_failing_for_one_notice_holds_up_no_other_and_it_goes_later(
    ports: NoticeFakes, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = _supplements_for(ports, tenant, 3)
    broken = issued[1].id
    reader = ports.supplements.current

    def flaky(assertion_id: str) -> object:
        if assertion_id == broken:
            raise ServiceUnavailable("the table is unavailable")
        return reader(assertion_id)

    monkeypatch.setattr(ports.supplements, "current", flaky)
    result = run(ports)
    assert (result.sent, result.errors) == (2, 1)
    monkeypatch.setattr(ports.supplements, "current", reader)
    assert run(ports).sent == 0  # its lease still holds it
    later(ports, minutes=notify.LEASE.total_seconds() / 60 + 1)
    assert run(ports).sent == 1
    assert len(ports.mailbox.sent) == 3


def test_a_table_that_cannot_list_what_is_due_ends_the_run_with_an_error_counted(
    ports: NoticeFakes, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    _supplements_for(ports, tenant, 2)
    listing = ports.outbox.pending

    def down(*_: object) -> list[Event]:
        raise ServiceUnavailable("the table is unavailable")

    monkeypatch.setattr(ports.outbox, "pending", down)
    assert run(ports).errors == 1
    monkeypatch.setattr(ports.outbox, "pending", listing)
    assert run(ports).sent == 2


def test_a_listing_that_fails_once_is_read_again(
    ports: NoticeFakes, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    _supplements_for(ports, tenant, 2)
    listing = ports.outbox.pending
    failures = {"left": 1}

    def flaky(*args: object) -> list[Event]:
        if failures["left"]:
            failures["left"] -= 1
            raise ServiceUnavailable("the table is unavailable")
        return listing(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(ports.outbox, "pending", flaky)
    assert run(ports).sent == 2


def test_a_settle_that_fails_once_after_sending_does_not_send_again(
    ports: NoticeFakes, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    _supplements_for(ports, tenant, 2)
    settle = ports.outbox.settle
    failures = {"left": 2}

    def flaky(event: Event) -> None:
        if failures["left"]:
            failures["left"] -= 1
            raise ServiceUnavailable("the table is unavailable")
        settle(event)

    monkeypatch.setattr(ports.outbox, "settle", flaky)
    assert run(ports).sent == 2
    later(ports, days=1)
    monkeypatch.setattr(ports.outbox, "settle", settle)
    run(ports)
    assert len([m for m in ports.mailbox.sent if "Supplement" in m.subject]) == 2


# The words


@pytest.mark.parametrize(
    "name",
    ['<script>alert("x")</script>', "Evil\u2028Bcc: all@example.org", "A\u202egnp.exe"],
)
def test_hostile_badge_names_stay_text_in_every_notice(name: str) -> None:
    ports = NoticeFakes(FIXED_NOW)
    tenant = Tenant(ports, name=name)
    assertion = tenant.issue(expires=(FIXED_NOW + timedelta(days=5)).isoformat())
    accept(ports, assertion.id)
    attach_supplement(ports.table, tenant.issuer_id, assertion.id, 1, FIXED_NOW)
    tenant.issue("bob@example.org")
    run(ports)  # the supplement and the expiry notices (it expires in 5 days)
    later(ports, days=8)
    run(ports)  # bob's reminder
    kinds = sorted(m.subject.split(" ")[0] for m in ports.mailbox.sent)
    assert kinds == ["Reminder:", "Your", "Your"]  # reminder, supplement, expiry
    for mail in ports.mailbox.sent:
        assert not {"\n", "\r", "\u2028"} & set(mail.subject)
        assert "<script>" not in mail.html
        assert "\u202e" not in mail.html + mail.text + mail.subject
    if "<script>" in name:
        assert "&lt;script&gt;" in ports.mailbox.sent[0].html


def test_the_backpack_card_carries_the_anchor_the_notices_link_to() -> None:
    from tests.unit.test_recipient_pages import an_item, the_backpack

    page = the_backpack("en", [an_item(1, "pending"), an_item(2, "accepted")])
    for n in (1, 2):
        anchor = notify.backpack_link(URLS, f"a{n}").split("#", 1)[1]
        assert page.html.count(f'id="{anchor}"') == 1
