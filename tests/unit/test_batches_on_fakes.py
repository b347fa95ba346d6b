"""Bulk issuing on the in-memory adapters: once per identity, counted once, whatever comes twice."""

from __future__ import annotations

import json
from typing import Any

import pytest

from badgehub.domain import statuslist
from badgehub.domain.batches import BatchStatus, RowOutcome
from badgehub.domain.errors import InvalidInput, NotFound, ServiceUnavailable
from badgehub.domain.events import Consumer, EventType
from badgehub.domain.models import BadgeClassInput, IssuerInput
from badgehub.domain.urls import PublicUrls
from badgehub.usecases import assertions, badges, batches, issuers
from badgehub.usecases.auth import Principal
from tests.support.builders import FIXED_NOW, a_badge, an_issuer
from tests.support.fakes import FakePorts

URLS = PublicUrls(base="https://badges.example", assets="https://assets.example")
ADMIN = Principal(is_admin=True)
HEADER = "email,name,narrative,external_id\n"


@pytest.fixture
def ports() -> FakePorts:
    return FakePorts()


def a_tenant(ports: FakePorts) -> tuple[Principal, str]:
    issuer = issuers.create_issuer(ADMIN, IssuerInput(**an_issuer()), URLS, ports=ports)
    principal = Principal(issuer_id=issuer.id)
    badge = badges.create_badge(principal, issuer.id, BadgeClassInput(**a_badge()), ports=ports)
    return principal, badge.id


def graduates(*numbers: int, bad: tuple[int, ...] = ()) -> bytes:
    lines = [HEADER]
    for n in numbers:
        email = "not-an-address" if n in bad else f"grad{n}@example.org"
        lines.append(f"{email},Graduate {n},Thesis {n},S-{n}\n")
    return "".join(lines).encode()


def post(ports: FakePorts, principal: Principal, badge_id: str, data: bytes) -> str:
    view = batches.create_batch(principal, badge_id, data, "text/csv", dry_run=False, ports=ports)
    assert view.batch.status is BatchStatus.VALIDATING
    run_starts(ports)
    return view.batch.id


def run_starts(ports: FakePorts) -> None:
    """The worker's first step for each posted file: check it and queue its rows."""
    waiting = ports.memory_queue.drain()
    for message in waiting:
        if '"start"' in message:
            batches.handle_message(message, URLS, ports=ports)
        else:
            ports.memory_queue.messages.append(message)


def work(ports: FakePorts) -> int:
    """The worker: every queued message, as SQS would hand them over, until none is left;
    how many were row messages."""
    rows = 0
    while messages := ports.memory_queue.drain():
        for message in messages:
            rows += '"start"' not in message
            batches.handle_message(message, URLS, ports=ports)
    return rows


def assertion_items(ports: FakePorts) -> list[dict[str, str | int | bool]]:
    return [i for (pk, sk), i in ports.table.items.items() if sk == "ASSERTION"]


def test_every_valid_row_is_issued_once_with_its_mail_and_the_batch_settles(
    ports: FakePorts,
) -> None:
    principal, badge_id = a_tenant(ports)
    batch_id = post(ports, principal, badge_id, graduates(*range(1, 26), bad=(7, 19)))
    queued = batches.get_batch(principal, batch_id, ports=ports)
    assert queued.batch.status is BatchStatus.ISSUING
    assert (queued.batch.total, queued.counts.failed) == (25, 2)
    assert work(ports) == 1  # 23 rows, 50 a message
    done = batches.get_batch(principal, batch_id, ports=ports)
    assert done.batch.status is BatchStatus.DONE
    assert (done.counts.issued, done.counts.skipped, done.counts.failed) == (23, 0, 2)
    stored = assertion_items(ports)
    assert len(stored) == 23
    for found in stored:
        doc = str(found["doc"])
        assert '"ob2_jws":"ey' in doc and '"credential_jwt":"ey' in doc and "proofValue" in doc
    mails = ports.outbox.pending(Consumer.MAILER, FIXED_NOW, 100)
    assert len([m for m in mails if m.type is EventType.MAIL_BADGE]) == 23
    completed = [
        e
        for e in ports.outbox.pending(Consumer.EVENTS, FIXED_NOW, 100)
        if e.type is EventType.BATCH_COMPLETED
    ]
    assert [(e.subject_id, e.data["issued"], e.data["failed"]) for e in completed] == [
        (batch_id, 23, 2)
    ]
    errors = batches.batch_errors(principal, batch_id, ports=ports)
    assert [(e.row, e.field) for e in errors] == [(7, "email"), (19, "email")]


