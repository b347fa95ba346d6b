"""The one bundle of ports a function hands its use cases, built lazily once per container.

Each adapter is made on first use, so a function pays (in cold-start time) only for what its
routes touch: the verify function never loads the key service, the issue function never loads
the verifier. The local platform installs its own bundle (local adapters behind the same ports).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache, cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..adapters.http_fetcher import SafeHttpFetcher
    from ..adapters.tables import TableStores
    from ..adapters.tables.analytics import TableAnalytics
    from ..adapters.tables.assertions import TableAssertions
    from ..adapters.tables.badges import TableApiKeys, TableBadges
    from ..adapters.tables.batches import TableBatches
    from ..adapters.tables.core import Table
    from ..adapters.tables.issuers import TableIssuers
    from ..adapters.tables.outbox import TableOutbox
    from ..adapters.tables.recipients import TableRecipients, TableSessions
    from ..adapters.tables.statuslists import TableStatusLists
    from ..adapters.tables.supplements import TableSupplements
    from ..adapters.tables.webhooks import TableWebhooks
    from ..ports import (
        BlobStore,
        Clock,
        EventBus,
        KeyService,
        Mailer,
        PrivateBlobStore,
        RowQueue,
        UploadStore,
        WebhookSender,
    )
    from ..web.mail_renderer import TemplateMailRenderer


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class Ports:
    """Every port, each adapter made on first use from the factories it was given."""

    def __init__(
        self,
        *,
        table: Callable[[], Table],
        blobs: Callable[[], BlobStore],
        key_service: Callable[[], KeyService],
        secret: Callable[[], bytes],
        mailer: Callable[[], Mailer] | None = None,
        clock: Clock | None = None,
        private_blobs: Callable[[], PrivateBlobStore] | None = None,
        event_bus: Callable[[], EventBus] | None = None,
        webhook_sender: Callable[[], WebhookSender] | None = None,
        row_queue: Callable[[], RowQueue] | None = None,
        uploads: Callable[[], UploadStore] | None = None,
    ) -> None:
        self._private_blobs = private_blobs or _no_private_blobs
        self._table = table
        self._blobs = blobs
        self._key_service = key_service
        self._secret = secret
        self._mailer = mailer or _no_mailer
        self._event_bus = event_bus or aws_event_bus
        self._webhook_sender = webhook_sender or safe_webhook_sender
        # SQS and S3 by default: the local platform's queues and uploads are moto's too.
        self._row_queue = row_queue or _sqs_row_queue
        self._uploads = uploads or _s3_uploads
        self.clock: Clock = clock or SystemClock()

    @cached_property
    def stores(self) -> TableStores:
        from ..adapters.tables import stores_on

        return stores_on(self._table(), self.secret_for("cursors"))

    def secret_for(self, purpose: str) -> bytes:
        """A key of its own for each use of the platform secret."""
        import hashlib
        import hmac

        return hmac.new(self._secret(), purpose.encode(), hashlib.sha256).digest()

    @property
    def issuers(self) -> TableIssuers:
        return self.stores.issuers

    @property
    def keys(self) -> TableIssuers:
        return self.stores.keys

    @property
    def status_lists(self) -> TableStatusLists:
        return self.stores.status_lists

    @property
    def api_keys(self) -> TableApiKeys:
        return self.stores.api_keys

    @property
    def badges(self) -> TableBadges:
        return self.stores.badges

    @property
    def assertions(self) -> TableAssertions:
        return self.stores.assertions

    @property
    def outbox(self) -> TableOutbox:
        return self.stores.outbox

    @property
    def recipients(self) -> TableRecipients:
        return self.stores.recipients

    @property
    def sessions(self) -> TableSessions:
        return self.stores.sessions

    @property
    def supplements(self) -> TableSupplements:
        return self.stores.supplements

    @property
    def analytics(self) -> TableAnalytics:
        return self.stores.analytics

    @property
    def rate_limits(self) -> TableSessions:
        return self.stores.sessions

    @property
    def webhooks(self) -> TableWebhooks:
        return self.stores.webhooks

    @cached_property
    def event_bus(self) -> EventBus:
        return self._event_bus()

    @cached_property
    def webhook_sender(self) -> WebhookSender:
        return self._webhook_sender()

    @property
    def batches(self) -> TableBatches:
        return self.stores.batches

    @cached_property
    def row_queue(self) -> RowQueue:
        return self._row_queue()

    @cached_property
    def uploads(self) -> UploadStore:
        return self._uploads()

    @cached_property
    def mailer(self) -> Mailer:
        return self._mailer()

    @cached_property
    def blobs(self) -> BlobStore:
        return self._blobs()

    @cached_property
    def key_service(self) -> KeyService:
        return self._key_service()

    @cached_property
    def private_blobs(self) -> PrivateBlobStore:
        return self._private_blobs()


def _no_mailer() -> Mailer:
    raise RuntimeError("this function sends no e-mail")


def _no_private_blobs() -> PrivateBlobStore:
    raise RuntimeError("this function keeps no private documents")


def aws_event_bus() -> EventBus:
    """The platform's EventBridge bus (EVENT_BUS_NAME): the same locally, on moto."""
    from ..adapters.eventbridge import EventBridgeBus
    from .settings import webhook_settings

    return EventBridgeBus(webhook_settings().event_bus_name)


