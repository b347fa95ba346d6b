"""For the notifier's tests: a mailbox that records, supplement versions written straight into
the table (with their notice, in one transaction, as attaching does), and the notifier's run."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta

from badgehub.adapters.tables import keyscheme
from badgehub.adapters.tables.core import Absent, Put, Table
from badgehub.adapters.tables.outbox import event_put
from badgehub.adapters.tables.records import item
from badgehub.domain import events
from badgehub.domain.supplements import Supplement
from badgehub.ports import Mail, MailerError
from tests.support.fakes import FakePorts


class RecordingMailer:
    """Keeps what was sent; `refuse` holds addresses the mail service turns down."""

    def __init__(self) -> None:
        self.sent: list[Mail] = []
        self.refuse: set[str] = set()
        self._lock = threading.Lock()

    def send(self, mail: Mail) -> None:
        if mail.to in self.refuse:
            raise MailerError("Throttling")
        with self._lock:
            self.sent.append(mail)

    def to(self, address: str) -> list[Mail]:
        return [m for m in self.sent if m.to == address]


def attach_supplement(
    table: Table, issuer_id: str, assertion_id: str, version: int, at: datetime
) -> Supplement:
    """Stores supplement `version` (earlier versions stay) and its notice, together."""
    supplement = Supplement(
        assertion_id=assertion_id,
        issuer_id=issuer_id,
        version=version,
        blob_key=f"supplements/{uuid.uuid4()}",
        digest="sha384-" + "A" * 64,
        size=1234,
        attached_at=at,
    )
    table.transact(
        [
            Put(item(keyscheme.supplement(assertion_id, version), supplement), Absent()),
            event_put(events.notice_supplement(issuer_id, assertion_id, version, at)),
        ]
    )
    return supplement


def withdraw_supplement(table: Table, supplement: Supplement, at: datetime) -> None:
    withdrawn = supplement.model_copy(update={"withdrawn_at": at})
    table.put(item(keyscheme.supplement(supplement.assertion_id, supplement.version), withdrawn))


class SteppingClock:
    """A clock that moves only when told to: by `advance`, or by the pacer's `sleep`."""

    def __init__(self, now: datetime) -> None:
        self.current = now
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.current += timedelta(seconds=seconds)


class NoticeFakes(FakePorts):
    """The fakes with a recording mailbox and a clock the tests move."""

    def __init__(self, now: datetime) -> None:
        self.stepping = SteppingClock(now)
        super().__init__(self.stepping)
        self.mailbox = RecordingMailer()
        self._mailer = lambda: self.mailbox
