"""Bulk issuing: a file kept, its rows checked and queued by the worker, then issued row by row.

Each row is issued by `assertions.issue`, the one way a badge is issued, with the row's
identity as a permanent key (`Once`): whatever happens to workers and messages, a row's
identity is issued once, and every row is counted once (its outcome and its count are
written together, conditionally).
"""

from __future__ import annotations

import collections
import contextlib
import json
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ..domain.batches import (
    CSV,
    Batch,
    BatchStatus,
    Counts,
    Row,
    RowError,
    RowOutcome,
    Settled,
    check_header,
    check_row,
    media_type,
    read_rows,
)
from ..domain.errors import (
    ConcurrentUpdate,
    DomainError,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    ServiceUnavailable,
)
from ..domain.events import Event, EventType
from ..domain.models import AssertionInput
from ..domain.urls import PublicUrls
from ..ports import BatchStore, RowQueue, UploadStore
from . import assertions
from .assertions import AssertionPorts, Once, check_dates
from .auth import Principal, require_issuer
from .badges import get_owned_badge
from .status import allocate_block

ROWS_PER_MESSAGE = 50  # a message's rows share one status-list block and one settle write
MAX_MESSAGE_BYTES = 200 * 1024  # SQS takes 256 KiB; the rest is the envelope's margin
MESSAGES_PER_SEND = 10  # SQS SendMessageBatch's limit
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # checked and queued by one worker invocation
UPLOAD_SECONDS = 3600
UPLOAD_PREFIX = "batches/"  # template.yaml's upload notice filters on it
_BATCH_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
_INPUT_COLUMNS = {"issuedOn": "issued_on", "expires": "expires"}


class BatchPorts(AssertionPorts, Protocol):
    @property
    def batches(self) -> BatchStore: ...
    @property
    def row_queue(self) -> RowQueue: ...


class UploadPorts(BatchPorts, Protocol):
    @property
    def uploads(self) -> UploadStore: ...


@dataclass(frozen=True)
class BatchView:
    batch: Batch
    counts: Counts


def upload_key(batch_id: str) -> str:
    return f"{UPLOAD_PREFIX}{batch_id}"


def create_batch(
    principal: Principal,
    badge_id: str,
    body: bytes,
    content_type: str | None,
    *,
    dry_run: bool,
    notify: bool = True,
    ports: UploadPorts,
) -> BatchView:
    """Keeps the file and hands it to the worker, which checks every row and queues the valid
    ones: the answer comes at once, whatever the file's size (`validating`, then `issuing`).
    A file that cannot be a batch at all (encoding, header) is refused here."""
    badge = get_owned_badge(principal, badge_id, ports.badges)
    kind = media_type(content_type)
    check_header(body, kind)
    batch = _new_batch(
        badge.id, badge.issuer_id, kind, BatchStatus.VALIDATING, dry_run, notify, ports
    )
    ports.uploads.put(upload_key(batch.id), body, kind)
    ports.batches.create_batch(batch, ())
    _start(batch, ports)
    return _view(batch, ports)


def create_upload(
    principal: Principal,
    badge_id: str,
    content_type: str | None,
    *,
    dry_run: bool,
    notify: bool = True,
    ports: UploadPorts,
) -> tuple[BatchView, str]:
    """A batch waiting for its file, and the presigned URL to PUT the file to."""
    badge = get_owned_badge(principal, badge_id, ports.badges)
    kind = media_type(content_type)
    batch = _new_batch(
        badge.id, badge.issuer_id, kind, BatchStatus.AWAITING_UPLOAD, dry_run, notify, ports
    )
    # The URL first: an upload store that fails leaves no batch waiting for a file.
    url = ports.uploads.upload_url(upload_key(batch.id), kind, UPLOAD_SECONDS)
    ports.batches.create_batch(batch, ())
    return BatchView(batch, Counts()), url