def test_reposting_the_file_or_an_overlapping_one_issues_nothing_twice(ports: FakePorts) -> None:
    principal, badge_id = a_tenant(ports)
    post(ports, principal, badge_id, graduates(1, 2, 3))
    work(ports)
    again = post(ports, principal, badge_id, graduates(1, 2, 3))
    work(ports)
    overlap = post(ports, principal, badge_id, graduates(3, 4))
    work(ports)
    assert len(assertion_items(ports)) == 4
    second = batches.get_batch(principal, again, ports=ports).counts
    third = batches.get_batch(principal, overlap, ports=ports).counts
    assert (second.issued, second.skipped) == (0, 3)
    assert (third.issued, third.skipped) == (1, 1)


def test_without_external_id_the_identity_is_email_and_issue_date(ports: FakePorts) -> None:
    principal, badge_id = a_tenant(ports)
    first = b"email,issued_on\nada@example.org,2025-06-30T12:00:00Z\n"
    post(ports, principal, badge_id, first + b"ADA@example.org,2025-06-30T12:00:00Z\n")
    post(ports, principal, badge_id, b"email,issued_on\nada@example.org,2025-07-01T12:00:00Z\n")
    work(ports)
    assert len(assertion_items(ports)) == 2


def test_a_redelivered_message_changes_nothing(ports: FakePorts) -> None:
    principal, badge_id = a_tenant(ports)
    batch_id = post(ports, principal, badge_id, graduates(1, 2, 3))
    [message] = ports.memory_queue.drain()
    for _ in range(3):
        batches.issue_rows(message, URLS, ports=ports)
    counts = batches.get_batch(principal, batch_id, ports=ports).counts
    assert (counts.issued, counts.skipped) == (3, 0)
    assert len(assertion_items(ports)) == 3
    events = ports.outbox.pending(Consumer.EVENTS, FIXED_NOW, 100)
    assert len([e for e in events if e.type is EventType.BATCH_COMPLETED]) == 1


def test_a_worker_that_dies_between_issuing_and_counting_is_counted_as_issued_on_redelivery(
    ports: FakePorts, monkeypatch: pytest.MonkeyPatch
) -> None:
    principal, badge_id = a_tenant(ports)
    batch_id = post(ports, principal, badge_id, graduates(1, 2, 3))
    [message] = ports.memory_queue.drain()

    def killed(*args: object, **kwargs: object) -> int:
        raise SystemExit("killed")  # every badge is stored, no row is counted

    with monkeypatch.context() as patch:
        patch.setattr(ports.batches, "settle_rows", killed)
        with pytest.raises(SystemExit):
            batches.issue_rows(message, URLS, ports=ports)
    assert len(assertion_items(ports)) == 3
    assert batches.get_batch(principal, batch_id, ports=ports).counts.issued == 0
    batches.issue_rows(message, URLS, ports=ports)  # SQS delivers it again
    counts = batches.get_batch(principal, batch_id, ports=ports).counts
    assert (counts.issued, counts.skipped, counts.failed) == (3, 0, 0)
    assert len(assertion_items(ports)) == 3


