"""Small interfaces the use cases need from the outside world; adapters implement them.

Each store is one aggregate's port; a use case names only the ports it uses (see the `*Ports`
protocols in each use-case module), and the wiring hands all of them over as one bundle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from .domain.errors import ConcurrentUpdate

if TYPE_CHECKING:
    # Names in signatures only: a function that imports the ports for one store does not
    # load every aggregate's models (batches, webhooks, supplements) at cold start.
    from .domain.batches import Batch, BatchStatus, Counts, RowError, RowOutcome, Settled
    from .domain.events import Consumer, Event
    from .domain.keys import Algorithm, SigningKey
    from .domain.models import ApiKey, Assertion, BadgeClass, Issuer
    from .domain.recipients import (
        ImportedBadge,
        LinkPurpose,
        LinkToken,
        RecipientEntry,
        Session,
        SigninRequest,
    )
    from .domain.supplements import Supplement
    from .domain.webhooks import Delivery, Webhook

__all__ = ["ConcurrentUpdate"]


class Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass(frozen=True)
class Page:
    items: Sequence[Assertion]
    next_cursor: str | None


@dataclass(frozen=True)
class IdempotencyRecord:
    """The first outcome of a keyed request: which assertion it made, for which body."""

    request_hash: str
    assertion_id: str
    permanent: bool = False  # a bulk row's identity: kept for good, not for 24 hours


@dataclass(frozen=True)
class NewAssertion:
    """An assertion to store, with what is written in the same transaction: its idempotency
    record, its events and the recipient's backpack entry."""

    assertion: Assertion
    idempotency: tuple[str, IdempotencyRecord] | None = None
    events: Sequence[Event] = ()
    entry: RecipientEntry | None = None


@dataclass(frozen=True)
class StatusList:
    """One issuer's Bitstring Status List: which indexes are revoked, and its signed credential."""

    issuer_id: str
    number: int
    revoked: frozenset[int]
    version: int
    credential: dict[str, Any]


class IssuerStore(Protocol):
    def create_issuer(self, issuer: Issuer, keys: list[SigningKey], status: StatusList) -> None:
        """Issuer, its first keys and its empty signed status list, all or nothing."""

    def get_issuer(self, issuer_id: str) -> Issuer | None: ...


class KeyStore(Protocol):
    def list_keys(self, issuer_id: str) -> list[SigningKey]: ...
    def rotate_keys(self, issuer: Issuer, retired: list[SigningKey], new: list[SigningKey]) -> None:
        """Stores new active keys and retires the old ones, unless another rotation won.

        Raises `ConcurrentUpdate` if the issuer changed since it was read.
        """


class StatusStore(Protocol):
    def get_status_list(self, issuer_id: str, number: int) -> StatusList | None: ...
    def reserve_status_index(self, issuer_id: str, number: int, index: int) -> bool:
        """Claims an index for one credential; False if it was already taken."""

    def reserve_status_indexes(self, issuer_id: str, number: int, indexes: list[int]) -> list[int]:
        """Claims a block of indexes in one write (bulk issuing): all of them, answering [],
        or none, answering those already taken."""

    def release_status_index(self, issuer_id: str, number: int, index: int) -> None:
        """Gives back an index whose credential was never stored."""

    def open_status_list(self, issuer: Issuer, status: StatusList) -> None:
        """Moves the issuer to a new (signed, empty) list. Raises `ConcurrentUpdate`."""

    def revoked_assertions(self, issuer_id: str) -> list[tuple[str, str | None]]: ...


class ApiKeyStore(Protocol):
    def put_api_key(self, key: ApiKey) -> None: ...
    def get_api_key(self, key_id: str) -> ApiKey | None: ...


class BadgeStore(Protocol):
    def put_badge(self, badge: BadgeClass) -> None: ...
    def get_badge(self, badge_id: str) -> BadgeClass | None: ...
    def list_badges(self, issuer_id: str) -> list[BadgeClass]:
        """Oldest first."""

    def awarded_counts(self, issuer_id: str, badge_id: str | None = None) -> dict[str, int]:
        """Awarded and not revoked, per badge id (only `badge_id`'s when given); counters kept
        by the issue and revoke transactions, never a scan of the assertions."""