def start_upload(principal: Principal, batch_id: str, *, ports: UploadPorts) -> BatchView:
    """The uploaded file landed: the worker checks and issues it. Starting twice starts once;
    the second answers with the batch as it is."""
    batch = get_batch(principal, batch_id, ports=ports).batch
    if batch.status is not BatchStatus.AWAITING_UPLOAD:
        return _view(batch, ports)
    if ports.uploads.size(upload_key(batch.id)) > MAX_UPLOAD_BYTES:
        raise PayloadTooLarge(f"the file is over {MAX_UPLOAD_BYTES} bytes", field="upload")
    started, _ = _begin(batch, ports)
    return _view(started, ports)


def upload_landed(key: str, size: int, *, ports: BatchPorts) -> Batch | None:
    """The upload bucket says a file landed at `key` (S3's ObjectCreated notice): its batch
    starts, as `POST /v1/batches/{id}/start` would start it. The started batch, or None when
    there is nothing to start: a key that is not a batch file, a batch that does not exist
    (a posted file lands before its batch is stored) or is no longer waiting (started by the
    API, or the notice delivered again)."""
    batch_id = batch_of_upload_key(key)
    batch = ports.batches.get_batch(batch_id) if batch_id else None
    if batch is None or batch.status is not BatchStatus.AWAITING_UPLOAD:
        return None
    if size > MAX_UPLOAD_BYTES:  # nobody is waiting on an answer: the batch says why
        _fail(batch, f"the uploaded file is over {MAX_UPLOAD_BYTES} bytes; split it", ports)
        return None
    started, mine = _begin(batch, ports, retried=True)
    return started if mine else None


def batch_of_upload_key(key: str) -> str | None:
    """The batch id an upload key names (`batches/<uuid>`), or None for any other key."""
    prefix, _, rest = key.partition("/")
    if prefix != UPLOAD_PREFIX.rstrip("/") or not _BATCH_ID.fullmatch(rest):
        return None
    return rest


def _begin(batch: Batch, ports: BatchPorts, *, retried: bool = False) -> tuple[Batch, bool]:
    """AWAITING_UPLOAD -> VALIDATING, conditionally, then the worker is told: of two starts
    (the API's and the bucket's notice, or one delivered twice) only one does the work.
    The batch as it now is, and whether this call started it. `retried`: the caller is
    tried again if the queue fails (the batch waits for it), rather than told (it fails)."""
    validating = batch.model_copy(
        update={"status": BatchStatus.VALIDATING, "updated_at": ports.clock.now()}
    )
    try:
        ports.batches.save_batch(validating, BatchStatus.AWAITING_UPLOAD)
    except ConcurrentUpdate:  # another start won: it does the work
        return ports.batches.get_batch(batch.id) or batch, False
    _start(validating, ports, waiting=batch if retried else None)
    return validating, True


def _new_batch(
    badge_id: str,
    issuer_id: str,
    kind: str,
    status: BatchStatus,
    dry_run: bool,
    notify: bool,
    ports: BatchPorts,
) -> Batch:
    now = ports.clock.now()
    return Batch(
        id=str(uuid.uuid4()),
        badge_id=badge_id,
        issuer_id=issuer_id,
        status=status,
        dry_run=dry_run,
        notify=notify,
        media_type=kind,
        created_at=now,
        updated_at=now,
    )


def _start(batch: Batch, ports: BatchPorts, *, waiting: Batch | None = None) -> None:
    """Hands the file to the worker. If the queue fails, the batch says so (503 to the
    caller), or, given the batch as it was `waiting` for its file, goes back to waiting, so
    that the notice S3 delivers again can start it."""
    try:
        ports.row_queue.send([json.dumps({"start": batch.id})])
    except ServiceUnavailable:
        if waiting is None:
            _fail(batch, "the queue failed; post the file again", ports)
        else:
            with contextlib.suppress(ConcurrentUpdate):
                ports.batches.save_batch(waiting, batch.status)
        raise


def _fail(batch: Batch, message: str, ports: BatchPorts) -> Batch:
    failed = batch.model_copy(
        update={"status": BatchStatus.FAILED, "message": message, "updated_at": ports.clock.now()}
    )
    with contextlib.suppress(ConcurrentUpdate):
        ports.batches.save_batch(failed, batch.status)
    return failed


