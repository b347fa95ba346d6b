"""Passwordless sign-in by e-mailed link, and the sessions that follow."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from ..domain import events, tokens
from ..domain.errors import ConcurrentUpdate, TooManyRequests, Unauthenticated
from ..domain.events import Event
from ..domain.recipients import LinkPurpose, LinkToken, Session, SigninRequest
from ..ports import Clock, RateLimiter, RecipientStore, SessionStore

SIGNIN_PER_ADDRESS = (5, 3600)  # at most 5 links an hour to one address
SIGNIN_PER_CLIENT = (20, 3600)  # and 20 requests an hour from one client
TOUCH_EVERY = timedelta(minutes=5)


class SessionPorts(Protocol):
    def secret_for(self, purpose: str) -> bytes: ...
    @property
    def sessions(self) -> SessionStore: ...
    @property
    def recipients(self) -> RecipientStore: ...
    @property
    def rate_limits(self) -> RateLimiter: ...
    @property
    def clock(self) -> Clock: ...


@dataclass(frozen=True)
class Opened:
    """A new session: the raw id goes into the cookie and nowhere else."""

    raw_id: str
    session: Session


def new_session(email: str, recipient_key: str, now: datetime) -> Opened:
    raw = tokens.new_token()
    session = Session(
        id_hash=tokens.token_hash(raw),
        email=email.strip().lower(),
        recipient_key=recipient_key,
        created_at=now,
        last_seen_at=now,
    )
    return Opened(raw, session)


def _limit(ports: SessionPorts, scope: str, subject: str, rule: tuple[int, int]) -> None:
    limit, seconds = rule
    now = int(ports.clock.now().timestamp())
    window = now - now % seconds
    if not ports.rate_limits.hit(scope, subject, window, limit):
        raise TooManyRequests(
            "too many sign-in requests; please wait and try again",
            retry_after=window + seconds - now,
            field="email",
        )


def request_signin(email: str, client: str, locale: str, *, ports: SessionPorts) -> Event:
    """Queues a sign-in e-mail. Whether or not the address has badges, the caller sees the
    same answer and the same work is done here: the mailer decides whether to send."""
    recipient_key = tokens.recipient_key(ports.secret_for("recipients"), email)
    _limit(ports, "signin-client", tokens.token_hash(client), SIGNIN_PER_CLIENT)
    _limit(ports, "signin-address", recipient_key, SIGNIN_PER_ADDRESS)
    now = ports.clock.now()
    request = SigninRequest(
        id=str(uuid.uuid4()),
        email=email.strip(),
        recipient_key=recipient_key,
        locale=locale,
        requested_at=now,
    )
    mail = events.mail_signin(request.id, now)
    ports.sessions.create_signin_request(request, [mail])
    return mail


def signin_link(request: SigninRequest, now: datetime) -> tuple[str, LinkToken]:
    raw = tokens.new_token()
    link = LinkToken(
        token_hash=tokens.token_hash(raw),
        purpose=LinkPurpose.SIGNIN,
        expires_at=now + tokens.SIGNIN_LINK_LIFETIME,
        email=request.email,
    )
    return raw, link


def find_signin_link(raw_token: str, *, ports: SessionPorts) -> LinkToken | None:
    if not tokens.looks_like_token(raw_token):
        return None
    return ports.recipients.get_link(LinkPurpose.SIGNIN, tokens.token_hash(raw_token))


def use_signin_link(link: LinkToken, *, ports: SessionPorts) -> Opened:
    """Spends the link (once) and opens a session for the address it proved."""
    now = ports.clock.now()
    if not link.usable(now) or link.email is None:
        raise Unauthenticated("this sign-in link can no longer be used", field="token")
    key = tokens.recipient_key(ports.secret_for("recipients"), link.email)
    opened = new_session(link.email, key, now)
    try:
        ports.sessions.use_signin_link(link, opened.session, now)
    except ConcurrentUpdate as exc:
        raise Unauthenticated("this sign-in link was already used", field="token") from exc
    return opened


def current_session(raw_id: str | None, *, ports: SessionPorts) -> Session:
    """The signed-in recipient, or a 401: unknown, idle too long or too old."""
    if not raw_id or not tokens.looks_like_token(raw_id):
        raise Unauthenticated("please sign in", field="session")
    session = ports.sessions.get_session(tokens.token_hash(raw_id))
    now = ports.clock.now()
    if session is None:
        raise Unauthenticated("please sign in", field="session")
    if (
        now - session.last_seen_at > tokens.SESSION_IDLE
        or now - session.created_at > tokens.SESSION_ABSOLUTE
    ):
        ports.sessions.end_session(session.id_hash)
        raise Unauthenticated("your session has ended; please sign in again", field="session")
    if now - session.last_seen_at > TOUCH_EVERY:
        session = session.model_copy(update={"last_seen_at": now})
        ports.sessions.touch_session(session)
    return session


def end_session(raw_id: str | None, *, ports: SessionPorts) -> None:
    if raw_id and tokens.looks_like_token(raw_id):
        ports.sessions.end_session(tokens.token_hash(raw_id))


def csrf_for(session: Session, *, ports: SessionPorts) -> str:
    return tokens.csrf_token(ports.secret_for("csrf"), f"session:{session.id_hash}")


def check_csrf(session: Session, presented: str | None, *, ports: SessionPorts) -> None:
    from ..domain.errors import Forbidden

    if not tokens.csrf_matches(ports.secret_for("csrf"), f"session:{session.id_hash}", presented):
        raise Forbidden("the form expired or did not come from this site; please try again")