class AssertionStore(Protocol):
    def create_assertion(
        self,
        assertion: Assertion,
        idempotency: tuple[str, IdempotencyRecord] | None,
        events: Sequence[Event] = (),
        entry: RecipientEntry | None = None,
    ) -> None:
        """Writes the assertion, its idempotency record, its events and the recipient's
        backpack entry atomically.

        Raises `IdempotencyKeyTaken` if another request already used the key.
        """

    def create_assertions(self, new: Sequence[NewAssertion]) -> list[IdempotencyKeyTaken | None]:
        """Each as `create_assertion` would, all in one go where the backend can (a batch
        message's rows): in order, None for one stored, `IdempotencyKeyTaken` for one whose
        key another request had won. Any other failure raises; the ones before it may then
        be stored or not, each whole."""

    def get_assertion(self, assertion_id: str) -> Assertion | None: ...
    def get_idempotency(self, scoped_key: str) -> IdempotencyRecord | None: ...
    def list_assertions(self, badge_id: str, limit: int, cursor: str | None) -> Page: ...
    def revoke(
        self, assertion: Assertion, status: StatusList | None, events: Sequence[Event] = ()
    ) -> None:
        """Stores the revoked assertion, its re-signed status list and its events together.

        Raises `ConcurrentUpdate` if the assertion was revoked meanwhile or the list moved on.
        """


class Outbox(Protocol):
    """Events waiting for their consumers, each claimed conditionally so it is handled once."""

    def pending(self, consumer: Consumer, now: datetime, limit: int) -> list[Event]: ...
    def get(self, event_id: str) -> Event | None: ...
    def claim(self, event: Event, now: datetime, lease: timedelta) -> Event | None: ...
    def settle(self, event: Event) -> None: ...
    def retry_later(self, event: Event, due_at: datetime) -> Event: ...


class SupplementReader(Protocol):
    """What the notifier and the public pages read of a Diploma Supplement."""

    def current(self, assertion_id: str) -> Supplement | None:
        """The newest version unless withdrawn; None when there is none."""
        ...


class SupplementStore(SupplementReader, Protocol):
    """The issuer's writes: each version and the events announcing it, in one transaction."""

    def versions(self, assertion_id: str) -> list[Supplement]:
        """Every version, oldest first."""

    def attach(self, supplement: Supplement, events: Sequence[Event]) -> None:
        """Stores a new version. `ConcurrentUpdate` if that version number was taken."""

    def withdraw(self, supplement: Supplement, events: Sequence[Event]) -> None:
        """Stores the version as withdrawn. `ConcurrentUpdate` if it was withdrawn or
        superseded meanwhile."""


class RecipientStore(Protocol):
    """Backpack entries and claim links; every change is version-checked (`ConcurrentUpdate`)."""

    def get_entry(self, assertion_id: str) -> RecipientEntry | None: ...
    def list_entries(self, recipient_key: str) -> list[RecipientEntry]:
        """Newest first."""

    def save_entry(self, entry: RecipientEntry, events: Sequence[Event] = ()) -> RecipientEntry: ...
    def issue_link(self, entry: RecipientEntry, link: LinkToken) -> RecipientEntry: ...
    def get_link(self, purpose: LinkPurpose, token_hash: str) -> LinkToken | None: ...
    def use_claim_link(
        self,
        link: LinkToken,
        entry: RecipientEntry,
        session: Session | None,
        now: datetime,
        events: Sequence[Event] = (),
    ) -> RecipientEntry: ...
    def add_import(self, badge: ImportedBadge) -> None: ...
    def list_imports(self, recipient_key: str) -> list[ImportedBadge]:
        """Newest first."""

    def remove_import(self, recipient_key: str, import_id: str) -> None: ...