def intake(batch_id: str, *, ports: UploadPorts) -> None:
    """The worker's first step: every row checked, valid rows queued as they are read (50 a
    message, so workers issue the first rows while the last are still being checked), rejected
    rows stored, then the batch counts its total and issues. A file refused whole is refused
    before its first row, so before anything is queued. A redelivered intake after a crash
    queues the rows again: harmless, each row is issued and counted once."""
    batch = ports.batches.get_batch(batch_id)
    if batch is None or batch.status is not BatchStatus.VALIDATING:
        return
    data = ports.uploads.read(upload_key(batch.id), MAX_UPLOAD_BYTES)
    errors: list[RowError] = []
    valid = 0

    def valid_rows() -> Iterator[Row]:
        nonlocal valid
        for checked in checked_rows(data, batch.media_type, ports.clock.now()):
            if isinstance(checked, RowError):
                errors.append(checked)
            else:
                valid += 1
                yield checked

    try:
        if batch.dry_run:
            collections.deque(valid_rows(), maxlen=0)
        else:
            _queue(batch, valid_rows(), ports)
        if not valid and not errors:
            raise InvalidInput("the file holds no rows", field="body")
    except DomainError as exc:  # the file as a whole is unreadable: say so on the batch
        _fail(batch, exc.message, ports)
        ports.uploads.delete(upload_key(batch.id))
        return
    ports.batches.add_errors(batch.id, errors)
    now = ports.clock.now()
    counted = batch.model_copy(
        update={
            "total": valid + len(errors),
            "status": BatchStatus.DONE if batch.dry_run else BatchStatus.ISSUING,
            "updated_at": now,
            "completed_at": now if batch.dry_run else None,
        }
    )
    ports.batches.save_batch(counted, BatchStatus.VALIDATING)
    ports.uploads.delete(upload_key(batch.id))
    _maybe_complete(counted, ports)  # rows settled before the total was known, or none at all


def _queue(batch: Batch, rows: Iterable[Row], ports: UploadPorts) -> None:
    """The rows' messages, sent as soon as a SendMessageBatch's worth is ready."""
    key = ports.secret_for("batch-rows")
    ready: list[str] = []
    for message in _messages(batch, rows, key):
        ready.append(message)
        if len(ready) == MESSAGES_PER_SEND:
            ports.row_queue.send(ready)
            ready = []
    if ready:
        ports.row_queue.send(ready)


def get_batch(principal: Principal, batch_id: str, *, ports: BatchPorts) -> BatchView:
    """The batch and its counts, for its issuer only (404 for anyone else: ids are secret)."""
    batch = ports.batches.get_batch(batch_id)
    if batch is None or principal.issuer_id != batch.issuer_id:
        raise NotFound("no batch with this id", field="batchId")
    require_issuer(principal, batch.issuer_id)
    return _view(batch, ports)


def batch_errors(principal: Principal, batch_id: str, *, ports: BatchPorts) -> list[RowError]:
    get_batch(principal, batch_id, ports=ports)
    return ports.batches.errors(batch_id)


def check_file(data: bytes, kind: str, ports: BatchPorts) -> tuple[list[Row], list[RowError]]:
    """Every row checked as a single issue checks it: valid rows and rejected ones."""
    rows: list[Row] = []
    errors: list[RowError] = []
    for checked in checked_rows(data, kind, ports.clock.now()):
        (errors if isinstance(checked, RowError) else rows).append(checked)  # type: ignore[arg-type]
    if not rows and not errors:
        raise InvalidInput("the file holds no rows", field="body")
    return rows, errors


def checked_rows(data: bytes, kind: str, now: datetime) -> Iterator[Row | RowError]:
    """Each row, checked, in file order; raises before the first when the file is refused whole."""
    for number, fields in read_rows(data, kind or CSV):
        checked = fields if isinstance(fields, RowError) else check_row(number, fields)
        if isinstance(checked, Row):
            try:
                check_dates(checked.data, now)
            except InvalidInput as exc:
                field = _INPUT_COLUMNS.get(exc.field or "", "row")
                checked = RowError(number, field, exc.message)
        yield checked