def test_a_worker_killed_while_signing_has_stored_nothing_and_the_redelivery_issues_each_once(
    ports: FakePorts, monkeypatch: pytest.MonkeyPatch
) -> None:
    principal, badge_id = a_tenant(ports)
    batch_id = post(ports, principal, badge_id, graduates(1, 2, 3))
    [message] = ports.memory_queue.drain()
    sign = assertions.sign_new
    calls = {"n": 0}

    def killed_on_the_second(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("killed")
        return sign(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(assertions, "sign_new", killed_on_the_second)
        with pytest.raises(SystemExit):
            batches.issue_rows(message, URLS, ports=ports)
    assert assertion_items(ports) == []  # rows are stored together, after all are signed
    batches.issue_rows(message, URLS, ports=ports)
    counts = batches.get_batch(principal, batch_id, ports=ports).counts
    assert (counts.issued, counts.skipped) == (3, 0)
    assert len(assertion_items(ports)) == 3


def test_a_message_s_rows_are_stored_in_one_call_to_the_store(
    ports: FakePorts, monkeypatch: pytest.MonkeyPatch
) -> None:
    principal, badge_id = a_tenant(ports)
    post(ports, principal, badge_id, graduates(1, 2, 3, 4))
    [message] = ports.memory_queue.drain()
    calls: list[int] = []
    create_many = ports.assertions.create_assertions

    def counted(new: Any) -> Any:
        calls.append(len(new))
        return create_many(new)

    monkeypatch.setattr(ports.assertions, "create_assertions", counted)
    monkeypatch.setattr(ports.assertions, "create_assertion", None)  # never one by one
    batches.issue_rows(message, URLS, ports=ports)
    assert calls == [4]
    assert len(assertion_items(ports)) == 4


def test_a_key_service_failing_mid_message_keeps_the_rows_signed_before_it(
    ports: FakePorts, monkeypatch: pytest.MonkeyPatch
) -> None:
    principal, badge_id = a_tenant(ports)
    batch_id = post(ports, principal, badge_id, graduates(1, 2, 3))
    [message] = ports.memory_queue.drain()
    sign = assertions.sign_new
    calls = {"n": 0}

    def outage_from_the_third(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        ports.memory_keys.failing = calls["n"] >= 3
        return sign(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(assertions, "sign_new", outage_from_the_third)
        with pytest.raises(ServiceUnavailable):
            batches.issue_rows(message, URLS, ports=ports)
    assert len(assertion_items(ports)) == 2
    assert batches.get_batch(principal, batch_id, ports=ports).counts.issued == 2
    ports.memory_keys.failing = False
    batches.issue_rows(message, URLS, ports=ports)
    view = batches.get_batch(principal, batch_id, ports=ports)
    assert (view.batch.status, view.counts.issued, view.counts.skipped) == (BatchStatus.DONE, 3, 0)
    assert len(assertion_items(ports)) == 3


def test_a_failing_key_service_leaves_the_rows_for_redelivery(ports: FakePorts) -> None:
    principal, badge_id = a_tenant(ports)
    batch_id = post(ports, principal, badge_id, graduates(1, 2))
    [message] = ports.memory_queue.drain()
    ports.memory_keys.failing = True
    with pytest.raises(ServiceUnavailable):
        batches.issue_rows(message, URLS, ports=ports)
    assert batches.get_batch(principal, batch_id, ports=ports).batch.status is BatchStatus.ISSUING
    ports.memory_keys.failing = False
    batches.issue_rows(message, URLS, ports=ports)
    view = batches.get_batch(principal, batch_id, ports=ports)
    assert (view.batch.status, view.counts.issued) == (BatchStatus.DONE, 2)


def test_dead_lettered_rows_are_failed_unless_they_were_issued_after_all(
    ports: FakePorts,
) -> None:
    principal, badge_id = a_tenant(ports)
    batch_id = post(ports, principal, badge_id, graduates(1, 2, 3))
    [message] = ports.memory_queue.drain()
    batches.fail_rows(message, ports=ports)
    view = batches.get_batch(principal, batch_id, ports=ports)
    assert (view.batch.status, view.counts.failed) == (BatchStatus.DONE, 3)
    errors = batches.batch_errors(principal, batch_id, ports=ports)
    assert [e.row for e in errors] == [1, 2, 3]
    assert ports.batches.outcome(batch_id, 1) is RowOutcome.FAILED


def test_a_dry_run_checks_every_row_and_issues_nothing(ports: FakePorts) -> None:
    principal, badge_id = a_tenant(ports)
    posted = batches.create_batch(
        principal, badge_id, graduates(1, 2, 3, bad=(2,)), "text/csv", dry_run=True, ports=ports
    )
    run_starts(ports)
    view = batches.get_batch(principal, posted.batch.id, ports=ports)
    assert (view.batch.status, view.batch.total, view.counts.failed) == (BatchStatus.DONE, 3, 1)
    assert ports.memory_queue.messages == []
    assert assertion_items(ports) == []


def test_future_issue_dates_are_rejected_rows_as_a_single_issue_rejects_them(
    ports: FakePorts,
) -> None:
    principal, badge_id = a_tenant(ports)
    batch_id = post(
        ports, principal, badge_id, b"email,issued_on\nada@example.org,2099-01-01T00:00:00Z\n"
    )
    errors = batches.batch_errors(principal, batch_id, ports=ports)
    assert [(e.row, e.field) for e in errors] == [(1, "issued_on")]
    assert batches.get_batch(principal, batch_id, ports=ports).batch.status is BatchStatus.DONE


def test_another_issuer_sees_no_batch_and_cannot_post_to_a_badge_not_its_own(
    ports: FakePorts,
) -> None:
    principal, badge_id = a_tenant(ports)
    other, _ = a_tenant(ports)
    batch_id = post(ports, principal, badge_id, graduates(1))
    for caller in (other, ADMIN):
        with pytest.raises(NotFound):
            batches.get_batch(caller, batch_id, ports=ports)
        with pytest.raises(NotFound):
            batches.batch_errors(caller, batch_id, ports=ports)
        with pytest.raises(NotFound):
            batches.start_upload(caller, batch_id, ports=ports)
    with pytest.raises(Exception, match="another issuer"):
        post(ports, other, badge_id, graduates(2))


def test_a_queue_outage_fails_the_batch_and_a_repost_issues_only_the_rest(
    ports: FakePorts,
) -> None:
    principal, badge_id = a_tenant(ports)
    ports.memory_queue.failing = True
    with pytest.raises(ServiceUnavailable):
        post(ports, principal, badge_id, graduates(1, 2))
    ports.memory_queue.failing = False
    post(ports, principal, badge_id, graduates(1, 2))
    work(ports)
    assert len(assertion_items(ports)) == 2


def test_a_presigned_upload_starts_once_when_its_file_has_landed(ports: FakePorts) -> None:
    principal, badge_id = a_tenant(ports)
    view, url = batches.create_upload(principal, badge_id, "text/csv", dry_run=False, ports=ports)
    assert view.batch.status is BatchStatus.AWAITING_UPLOAD
    assert url.startswith("https://uploads.example/batches/")
    with pytest.raises(NotFound):
        batches.start_upload(principal, view.batch.id, ports=ports)
    ports.memory_uploads.objects[batches.upload_key(view.batch.id)] = graduates(1, 2, bad=(2,))
    started = batches.start_upload(principal, view.batch.id, ports=ports)
    assert started.batch.status is BatchStatus.VALIDATING
    again = batches.start_upload(principal, view.batch.id, ports=ports)
    assert again.batch.status is BatchStatus.VALIDATING
    assert len(ports.memory_queue.messages) == 1  # started once
    assert work(ports) == 1
    done = batches.get_batch(principal, view.batch.id, ports=ports)
    assert (done.batch.status, done.counts.issued, done.counts.failed) == (BatchStatus.DONE, 1, 1)
    assert ports.memory_uploads.objects == {}


def status_claims(ports: FakePorts) -> list[str]:
    return [sk for (pk, sk) in ports.table.items if pk.startswith("STATUSINDEX#")]


def test_a_messages_rows_get_their_status_entries_in_one_block(
    ports: FakePorts, monkeypatch: pytest.MonkeyPatch
) -> None:
    principal, badge_id = a_tenant(ports)
    post(ports, principal, badge_id, graduates(*range(1, 11)))
    transactions = []
    real = ports.table.transact
    monkeypatch.setattr(ports.table, "transact", lambda w: (transactions.append(w), real(w)))
    work(ports)
    blocks = [w for w in transactions if all("STATUSINDEX#" in str(x) for x in w)]
    assert [len(b) for b in blocks] == [10]
    indexes = [json.loads(str(i["doc"]))["status_index"] for i in assertion_items(ports)]
    assert len(set(indexes)) == 10
    assert sorted(f"{n:06d}" for n in indexes) == sorted(status_claims(ports))


def test_a_block_that_collides_swaps_the_taken_pick_and_is_still_one_write(
    ports: FakePorts, monkeypatch: pytest.MonkeyPatch
) -> None:
    principal, badge_id = a_tenant(ports)
    assert ports.status_lists.reserve_status_index(ports_issuer(ports), 1, 7)
    monkeypatch.setattr(statuslist, "random_indexes", lambda count: [7, *range(100, 99 + count)])
    batch_id = post(ports, principal, badge_id, graduates(1, 2, 3))
    transactions: list[Any] = []
    puts: list[Any] = []
    real_transact, real_put = ports.table.transact, ports.table.put
    monkeypatch.setattr(
        ports.table, "transact", lambda w: (transactions.append(w), real_transact(w))
    )
    monkeypatch.setattr(ports.table, "put", lambda i, c=None: (puts.append(i), real_put(i, c)))
    work(ports)
    assert batches.get_batch(principal, batch_id, ports=ports).counts.issued == 3
    indexes = {json.loads(str(i["doc"]))["status_index"] for i in assertion_items(ports)}
    assert len(indexes) == 3 and 7 not in indexes and {100, 101} <= indexes
    blocks = [w for w in transactions if all("STATUSINDEX#" in str(x) for x in w)]
    assert [len(b) for b in blocks] == [3, 3]  # the one that collided, then the one claimed
    assert not [i for i in puts if "STATUSINDEX#" in str(i["SK"])]  # no row claimed its own


def test_a_block_that_keeps_colliding_falls_back_to_one_entry_a_row(
    ports: FakePorts, monkeypatch: pytest.MonkeyPatch
) -> None:
    principal, badge_id = a_tenant(ports)
    assert ports.status_lists.reserve_status_index(ports_issuer(ports), 1, 7)
    monkeypatch.setattr(statuslist, "random_indexes", lambda count: [7, *range(100, 99 + count)])
    monkeypatch.setattr(statuslist, "replace_taken", lambda indexes, taken: indexes)
    batch_id = post(ports, principal, badge_id, graduates(1, 2, 3))
    work(ports)
    assert batches.get_batch(principal, batch_id, ports=ports).counts.issued == 3
    indexes = {json.loads(str(i["doc"]))["status_index"] for i in assertion_items(ports)}
    assert len(indexes) == 3 and 7 not in indexes


def ports_issuer(ports: FakePorts) -> str:
    [issuer] = [pk for (pk, sk) in ports.table.items if sk == "ISSUER"]
    return pk_id(issuer)


def pk_id(pk: str) -> str:
    return pk.split("#", 1)[1]


def test_a_file_refused_whole_is_refused_before_anything_is_kept(ports: FakePorts) -> None:
    principal, badge_id = a_tenant(ports)
    for data in (b"name\nAda\n", b"email,narative\nx@example.org,y\n", b"", b"email\n\xff\n"):
        with pytest.raises(InvalidInput):
            batches.create_batch(principal, badge_id, data, "text/csv", dry_run=False, ports=ports)
    assert ports.memory_uploads.objects == {}
    assert ports.memory_queue.messages == []
    assert not [pk for (pk, _) in ports.table.items if pk.startswith("BATCH#")]


def test_a_start_that_runs_out_of_receives_fails_the_batch(ports: FakePorts) -> None:
    principal, badge_id = a_tenant(ports)
    view = batches.create_batch(
        principal, badge_id, graduates(1), "text/csv", dry_run=False, ports=ports
    )
    [start] = ports.memory_queue.drain()
    batches.fail_rows(start, ports=ports)
    failed = batches.get_batch(principal, view.batch.id, ports=ports).batch
    assert failed.status is BatchStatus.FAILED and failed.message


def test_rows_issued_before_the_total_is_known_never_complete_the_batch_early(
    ports: FakePorts, monkeypatch: pytest.MonkeyPatch
) -> None:
    principal, badge_id = a_tenant(ports)
    view = batches.create_batch(
        principal, badge_id, graduates(*range(1, 61)), "text/csv", dry_run=False, ports=ports
    )
    validating = ports.batches.get_batch(view.batch.id)
    run_starts(ports)
    first, *rest = ports.memory_queue.drain()
    real = ports.batches.get_batch
    reads = {"n": 0}

    def stale_first(batch_id: str) -> object:
        reads["n"] += 1
        return validating if reads["n"] == 1 else real(batch_id)

    with monkeypatch.context() as patch:  # the message began while the file was being checked
        patch.setattr(ports.batches, "get_batch", stale_first)
        batches.handle_message(first, URLS, ports=ports)
    assert batches.get_batch(principal, view.batch.id, ports=ports).batch.status is (
        BatchStatus.ISSUING
    )
    for message in rest:
        batches.handle_message(message, URLS, ports=ports)
    done = batches.get_batch(principal, view.batch.id, ports=ports)
    assert (done.batch.status, done.counts.issued) == (BatchStatus.DONE, 60)


def test_the_same_identity_twice_in_one_message_is_issued_once_and_skipped_once(
    ports: FakePorts,
) -> None:
    """Both rows are signed before either is stored: the second loses at the store, as a
    concurrent request would, and gives its status-list entry back."""
    principal, badge_id = a_tenant(ports)
    twice = graduates(1, 2) + b"grad1-again@example.org,Graduate 1,Thesis 1,S-1\n"
    batch_id = post(ports, principal, badge_id, twice)
    work(ports)
    counts = batches.get_batch(principal, batch_id, ports=ports).counts
    assert (counts.issued, counts.skipped, counts.failed) == (2, 1, 0)
    assert len(assertion_items(ports)) == 2
    indexes = {json.loads(str(i["doc"]))["status_index"] for i in assertion_items(ports)}
    assert sorted(f"{n:06d}" for n in indexes) == sorted(status_claims(ports))


def test_an_upload_url_that_cannot_be_made_leaves_no_batch_behind(
    ports: FakePorts, monkeypatch: pytest.MonkeyPatch
) -> None:
    principal, badge_id = a_tenant(ports)

    def unavailable(*args: object) -> str:
        raise ServiceUnavailable("the upload store is unavailable")

    monkeypatch.setattr(ports.memory_uploads, "upload_url", unavailable)
    with pytest.raises(ServiceUnavailable):
        batches.create_upload(principal, badge_id, "text/csv", dry_run=False, ports=ports)
    assert not [pk for (pk, _) in ports.table.items if pk.startswith("BATCH#")]
