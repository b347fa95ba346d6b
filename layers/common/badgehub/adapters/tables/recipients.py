"""Recipients' backpack entries, claim and sign-in links, sessions and rate-limit windows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ...domain.events import Event
from ...domain.recipients import (
    ImportedBadge,
    LinkPurpose,
    LinkToken,
    RecipientEntry,
    Session,
    SigninRequest,
)
from . import keyscheme
from .core import Absent, All, ConditionFailed, Equals, Exists, Item, Put, Table, Write
from .outbox import event_put
from .records import item, load


def entry_item(entry: RecipientEntry) -> Item:
    return item(
        keyscheme.recipient_entry(entry.assertion_id),
        entry,
        version=entry.version,
        GSI1PK=keyscheme.backpack(entry.recipient_key),
        GSI1SK=keyscheme.backpack_position(entry.issued_on.isoformat(), entry.assertion_id),
    )


def new_entry_put(entry: RecipientEntry) -> Put:
    return Put(entry_item(entry), Absent())


def _entry_update(entry: RecipientEntry) -> tuple[Put, RecipientEntry]:
    """The write that replaces `entry` if nobody changed it since it was read."""
    changed = entry.model_copy(update={"version": entry.version + 1})
    return Put(entry_item(changed), Equals("version", entry.version)), changed


def _link_key(link: LinkToken) -> tuple[str, str]:
    if link.purpose is LinkPurpose.CLAIM:
        return keyscheme.claim_token(link.token_hash)
    return keyscheme.signin_token(link.token_hash)


def _link_item(link: LinkToken) -> Item:
    # `expires_at` doubles as the table's TTL attribute: stale links clean themselves up.
    return item(_link_key(link), link, used=link.used_at is not None, expires_at=_epoch(link))


def _epoch(link: LinkToken) -> int:
    return int(link.expires_at.timestamp()) + 86_400


def _use_link(link: LinkToken, now: datetime) -> Put:
    used = link.model_copy(update={"used_at": now})
    return Put(_link_item(used), All((Exists(), Equals("used", False))))


class TableRecipients:
    """Implements `RecipientStore`."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def get_entry(self, assertion_id: str) -> RecipientEntry | None:
        return load(RecipientEntry, self._table.get(*keyscheme.recipient_entry(assertion_id)))

    def list_entries(self, recipient_key: str) -> list[RecipientEntry]:
        page = self._table.query(keyscheme.backpack(recipient_key), index="GSI1", descending=True)
        return [e for e in (load(RecipientEntry, i) for i in page.items) if e]

    def save_entry(self, entry: RecipientEntry, events: Sequence[Event] = ()) -> RecipientEntry:
        """Raises `ConcurrentUpdate` when the entry changed since it was read."""
        put, changed = _entry_update(entry)
        self._table.transact([put, *[event_put(e) for e in events]])
        return changed

    def issue_link(self, entry: RecipientEntry, link: LinkToken) -> RecipientEntry:
        """A new claim link becomes the only one that works: the entry points at its hash."""
        put, changed = _entry_update(entry.model_copy(update={"claim_token_hash": link.token_hash}))
        self._table.transact([put, Put(_link_item(link), Absent())])
        return changed

    def get_link(self, purpose: LinkPurpose, token_hash: str) -> LinkToken | None:
        key = (
            keyscheme.claim_token(token_hash)
            if purpose is LinkPurpose.CLAIM
            else keyscheme.signin_token(token_hash)
        )
        return load(LinkToken, self._table.get(*key))

    def use_claim_link(
        self,
        link: LinkToken,
        entry: RecipientEntry,
        session: Session | None,
        now: datetime,
        events: Sequence[Event] = (),
    ) -> RecipientEntry:
        """Spends the link and stores the recipient's answer (and their session) together;
        `ConcurrentUpdate` if the link was used or the entry changed meanwhile."""
        put, changed = _entry_update(entry)
        writes: list[Write] = [_use_link(link, now), put]
        if session is not None:
            writes.append(_session_put(session))
        writes += [event_put(e) for e in events]
        self._table.transact(writes)
        return changed

    def add_import(self, badge: ImportedBadge) -> None:
        record = item(
            keyscheme.imported(badge.id),
            badge,
            GSI1PK=keyscheme.imports_of(badge.recipient_key),
            GSI1SK=f"{badge.imported_at.isoformat()}#{badge.id}",
        )
        self._table.put(record, Absent())

    def list_imports(self, recipient_key: str) -> list[ImportedBadge]:
        page = self._table.query(keyscheme.imports_of(recipient_key), index="GSI1", descending=True)
        return [b for b in (load(ImportedBadge, i) for i in page.items) if b]

    def remove_import(self, recipient_key: str, import_id: str) -> None:
        """Only the owner's: anyone else's id removes nothing."""
        pk, sk = keyscheme.imported(import_id)
        found = load(ImportedBadge, self._table.get(pk, sk))
        if found is not None and found.recipient_key == recipient_key:
            self._table.delete(pk, sk)


def _session_item(session: Session) -> Item:
    return item(keyscheme.session(session.id_hash), session)


def _session_put(session: Session) -> Put:
    return Put(_session_item(session), Absent())


class TableSessions:
    """Implements `SessionStore` and `RateLimiter`."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def create_signin_request(self, request: SigninRequest, events: Sequence[Event]) -> None:
        record = item(keyscheme.signin_request(request.id), request)
        self._table.transact([Put(record, Absent()), *[event_put(e) for e in events]])

    def get_signin_request(self, request_id: str) -> SigninRequest | None:
        return load(SigninRequest, self._table.get(*keyscheme.signin_request(request_id)))

    def put_signin_link(self, link: LinkToken) -> None:
        self._table.put(_link_item(link), Absent())

    def use_signin_link(self, link: LinkToken, session: Session, now: datetime) -> None:
        self._table.transact([_use_link(link, now), _session_put(session)])

    def get_session(self, id_hash: str) -> Session | None:
        return load(Session, self._table.get(*keyscheme.session(id_hash)))

    def touch_session(self, session: Session) -> None:
        self._table.put(_session_item(session), Exists())

    def end_session(self, id_hash: str) -> None:
        self._table.delete(*keyscheme.session(id_hash))

    def hit(self, scope: str, subject: str, window: int, limit: int) -> bool:
        """Counts one attempt in the window; False when the window already holds `limit`."""
        pk, sk = keyscheme.rate_window(scope, subject, window)
        for _ in range(5):
            found = self._table.get(pk, sk)
            count = int(found["count"]) if found else 0
            if count >= limit:
                return False
            record: Item = {"PK": pk, "SK": sk, "count": count + 1, "expires_at": window + 7200}
            try:
                self._table.put(record, Equals("count", count) if found else Absent())
            except ConditionFailed:
                continue
            return True
        return False