def _messages(batch: Batch, rows: Iterable[Row], key: bytes) -> Iterator[str]:
    chunk: list[dict[str, Any]] = []
    size = 0
    for row in rows:
        data = row.data.model_copy(update={"notify": batch.notify})
        entry = {
            "n": row.number,
            "id": row.identity(key),
            "input": data.model_dump(mode="json", by_alias=True, exclude_none=True),
        }
        length = len(json.dumps(entry))
        if chunk and (len(chunk) == ROWS_PER_MESSAGE or size + length > MAX_MESSAGE_BYTES):
            yield json.dumps({"batch": batch.id, "rows": chunk})
            chunk, size = [], 0
        chunk.append(entry)
        size += length
    if chunk:
        yield json.dumps({"batch": batch.id, "rows": chunk})


def handle_message(message: str, urls: PublicUrls, *, ports: UploadPorts) -> None:
    """One message of the row queue: a batch to start, or rows to issue."""
    body = json.loads(message)
    if "start" in body:
        intake(str(body["start"]), ports=ports)
    else:
        issue_rows(message, urls, ports=ports)


def issue_rows(message: str, urls: PublicUrls, *, ports: BatchPorts) -> None:
    """One queued message: each row issued once and counted once, then the batch settled if
    this was its last row. A dependency failure raises, so the message comes back; rows
    already settled are passed over when it does.

    Every row is signed first, then all are stored in one go: on the local table that is
    one commit (one fsync) a message, and no worker holds the write lock while it signs."""
    body = json.loads(message)
    batch = ports.batches.get_batch(str(body["batch"]))
    if batch is None:
        return  # a batch that no longer exists has nothing to count
    principal = Principal(issuer_id=batch.issuer_id)
    pending = [e for e in body["rows"] if ports.batches.outcome(batch.id, int(e["n"])) is None]
    issuing = _prepare(principal, batch, ports) if pending else None
    reserved = _reserve(batch, pending, ports, issuing)
    settled: list[Settled] = []
    signed: list[tuple[int, Once, assertions.Signed]] = []
    failure: ServiceUnavailable | ConcurrentUpdate | None = None
    try:
        for entry in pending:
            number = int(entry["n"])
            once = Once(identity=str(entry["id"]), tag=f"{batch.id}:{number}")
            try:
                row = _sign_row(principal, batch, entry, once, urls, ports, reserved, issuing)
            except (ServiceUnavailable, ConcurrentUpdate) as exc:
                failure = exc  # the rows signed so far are still stored and counted
                break
            if isinstance(row, assertions.Signed):
                signed.append((number, once, row))
            else:
                settled.append(Settled(number, *row))
        stored = assertions.store_all([row for _, _, row in signed], ports=ports)
        for (number, once, _), issued in zip(signed, stored, strict=True):
            settled.append(Settled(number, _outcome(batch, once, issued, ports)))
    finally:  # rows settled before a failure are counted now, not on the redelivery
        ports.batches.settle_rows(batch.id, settled)
    if failure is not None:
        raise failure  # passing: the message is delivered again, for the rows left
    _maybe_complete(batch, ports)


def _prepare(principal: Principal, batch: Batch, ports: BatchPorts) -> assertions.Issuing | None:
    """The badge, issuer and keys, read once for the message's rows rather than once a row.
    None when the badge or issuer is gone: each row then fails with the reason, as before."""
    try:
        return assertions.prepare_issuing(principal, batch.badge_id, ports=ports)
    except (ServiceUnavailable, ConcurrentUpdate):
        raise
    except DomainError:
        return None


def _reserve(
    batch: Batch,
    pending: list[dict[str, Any]],
    ports: BatchPorts,
    issuing: assertions.Issuing | None = None,
) -> dict[int, tuple[int, int]]:
    """Status-list entries for the rows that will be issued, claimed in one write. One left
    unused (a row that fails or turns out issued meanwhile) is harmless: no credential has it,
    so it is never revoked."""
    fresh = [
        int(e["n"])
        for e in pending
        if ports.assertions.get_idempotency(assertions.once_key(batch.issuer_id, str(e["id"])))
        is None
    ]
    if not fresh:
        return {}
    issuer = issuing.issuer if issuing else ports.issuers.get_issuer(batch.issuer_id)
    if issuer is None:
        return {}
    return dict(zip(fresh, allocate_block(issuer, len(fresh), ports=ports), strict=False))