class SessionStore(Protocol):
    def create_signin_request(self, request: SigninRequest, events: Sequence[Event]) -> None: ...
    def get_signin_request(self, request_id: str) -> SigninRequest | None: ...
    def put_signin_link(self, link: LinkToken) -> None: ...
    def use_signin_link(self, link: LinkToken, session: Session, now: datetime) -> None:
        """Spends the link and opens the session together; `ConcurrentUpdate` if it was used."""

    def get_session(self, id_hash: str) -> Session | None: ...
    def touch_session(self, session: Session) -> None: ...
    def end_session(self, id_hash: str) -> None: ...


class AnalyticsStore(Protocol):
    """Earner analytics: counts per badge, day and surface; nothing about who looked."""

    def add_view(self, assertion_id: str, day: str, surface: str) -> None:
        """Adds one to the day's count for the surface (atomic; creates the day)."""

    def recent_days(self, assertion_id: str, limit: int) -> list[tuple[str, dict[str, int]]]:
        """The newest `limit` days with any count, newest first: (yyyy-mm-dd, counts)."""


class RateLimiter(Protocol):
    def hit(self, scope: str, subject: str, window: int, limit: int) -> bool:
        """Counts one attempt in a fixed window; False once the window holds `limit`."""


@dataclass(frozen=True)
class Mail:
    """One e-mail, ready to send: both bodies, and images shown inline (no remote fetches)."""

    to: str
    subject: str
    text: str
    html: str
    locale: str
    inline_images: tuple[tuple[str, bytes, str], ...] = ()  # (content id, data, media type)


class Mailer(Protocol):
    def send(self, mail: Mail) -> None:
        """Raises `MailerError` when the mail service refuses or fails."""


class MailerError(Exception):
    """Sending failed; the outbox keeps the e-mail and tries again later."""


class BlobStore(Protocol):
    """Public images by key. A failing store raises `ServiceUnavailable`."""

    def put_public(self, key: str, data: bytes, content_type: str) -> None: ...
    def get_public(self, key: str) -> bytes:
        """Raises `NotFound` when no blob has the key."""

    def delete_public(self, key: str) -> None:
        """Deleting a key that holds nothing is fine."""


class PrivateBlobStore(Protocol):
    """Documents only some may read (Diploma Supplements): encrypted, never public, read
    through short-lived links. A failing store raises `ServiceUnavailable`."""

    def put_private(self, key: str, data: bytes, content_type: str) -> None: ...
    def delete_private(self, key: str) -> None:
        """Deleting a key that holds nothing is fine."""

    def private_link(self, key: str, filename: str, lifetime: timedelta) -> str:
        """A URL that serves the blob as an attachment named `filename`, for `lifetime`."""


class IdempotencyKeyTaken(Exception):
    """Raised by a store when a concurrent request won the idempotency key."""


@dataclass(frozen=True)
class CreatedKey:
    """A new key pair in a key service: how to find it again, and its public half."""

    provider: str
    provider_ref: str
    public_key_pem: str


class KeyService(Protocol):
    """Creates keys and signs with them; private keys never leave the service."""

    def create_key(self, algorithm: Algorithm, issuer_id: str) -> CreatedKey: ...

    def sign(self, key: SigningKey, message: bytes) -> bytes:
        """Raw signature: PKCS#1 v1.5 (RS256), r||s (ES256), 64 bytes (Ed25519).

        Raises `KeyServiceError` when the service fails.
        """

    def discard_key(self, key: CreatedKey) -> None:
        """Undo a `create_key` whose issuer was never stored."""


class KeyServiceError(Exception):
    """The key service failed; the caller must not leave anything half-written."""


@dataclass(frozen=True)
class Fetched:
    """One HTTP answer; `url` is where it finally came from, after redirects."""

    status: int
    content_type: str
    body: bytes
    url: str