def safe_webhook_sender() -> WebhookSender:
    """The verifier's SSRF guard, posting: https to public addresses only, no redirects, 5 s.
    With ALLOW_LOCAL_WEBHOOKS (the local platform only) also http(s)://127.0.0.1."""
    from ..adapters.http_fetcher import SafeHttpFetcher
    from .settings import verify_settings, webhook_settings

    local = {"127.0.0.1"} if webhook_settings().allow_local_webhooks else set()
    return SafeHttpFetcher(
        allow_http_hosts=local,
        extra_ca_file=verify_settings().verify_extra_ca_file or None,
        timeout=5.0,
        cache_size=0,
        allowed_private_hosts=local,
    )


def _sqs_row_queue() -> RowQueue:
    from ..adapters.sqs_queue import SqsRowQueue
    from .settings import batch_settings

    url = batch_settings().row_queue_url
    if not url:
        raise RuntimeError("this function queues no batch rows (ROW_QUEUE_URL is not set)")
    return SqsRowQueue(url)


def _s3_uploads() -> UploadStore:
    from ..adapters.s3_uploads import S3Uploads
    from .settings import batch_settings

    bucket = batch_settings().upload_bucket
    if not bucket:
        raise RuntimeError("this function reads no uploads (UPLOAD_BUCKET is not set)")
    return S3Uploads(bucket)


def aws_ports() -> Ports:
    """DynamoDB, S3 and KMS (Secrets Manager for Ed25519 where KMS has none), from settings."""
    from .settings import settings, signing_settings

    def table() -> Table:
        from ..adapters.tables.dynamodb import DynamoTable

        return DynamoTable(settings().table_name)

    def blobs() -> BlobStore:
        from ..adapters.s3_blobs import S3BlobStore

        return S3BlobStore(settings().public_bucket)

    def key_service() -> KeyService:
        # Imported here: only functions that sign pay for the key adapters and cryptography.
        from ..adapters.keys import KmsKeyService, RoutingKeyService, SecretsManagerEd25519

        config = signing_settings()
        kms = KmsKeyService(sign_digest=config.kms_sign_digest)
        local = config.ed25519_key_service == "secretsmanager"
        return RoutingKeyService(kms, SecretsManagerEd25519() if local else kms)

    @cache
    def secret() -> bytes:
        config = settings()
        if config.app_secret or not config.app_secret_arn:
            return config.app_secret.encode()
        from ..adapters.aws import secret_text

        return secret_text(config.app_secret_arn)

    def mailer() -> Mailer:
        from ..adapters.ses_mailer import SesMailer
        from .settings import mail_settings

        return SesMailer(mail_settings().mail_from)

    def private_blobs() -> PrivateBlobStore:
        from ..adapters.s3_private import S3PrivateBlobs
        from .settings import supplement_settings

        config = supplement_settings()
        return S3PrivateBlobs(config.supplement_bucket, config.supplement_key_id)

    return Ports(
        table=table,
        blobs=blobs,
        key_service=key_service,
        secret=secret,
        mailer=mailer,
        private_blobs=private_blobs,
    )


_factory: Callable[[], Ports] = aws_ports


def install(factory: Callable[[], Ports]) -> None:
    """Replaces the AWS bundle (the local platform's own adapters, tests' fakes)."""
    global _factory  # noqa: PLW0603 - one bundle per process, like Lambda's container
    _factory = factory
    ports.cache_clear()


@cache
def ports() -> Ports:
    return _factory()


@cache
def mail_renderer() -> TemplateMailRenderer:
    from ..web.mail_renderer import TemplateMailRenderer
    from .settings import mail_settings

    return TemplateMailRenderer(mail_settings().platform_name)


@cache
def fetcher(own_base_url: str) -> SafeHttpFetcher:
    """Safe fetching for verification; our own host is allowed even on a private address
    (the local platform), and over http only when the platform itself runs on http."""
    from urllib.parse import urlsplit

    from ..adapters.http_fetcher import SafeHttpFetcher
    from .settings import verify_settings

    own = urlsplit(own_base_url)
    own_host = own.netloc.lower()
    return SafeHttpFetcher(
        allow_http_hosts={own_host} if own.scheme == "http" else set(),
        extra_ca_file=verify_settings().verify_extra_ca_file or None,
        allowed_private_hosts={own_host},
    )


def reset() -> None:
    """Forget everything cached (tests that rebuild the environment)."""
    from ..adapters import aws
    from . import settings

    settings.clear()
    ports.cache_clear()
    fetcher.cache_clear()
    mail_renderer.cache_clear()
    aws.reset()