def _sign_row(
    principal: Principal,
    batch: Batch,
    entry: dict[str, Any],
    once: Once,
    urls: PublicUrls,
    ports: BatchPorts,
    reserved: dict[int, tuple[int, int]],
    issuing: assertions.Issuing | None,
) -> assertions.Signed | tuple[RowOutcome, RowError | None]:
    """The row signed and ready to store, or its outcome already: failed (with the reason)
    or issued before (see `_outcome`)."""
    number = int(entry["n"])
    try:
        data = AssertionInput.model_validate(entry["input"])
        signed = assertions.sign_new(
            principal,
            batch.badge_id,
            data,
            None,
            urls,
            ports=ports,
            once=once,
            reserved=reserved.get(number),
            issuing=issuing,
        )
    except (ServiceUnavailable, ConcurrentUpdate):
        raise  # not the row's fault: the message comes back for it
    except DomainError as exc:
        field = _INPUT_COLUMNS.get(exc.field or "", exc.field or "row")
        return RowOutcome.FAILED, RowError(number, field, exc.message)
    if isinstance(signed, assertions.Signed):
        return signed
    return _outcome(batch, once, signed, ports), None


def _outcome(batch: Batch, once: Once, issued: assertions.Issued, ports: BatchPorts) -> RowOutcome:
    """Issued now; or issued before, by this very row (its worker died before counting it)
    or by another row or batch with the same identity (skipped)."""
    if not issued.replayed:
        return RowOutcome.ISSUED
    record = ports.assertions.get_idempotency(assertions.once_key(batch.issuer_id, once.identity))
    mine = record is not None and record.request_hash == once.tag
    return RowOutcome.ISSUED if mine else RowOutcome.SKIPPED


def fail_rows(message: str, *, ports: BatchPorts) -> None:
    """A message that ran out of receives (the dead-letter queue): its unsettled rows are
    failed, so the batch still settles and says which rows to send again. A batch whose
    start ran out of receives is failed as a whole: nothing of it was queued."""
    body = json.loads(message)
    if "start" in body:
        started = ports.batches.get_batch(str(body["start"]))
        if started is not None and started.status is BatchStatus.VALIDATING:
            _fail(started, "the file could not be read; post it again", ports)
        return
    batch = ports.batches.get_batch(str(body["batch"]))
    if batch is None:
        return
    settled: list[Settled] = []
    for entry in body["rows"]:
        number = int(entry["n"])
        record = ports.assertions.get_idempotency(
            assertions.once_key(batch.issuer_id, str(entry["id"]))
        )
        if record is not None:  # issued after all, before its worker died
            mine = record.request_hash == f"{batch.id}:{number}"
            settled.append(Settled(number, RowOutcome.ISSUED if mine else RowOutcome.SKIPPED))
            continue
        error = RowError(number, "row", "could not be issued after several attempts; send again")
        settled.append(Settled(number, RowOutcome.FAILED, error))
    ports.batches.settle_rows(batch.id, settled)
    _maybe_complete(batch, ports)


def _maybe_complete(batch: Batch, ports: BatchPorts) -> None:
    """The last row's worker marks the batch done and announces it, once.

    The batch is read again here: the one a message started with may predate its total (rows
    are issued while the file's last rows are still being queued)."""
    current = ports.batches.get_batch(batch.id)
    if current is None or current.status is not BatchStatus.ISSUING:
        return
    counts = ports.batches.counts(batch.id)
    if counts.settled < current.total:
        return
    now = ports.clock.now()
    done = current.model_copy(
        update={"status": BatchStatus.DONE, "updated_at": now, "completed_at": now}
    )
    event = Event(
        id=f"batch.completed:{batch.id}",
        type=EventType.BATCH_COMPLETED,
        issuer_id=batch.issuer_id,
        subject_id=batch.id,
        occurred_at=now,
        data={
            "batchId": batch.id,
            "badgeId": batch.badge_id,
            "total": current.total,
            "issued": counts.issued,
            "skipped": counts.skipped,
            "failed": counts.failed,
        },
    )
    ports.batches.complete(done, [event])


def _view(batch: Batch, ports: BatchPorts) -> BatchView:
    return BatchView(batch, ports.batches.counts(batch.id))
