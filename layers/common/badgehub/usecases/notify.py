"""The notifier: the e-mails that are due at a time rather than at once, sent on a schedule.

A new or corrected Diploma Supplement, a reminder for a badge still unclaimed 7 and 30 days
after issue, and a notice 30 days before a badge expires. Each notice is an outbox event with
an id made from what it is about, so it is written once; the run claims it before sending, so
it is sent once (see `outbox_work`). A notice whose reason went away by the time it is due (the
badge was claimed, declined or revoked; the supplement was withdrawn or superseded) is settled
without mail. Sends are paced under the mail service's rate.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from ..domain.events import Consumer, Event, EventType
from ..domain.recipients import ClaimState, DeliveryState
from ..domain.tokens import CLAIM_LINK_LIFETIME
from ..domain.urls import PublicUrls
from ..ports import (
    AssertionStore,
    BadgeStore,
    Clock,
    IssuerStore,
    Mail,
    Mailer,
    Outbox,
    RecipientStore,
    SupplementReader,
)
from .outbox_work import Outcome, Retries, Run, run_pending
from .recipients import Held, claim_link

LEASE = timedelta(minutes=10)  # longer than a run (the function's timeout)
BACKOFF = (
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
    timedelta(hours=24),
)  # one retry after each, then it gives up: about two days of trying
RETRIES = Retries(lease=LEASE, backoff=BACKOFF)


class NoticeRenderer(Protocol):
    """(subject, text, html) of each notice, in the recipient's language."""

    def supplement_mail(
        self, held: Held, urls: PublicUrls, backpack_url: str, corrected: bool
    ) -> tuple[str, str, str]: ...

    def reminder_mail(
        self, held: Held, urls: PublicUrls, claim_url: str, link_days: int, days: int
    ) -> tuple[str, str, str]: ...

    def expiring_mail(
        self, held: Held, urls: PublicUrls, backpack_url: str
    ) -> tuple[str, str, str]: ...


class NotifyPorts(Protocol):
    @property
    def outbox(self) -> Outbox: ...
    @property
    def recipients(self) -> RecipientStore: ...
    @property
    def assertions(self) -> AssertionStore: ...
    @property
    def badges(self) -> BadgeStore: ...
    @property
    def issuers(self) -> IssuerStore: ...
    @property
    def supplements(self) -> SupplementReader: ...
    @property
    def mailer(self) -> Mailer: ...
    @property
    def clock(self) -> Clock: ...


class Pacer:
    """At most `rate` sends a second: each send waits for its slot, timed by `clock`; `sleep`
    is injected so tests pass time without waiting for it."""

    def __init__(self, rate: float, clock: Clock, sleep: Callable[[float], None]) -> None:
        if rate <= 0:
            raise ValueError("the send rate must be positive")
        self._gap = timedelta(seconds=1 / rate)
        self._clock = clock
        self._sleep = sleep
        self._next: datetime | None = None

    def ready(self) -> None:
        now = self._clock.now()
        if self._next is not None and now < self._next:
            self._sleep((self._next - now).total_seconds())
            now = self._next
        self._next = now + self._gap


def backpack_link(urls: PublicUrls, assertion_id: str) -> str:
    """The backpack, at the badge (its card carries this anchor)."""
    return f"{urls.base}/backpack#badge-{assertion_id}"


def notify_pending(
    urls: PublicUrls,
    renderer: NoticeRenderer,
    pacer: Pacer,
    *,
    ports: NotifyPorts,
    limit: int = 500,
    budget: timedelta = timedelta(seconds=60),
) -> Run:
    """One bounded run: at most `limit` notices or `budget` of time, oldest due first; the
    next run resumes with whatever is still due."""
    work = _NoticeWork(urls, renderer, pacer, ports)
    return run_pending(Consumer.NOTIFIER, work, RETRIES, ports=ports, limit=limit, budget=budget)


class _NoticeWork:
    def __init__(
        self, urls: PublicUrls, renderer: NoticeRenderer, pacer: Pacer, ports: NotifyPorts
    ) -> None:
        self._urls = urls
        self._renderer = renderer
        self._pacer = pacer
        self._ports = ports

    def handle(self, event: Event, now: datetime) -> Outcome:
        held = self._held(event)
        if held is None or held.assertion.revoked or held.entry.claim is ClaimState.DECLINED:
            return "skipped"
        if event.type is EventType.NOTICE_SUPPLEMENT:
            return self._supplement(event, held)
        if event.type is EventType.NOTICE_UNCLAIMED:
            return self._reminder(event, held, now)
        if event.type is EventType.NOTICE_EXPIRING:
            return self._expiring(held, now)
        return "skipped"

    def failed(self, event: Event, now: datetime, final: bool) -> None:
        """Nothing to record: the run counts it (the badge e-mail's delivery is its own)."""

    def _held(self, event: Event) -> Held | None:
        assertion_id = str(event.data.get("assertionId"))
        entry = self._ports.recipients.get_entry(assertion_id)
        assertion = self._ports.assertions.get_assertion(assertion_id)
        if entry is None or assertion is None:
            return None
        badge = self._ports.badges.get_badge(entry.badge_id)
        issuer = self._ports.issuers.get_issuer(entry.issuer_id)
        if badge is None or issuer is None:
            return None
        return Held(entry, assertion, badge, issuer)

    def _supplement(self, event: Event, held: Held) -> Outcome:
        current = self._ports.supplements.current(held.assertion.id)
        version = event.data.get("version")
        if current is None or current.version != version:
            return "skipped"  # withdrawn, or a newer version has a notice of its own
        subject, text, html = self._renderer.supplement_mail(
            held, self._urls, backpack_link(self._urls, held.assertion.id), current.version > 1
        )
        return self._send(held, subject, text, html)

    def _reminder(self, event: Event, held: Held, now: datetime) -> Outcome:
        if held.entry.claim is not ClaimState.PENDING:
            return "skipped"
        if held.entry.delivery.state is DeliveryState.NOT_SENT:
            return "skipped"  # the issuer's portal speaks to this recipient, not us
        raw, link = claim_link(held.entry, now)
        entry = self._ports.recipients.issue_link(held.entry, link)  # earlier links stop here
        days = int(event.data.get("days") or 0)
        subject, text, html = self._renderer.reminder_mail(
            Held(entry, held.assertion, held.badge, held.issuer),
            self._urls,
            f"{self._urls.base}/claim/{raw}",
            CLAIM_LINK_LIFETIME.days,
            days,
        )
        return self._send(held, subject, text, html)

    def _expiring(self, held: Held, now: datetime) -> Outcome:
        expires = held.assertion.expires
        if held.entry.claim is not ClaimState.ACCEPTED or expires is None or expires <= now:
            return "skipped"
        subject, text, html = self._renderer.expiring_mail(
            held, self._urls, backpack_link(self._urls, held.assertion.id)
        )
        return self._send(held, subject, text, html)

    def _send(self, held: Held, subject: str, text: str, html: str) -> Outcome:
        self._pacer.ready()
        self._ports.mailer.send(
            Mail(
                to=held.assertion.recipient_email,
                subject=subject,
                text=text,
                html=html,
                locale=held.entry.locale,
            )
        )
        return "sent"