class FetchError(Exception):
    """Nothing usable came back; `reason` is a plain phrase ("the connection timed out")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Fetcher(Protocol):
    def fetch(self, url: str) -> Fetched:
        """GET `url`; raises FetchError when it cannot be fetched (safely)."""


class WebhookStore(Protocol):
    """Issuers' webhooks and their deliveries; changes are version-checked (`ConcurrentUpdate`)."""

    def create_webhook(self, webhook: Webhook) -> None: ...
    def get_webhook(self, webhook_id: str) -> Webhook | None: ...
    def list_webhooks(self, issuer_id: str) -> list[Webhook]: ...
    def save_webhook(self, webhook: Webhook) -> Webhook: ...
    def delete_webhook(self, webhook: Webhook) -> None: ...
    def add_deliveries(self, deliveries: Sequence[tuple[Delivery, Event]]) -> None:
        """Each delivery and the outbox event that schedules it, all or nothing; raises
        `ConcurrentUpdate` when one of them was written before."""

    def get_delivery(self, webhook_id: str, delivery_id: str) -> Delivery | None: ...
    def save_delivery(self, delivery: Delivery) -> Delivery: ...
    def list_deliveries(self, webhook_id: str, limit: int) -> list[Delivery]:
        """Newest first."""


@dataclass(frozen=True)
class BusEvent:
    """One event for the event bus: `source`, `detail-type` and the JSON `detail`."""

    detail_type: str
    detail: str
    time: datetime


class EventBus(Protocol):
    def publish(self, event: BusEvent) -> None:
        """Raises `EventBusError` when the bus did not take it."""


class EventBusError(Exception):
    """The bus refused or failed; the outbox keeps the event and tries again later."""


@dataclass(frozen=True)
class Posted:
    """A receiver's answer to a webhook: its status and the first bytes of its body."""

    status: int
    excerpt: bytes


class WebhookSender(Protocol):
    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Posted:
        """POST once, following no redirect; raises `FetchError` when it cannot be (safely)."""


class BatchStore(Protocol):
    """Bulk issues: the batch, its counters (atomic adds) and each row's one outcome."""

    def create_batch(self, batch: Batch, errors: Sequence[RowError]) -> None:
        """The batch, its rejected rows (counted as failed) and its counters, from scratch."""

    def get_batch(self, batch_id: str) -> Batch | None: ...
    def counts(self, batch_id: str) -> Counts: ...
    def outcome(self, batch_id: str, row: int) -> RowOutcome | None: ...
    def save_batch(self, batch: Batch, expected: BatchStatus) -> None:
        """Moves the batch on; `ConcurrentUpdate` if its status is no longer `expected`."""

    def add_errors(self, batch_id: str, errors: Sequence[RowError]) -> None:
        """Rejected rows found after creation (an uploaded file), counted as failed."""

    def settle_rows(self, batch_id: str, settled: Sequence[Settled]) -> int:
        """Records each row's outcome and counts it, together and once (rows already settled
        are left as they are); how many were counted now. One write for a message's rows."""

    def complete(self, batch: Batch, events: Sequence[Event]) -> bool:
        """Marks an issuing batch done with its events; False when another worker did first."""

    def errors(self, batch_id: str) -> list[RowError]:
        """Every rejected row, in row order."""


class RowQueue(Protocol):
    """Where batch rows wait for the issue worker (SQS deployed and locally)."""

    def send(self, messages: Sequence[str]) -> None:
        """Raises `ServiceUnavailable` when the queue cannot take them."""


class UploadStore(Protocol):
    """Large batch files, put by the issuer straight into storage with a presigned URL."""

    def upload_url(self, key: str, content_type: str, expires_in: int) -> str: ...
    def put(self, key: str, data: bytes, content_type: str) -> None: ...
    def size(self, key: str) -> int:
        """Raises `NotFound` when nothing was uploaded."""

    def read(self, key: str, max_bytes: int) -> bytes:
        """Raises `NotFound` when nothing was uploaded, `PayloadTooLarge` over `max_bytes`."""

    def delete(self, key: str) -> None: ...
