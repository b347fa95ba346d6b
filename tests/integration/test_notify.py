"""The notify job through its real entry point on moto: SES and DynamoDB fail at random while it
runs, and after it has run until nothing is pending every notice went out exactly once."""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from badgehub.adapters.tables.dynamodb import DynamoTable
from badgehub.domain.events import Consumer
from badgehub.runtime import jobs, settings, wiring
from tests.integration.conftest import NAMES, Api, Tenant, issue, sent_mail
from tests.support.builders import FixedClock
from tests.support.moto_turns import DYNAMO_CALLS, MOTO
from tests.support.notices import attach_supplement

GRADUATES = 6


class Faults:
    """Wraps client methods so a seeded share of calls fail: `before` (the request never
    arrives) or, for DynamoDB, `after` (it was applied and only its answer was lost)."""

    def __init__(self, seed: int, rate: float) -> None:
        self.random = random.Random(seed)
        self.rate = rate
        self.on = True
        self.injected: Counter[str] = Counter()
        self._lock = threading.Lock()

    def _roll(self) -> float:
        with self._lock:
            return self.random.random()

    def wrap(
        self, client: Any, name: str, code: str, after: bool, refuse: Callable[..., bool]
    ) -> Callable[..., Any]:
        real = getattr(client, name)

        def call(**kwargs: Any) -> Any:
            if not self.on:
                with MOTO:
                    return real(**kwargs)
            roll = self._roll()
            if refuse(**kwargs) or roll < self.rate / 2:
                self.injected[f"{name}:before"] += 1
                raise ClientError({"Error": {"Code": code, "Message": "injected"}}, name)
            with MOTO:  # moto in-process is not safe under parallel transactions
                result = real(**kwargs)
            if after and roll < self.rate:
                self.injected[f"{name}:after"] += 1
                raise ClientError({"Error": {"Code": code, "Message": "injected"}}, name)
            return result

        return call


@dataclass
class Injected:
    ses: Faults
    table: Faults

    @contextmanager
    def paused(self) -> Iterator[None]:
        self.ses.on = self.table.on = False
        try:
            yield
        finally:
            self.ses.on = self.table.on = True


@pytest.fixture
def faults(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Injected]]:
    from badgehub.adapters import aws as aws_clients

    monkeypatch.setenv("SEND_RATE_PER_SECOND", "1000")  # pacing is the unit tests' business
    settings.clear()

    def start(
        seed: int = 7, ses_rate: float = 0.3, dynamo_rate: float = 0.2, refuse: str = ""
    ) -> Injected:
        made = Faults(seed, ses_rate)
        ses = aws_clients.sesv2()
        refused = lambda **kw: refuse in kw.get("Destination", {}).get("ToAddresses", [])  # noqa: E731
        monkeypatch.setattr(
            ses,
            "send_email",
            made.wrap(ses, "send_email", "Throttling", after=False, refuse=refused),
        )
        dynamo = aws_clients.dynamodb()
        table_faults = Faults(seed + 1, dynamo_rate)
        for name in DYNAMO_CALLS:
            wrapped = table_faults.wrap(
                dynamo,
                name,
                "ProvisionedThroughputExceededException",
                after=name != "query",
                refuse=lambda **_: False,
            )
            monkeypatch.setattr(dynamo, name, wrapped)
        return Injected(made, table_faults)

    yield start


def set_clock(moment: datetime) -> None:
    wiring.ports().clock = FixedClock(moment)


def notices_pending() -> int:
    far = datetime.now(UTC) + timedelta(days=3650)
    return len(wiring.ports().outbox.pending(Consumer.NOTIFIER, far, 1000))


def notice_mail() -> Counter[tuple[str, str]]:
    """(recipient, kind) of every notice SES took."""
    found: Counter[tuple[str, str]] = Counter()
    for message in sent_mail():
        subject = str(message["Subject"])
        if "Diploma Supplement" in subject:
            found[(str(message["To"]), "supplement")] += 1
        elif subject.startswith("Reminder:"):
            found[(str(message["To"]), "reminder")] += 1
    return found


def graduate(n: int) -> str:
    return f"grad{n}@example.org"


def run_until_nothing_pending(
    faults: Injected, start: datetime, step: timedelta
) -> list[dict[str, int]]:
    """Two runners at once, again and again, the clock moving on by `step`, until the outbox
    holds no notice (read with the faults off)."""
    runs: list[dict[str, int]] = []
    moment = start
    for _ in range(400):
        set_clock(moment)
        threads = [
            threading.Thread(target=lambda: runs.append(jobs.send_due_notices(60_000)))
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with faults.paused():
            left = notices_pending()
        if not left:
            return runs
        moment += step
    raise AssertionError("notices still pending after 400 rounds")


def test_under_ses_and_dynamodb_faults_every_notice_goes_exactly_once(
    api: Api, tenant: Tenant, faults: Callable[..., Injected]
) -> None:
    issued = [issue(api, tenant, email=graduate(n)) for n in range(GRADUATES)]
    table = DynamoTable(NAMES.table)
    start = datetime.now(UTC)
    for assertion in issued:
        attach_supplement(table, tenant.issuer_id, assertion["id"], 1, start)

    injected = faults()
    runs = run_until_nothing_pending(injected, start, timedelta(hours=12))

    expected = Counter(
        {(graduate(n), kind): count for n in range(GRADUATES) for kind, count in
         (("supplement", 1), ("reminder", 2))}
    )  # fmt: skip
    assert notice_mail() == expected  # none lost, none doubled
    assert sum(r["sent"] for r in runs) == 3 * GRADUATES
    assert sum(r["gaveUp"] for r in runs) == 0
    # the faults did happen, on both services, before and after DynamoDB applied a write
    assert injected.ses.injected["send_email:before"] > 0
    dynamo = injected.table.injected
    assert dynamo["put_item:after"] > 0 and dynamo["put_item:before"] > 0
    assert sum(r["retried"] for r in runs) > 0 and sum(r["errors"] for r in runs) > 0


def test_a_notice_ses_keeps_refusing_is_given_up_and_holds_up_no_other(
    api: Api, tenant: Tenant, faults: Callable[..., Injected]
) -> None:
    issued = [issue(api, tenant, email=graduate(n)) for n in range(GRADUATES)]
    table = DynamoTable(NAMES.table)
    start = datetime.now(UTC)
    for assertion in issued:
        attach_supplement(table, tenant.issuer_id, assertion["id"], 1, start)
    faults(ses_rate=0.0, dynamo_rate=0.0, refuse=graduate(2))

    set_clock(start)
    first = jobs.send_due_notices(60_000)
    assert (first["sent"], first["retried"]) == (GRADUATES - 1, 1)
    supplements = {to for (to, kind) in notice_mail() if kind == "supplement"}
    assert supplements == {graduate(n) for n in range(GRADUATES) if n != 2}

    gave_up = 0
    moment = start
    for _ in range(8):  # a day apart: past every backoff step, before the 7-day reminders
        moment += timedelta(hours=20)
        set_clock(moment)
        gave_up += jobs.send_due_notices(60_000)["gaveUp"]
    assert gave_up == 1
    assert (graduate(2), "supplement") not in notice_mail()
