"""The mailer: sends the e-mails the outbox holds, each once, retrying failures with backoff.

An e-mail is claimed (a short lease) before it is sent, so two runs at the same time never
send one twice; it is settled once the mail service took it. If a run dies between sending
and settling, the lease runs out and the e-mail goes again: at-least-once at that one point,
exactly once everywhere else (the loop is `outbox_work`'s, shared with the notifier).
"""

from __future__ import annotations

import contextlib
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
    Outbox,
    RecipientStore,
    SessionStore,
)
from .outbox_work import Outcome, Retries, Run, process, run_pending
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
RETRIES = Retries(lease=LEASE, backoff=BACKOFF)


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


class _MailWork:
    """The mailer's part of an outbox run: each e-mail's sending, and its delivery record."""

    def __init__(self, urls: PublicUrls, renderer: MailRenderer, ports: MailerPorts) -> None:
        self._urls = urls
        self._renderer = renderer
        self._ports = ports

    def handle(self, event: Event, now: datetime) -> Outcome:
        if event.type is EventType.MAIL_BADGE:
            return _badge_mail(event, self._urls, self._renderer, self._ports, now)
        if event.type is EventType.MAIL_SIGNIN:
            return _signin_mail(event, self._urls, self._renderer, self._ports, now)
        return "skipped"

    def failed(self, event: Event, now: datetime, final: bool) -> None:
        _record(_entry_of(event, self._ports), DeliveryState.FAILED, now, self._ports)


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
    work = _MailWork(urls, renderer, ports)
    return run_pending(Consumer.MAILER, work, RETRIES, ports=ports, limit=limit, budget=budget)


def deliver(
    event: Event,
    urls: PublicUrls,
    renderer: MailRenderer,
    *,
    ports: MailerPorts,
    run: Run | None = None,
) -> Run:
    return process(event, _MailWork(urls, renderer, ports), RETRIES, ports=ports, run=run)


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
) -> Outcome:
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
) -> Outcome:
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
