"""The mailer: sends the e-mails the outbox holds, each once, retrying failures with backoff.

An e-mail is claimed (a short lease) before it is sent, so two runs at the same time never
send one twice; it is settled once the mail service took it. If a run dies between sending
and settling, the lease runs out and the e-mail goes again: at-least-once at that one point,
exactly once everywhere else.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from ..domain.errors import ConcurrentUpdate, DomainError
from ..domain.events import Consumer, Event, EventType
from ..domain.recipients import Delivery, DeliveryState, RecipientEntry
from ..domain.tokens import CLAIM_LINK_LIFETIME, SIGNIN_LINK_LIFETIME
from ..domain.urls import PublicUrls
from ..ports import (
    AssertionStore,
    BadgeStore,
    BlobStore,
    Clock,
    IssuerStore,
    Mail,
    Mailer,
    MailerError,
    Outbox,
    RecipientStore,
    SessionStore,
)
from .outbox_runs import each_pending
from .recipients import Held, claim_link
from .sessions import signin_link

LEASE = timedelta(minutes=2)
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
    timedelta(hours=24),
)  # then it gives up: about two days of trying


class MailRenderer(Protocol):
    def badge_mail(
        self, held: Held, urls: PublicUrls, claim_url: str, link_days: int
    ) -> tuple[str, str, str]:
        """(subject, text, html) in the entry's language; the image as `cid:badge`."""

    def signin_mail(self, locale: str, signin_url: str, minutes: int) -> tuple[str, str, str]: ...


class MailerPorts(Protocol):
    @property
    def outbox(self) -> Outbox: ...
    @property
    def recipients(self) -> RecipientStore: ...
    @property
    def sessions(self) -> SessionStore: ...
    @property
    def assertions(self) -> AssertionStore: ...
    @property
    def badges(self) -> BadgeStore: ...
    @property
    def issuers(self) -> IssuerStore: ...
    @property
    def blobs(self) -> BlobStore: ...
    @property
    def mailer(self) -> Mailer: ...
    @property
    def clock(self) -> Clock: ...


@dataclass
class Run:
    sent: int = 0
    retried: int = 0
    gave_up: int = 0
    skipped: int = 0  # nothing to send (a revoked badge, an address with no badges)
    errors: int = 0  # a store failed mid-way: the lease runs out and a later run tries again
    ids: list[str] = field(default_factory=list)


def deliver_pending(
    urls: PublicUrls,
    renderer: MailRenderer,
    *,
    ports: MailerPorts,
    limit: int = 200,
    budget: timedelta = timedelta(seconds=40),
) -> Run:
    """One bounded run: at most `limit` e-mails or `budget` of time, oldest due first; the
    next run resumes with whatever is left."""
    run = Run()
    run.errors = each_pending(
        Consumer.MAILER,
        lambda event: deliver(event, urls, renderer, ports=ports, run=run),
        outbox=ports.outbox,
        clock=ports.clock,
        limit=limit,
        budget=budget,
    )
    return run


def deliver(
    event: Event,
    urls: PublicUrls,
    renderer: MailRenderer,
    *,
    ports: MailerPorts,
    run: Run | None = None,
) -> Run:
    run = run if run is not None else Run()
    now = ports.clock.now()
    claimed = ports.outbox.claim(event, now, LEASE)
    if claimed is None:
        return run  # another run has it
    try:
        if claimed.type is EventType.MAIL_BADGE:
            outcome = _badge_mail(claimed, urls, renderer, ports, now)
        elif claimed.type is EventType.MAIL_SIGNIN:
            outcome = _signin_mail(claimed, urls, renderer, ports, now)
        else:
            outcome = "skipped"
    except MailerError:
        outcome = _failed(claimed, ports, now)
    else:
        with contextlib.suppress(ConcurrentUpdate):
            ports.outbox.settle(claimed)
    setattr(run, outcome, getattr(run, outcome) + 1)
    run.ids.append(claimed.id)
    return run


def _failed(event: Event, ports: MailerPorts, now: datetime) -> str:
    entry = _entry_of(event, ports)
    if event.attempts + 1 >= len(BACKOFF):
        with contextlib.suppress(ConcurrentUpdate):
            ports.outbox.settle(event)
        _record(entry, DeliveryState.FAILED, now, ports)
        return "gave_up"
    with contextlib.suppress(ConcurrentUpdate):
        ports.outbox.retry_later(event, now + BACKOFF[event.attempts])
    _record(entry, DeliveryState.FAILED, now, ports)
    return "retried"


def _entry_of(event: Event, ports: MailerPorts) -> RecipientEntry | None:
    if event.type is not EventType.MAIL_BADGE:
        return None
    return ports.recipients.get_entry(str(event.data.get("assertionId")))


def _record(
    entry: RecipientEntry | None, state: DeliveryState, now: datetime, ports: MailerPorts
) -> None:
    """What the issuer sees of delivery; losing a race here only loses a counter bump."""
    if entry is None:
        return
    delivery = Delivery(state=state, attempts=entry.delivery.attempts + 1, last_attempt_at=now)
    with contextlib.suppress(ConcurrentUpdate, DomainError):
        ports.recipients.save_entry(entry.model_copy(update={"delivery": delivery}))


def _badge_mail(
    event: Event, urls: PublicUrls, renderer: MailRenderer, ports: MailerPorts, now: datetime
) -> str:
    entry = _entry_of(event, ports)
    assertion = ports.assertions.get_assertion(str(event.data.get("assertionId")))
    if entry is None or assertion is None or assertion.revoked:
        return "skipped"
    badge = ports.badges.get_badge(entry.badge_id)
    issuer = ports.issuers.get_issuer(entry.issuer_id)
    if badge is None or issuer is None:
        return "skipped"
    raw, link = claim_link(entry, now)
    entry = ports.recipients.issue_link(entry, link)  # the old link stops working here
    held = Held(entry, assertion, badge, issuer)
    subject, text, html = renderer.badge_mail(
        held, urls, f"{urls.base}/claim/{raw}", CLAIM_LINK_LIFETIME.days
    )
    image = ports.blobs.get_public(badge.image.key)
    ports.mailer.send(
        Mail(
            to=assertion.recipient_email,
            subject=subject,
            text=text,
            html=html,
            locale=entry.locale,
            inline_images=(("badge", image, badge.image.content_type),),
        )
    )
    _record(entry, DeliveryState.SENT, now, ports)
    return "sent"


def _signin_mail(
    event: Event, urls: PublicUrls, renderer: MailRenderer, ports: MailerPorts, now: datetime
) -> str:
    request = ports.sessions.get_signin_request(str(event.data.get("requestId")))
    if request is None or not ports.recipients.list_entries(request.recipient_key):
        return "skipped"  # no badges here: nothing is sent, and the visitor was told the same
    raw, link = signin_link(request, now)
    ports.sessions.put_signin_link(link)
    minutes = int(SIGNIN_LINK_LIFETIME.total_seconds() // 60)
    subject, text, html = renderer.signin_mail(request.locale, f"{urls.base}/signin/{raw}", minutes)
    ports.mailer.send(
        Mail(to=request.email, subject=subject, text=text, html=html, locale=request.locale)
    )
    return "sent"
