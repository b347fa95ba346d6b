"""`badgehub issue --badge ID --csv FILE`: issue a badge to every row of a CSV file, with a
progress bar, a summary and the rejected rows saved next to the file.

A file up to the API's body limit is posted; a larger one (or one the platform refuses as too
large) goes through a presigned upload. The batch id is kept in `FILE.badgehub-batch` until the
batch settles, so running the same command again after Ctrl-C (or a lost connection) watches
the same batch instead of posting the file again; posting again would be harmless anyway, since
the platform never issues a row twice (rows already issued are counted as skipped).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from ..client import ApiError, Client
from ..config import Config
from ..errors import INTERRUPTED, OK, SOME_FAILED, CliError
from ..files import read_at_most
from ..output import safe, write
from . import batches as api

CSV = "text/csv"
# The platform's default body limit (MAX_BODY_BYTES); larger files are uploaded instead, and a
# platform configured lower answers 413, which also sends the file the upload way.
MAX_POST = 2 * 1024 * 1024
MAX_FILE = 20 * 1000 * 1000  # what one upload may carry
STATE_SUFFIX = ".badgehub-batch"
ERRORS_SUFFIX = ".errors.csv"
POLL_SECONDS = 1.0
PLAIN_EVERY = 5.0  # seconds between progress lines when stderr is not a terminal
BAR_WIDTH = 30
SETTLED = ("done", "failed")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "issue",
        help="issue a badge to every row of a CSV file, with progress and a summary",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog=(
            "Exit status: 0 every row issued or skipped, 1 some rows failed (see FILE.errors.csv),"
            " 2 usage or connection error, 130 interrupted (run it again to resume)."
        ),
    )
    parser.add_argument("--badge", required=True, metavar="ID", help="the badge class to issue")
    parser.add_argument("--csv", required=True, metavar="FILE", help="the rows (a header row)")
    parser.add_argument("--dry-run", action="store_true", help="check every row, issue nothing")
    parser.add_argument("--no-notify", action="store_true", help="send the recipients no e-mail")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, config: Config) -> int:
    job = Job(
        badge_id=api.checked_id(args.badge, "--badge"),
        file=Path(args.csv),
        dry_run=args.dry_run,
        notify=not args.no_notify,
    )
    return issue(Client(config), job, Progress(sys.stderr))


@dataclass(frozen=True)
class Job:
    badge_id: str
    file: Path
    dry_run: bool
    notify: bool

    @property
    def state_file(self) -> Path:
        return self.file.with_name(self.file.name + STATE_SUFFIX)

    @property
    def errors_file(self) -> Path:
        return self.file.with_name(self.file.name + ERRORS_SUFFIX)

    def query(self) -> str:
        return f"?dryRun={str(self.dry_run).lower()}&notify={str(self.notify).lower()}"


def issue(
    client: api.Api,
    job: Job,
    progress: Progress,
    sleep: Callable[[float], None] | None = None,
) -> int:
    sleep = sleep or time.sleep
    data = read_file(job.file)
    fingerprint = hashlib.sha256(data).hexdigest()
    batch_id = resumable(job, fingerprint)
    try:
        batch = _resume(client, batch_id, progress) if batch_id else None
        if batch is None:
            batch_id = None
            batch = send(client, job, data)
            batch_id = api.checked_id(str(batch.get("id", "")), "the platform's batch id")
            save_state(job, fingerprint, batch_id, progress)
            progress.note(f"batch {batch_id}: {len(data)} bytes sent")
        watched = api.checked_id(str(batch.get("id", "")), "the platform's batch id")
        while str(batch.get("status")) not in SETTLED:
            progress.update(batch)
            sleep(POLL_SECONDS)
            batch = api.get_batch(client, watched)
        progress.update(batch)
        progress.finish()
    except KeyboardInterrupt:
        progress.finish()
        raise CliError(_resume_hint("interrupted", batch_id, job), INTERRUPTED) from None
    except CliError as failed:
        progress.finish()
        if batch_id is None and isinstance(failed, ApiError):
            raise  # refused before any batch existed (a wrong badge, a bad file): as it says
        raise CliError(_resume_hint(failed.message, batch_id, job), failed.code) from None
    job.state_file.unlink(missing_ok=True)  # settled: running again posts anew (and skips)
    return summarise(client, job, batch)


def _resume(client: api.Api, batch_id: str, progress: Progress) -> dict[str, Any] | None:
    try:
        batch = api.get_batch(client, batch_id)
    except ApiError as refused:
        if refused.status != 404:
            raise
        progress.note(f"batch {batch_id} is not on this platform: sending the file again")
        return None
    progress.note(f"resuming batch {batch_id} (this file was sent before; not sending it again)")
    return batch


def _resume_hint(message: str, batch_id: str | None, job: Job) -> str:
    again = f"badgehub issue --badge {job.badge_id} --csv {job.file}"
    if batch_id:
        return (
            f"{message}; batch {batch_id} goes on on the platform: run `{again}` again to "
            f"resume watching it (or `badgehub batches status {batch_id}`)"
        )
    return f"{message}; running `{again}` again is safe: the platform never issues a row twice"


def read_file(file: Path) -> bytes:
    data = read_at_most(file, MAX_FILE, str(file), "a CSV file")
    if len(data) > MAX_FILE:
        raise CliError(f"{file} is larger than {MAX_FILE // 1_000_000} MB: split it into files")
    if not data.strip():
        raise CliError(f"{file} is empty")
    return data


def resumable(job: Job, fingerprint: str) -> str | None:
    """The batch this very file was sent as, for this badge and these options, if any."""
    try:
        state = json.loads(job.state_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None  # unreadable: post again, which issues nothing twice
    if not isinstance(state, dict):
        return None
    wanted = {
        "badgeId": job.badge_id,
        "sha256": fingerprint,
        "dryRun": job.dry_run,
        "notify": job.notify,
    }
    if any(state.get(key) != value for key, value in wanted.items()):
        return None
    batch_id = state.get("batchId")
    # The id goes into a request path with the API key: only an id, never `../` or a query.
    return batch_id if isinstance(batch_id, str) and api.is_id(batch_id) else None


def save_state(job: Job, fingerprint: str, batch_id: str, progress: Progress) -> None:
    state = {
        "batchId": batch_id,
        "badgeId": job.badge_id,
        "sha256": fingerprint,
        "dryRun": job.dry_run,
        "notify": job.notify,
    }
    partial = job.state_file.with_name(job.state_file.name + ".tmp")
    try:
        partial.write_text(json.dumps(state) + "\n", encoding="utf-8")
        os.replace(partial, job.state_file)
    except OSError as failed:
        progress.note(
            f"cannot write {job.state_file} ({failed.strerror or failed}): "
            f"if interrupted, follow it with `badgehub batches status {batch_id}`"
        )


def send(client: api.Api, job: Job, data: bytes) -> dict[str, Any]:
    path = f"/v1/badges/{job.badge_id}/batches"
    if len(data) <= MAX_POST:
        try:
            reply = client.request(
                "POST", path + job.query(), body=data, content_type=CSV, authenticated=True
            )
            return api.batch_of(reply.json())
        except ApiError as refused:
            if refused.status != 413:
                raise
    created = api.batch_of(
        client.request(
            "POST", f"{path}/uploads{job.query()}&contentType=text%2Fcsv", authenticated=True
        ).json()
    )
    upload = created.get("upload")
    if not isinstance(upload, dict) or not isinstance(upload.get("url"), str):
        raise CliError("the platform's answer has no upload address")
    headers = upload.get("headers")
    if not isinstance(headers, dict):
        headers = {}
    client.put_url(upload["url"], data, {str(k): str(v) for k, v in headers.items()})
    batch_id = api.checked_id(str(created.get("id", "")), "the platform's batch id")
    reply = client.request("POST", f"/v1/batches/{batch_id}/start", authenticated=True)
    return api.batch_of(reply.json())


def summarise(client: api.Api, job: Job, batch: dict[str, Any]) -> int:
    counts = {name: _count(batch, name) for name in ("total", "issued", "skipped", "failed")}
    if batch.get("status") == "failed":
        write(f"✗ the batch failed: {safe(batch.get('message') or 'no reason given')}")
    if batch.get("dryRun"):
        valid = _count(batch, "valid")
        write(
            f"Dry run: {valid} of {counts['total']} rows would be issued, "
            f"{counts['failed']} rejected; nothing was issued."
        )
    else:
        write(
            f"Issued {counts['issued']}, skipped {counts['skipped']} (issued before), "
            f"failed {counts['failed']}, of {counts['total']} rows."
        )
    if counts["failed"]:
        saved = api.download_errors(client, str(batch["id"]), job.errors_file)
        write(f"The rejected rows and why: {safe(saved)}")
    return SOME_FAILED if counts["failed"] or batch.get("status") == "failed" else OK


def _count(batch: dict[str, Any], name: str) -> int:
    value = batch.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


class Progress:
    """One line redrawn with `\\r` on a terminal; elsewhere (a log, CI) a line now and then."""

    def __init__(
        self,
        stream: TextIO,
        *,
        tty: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.clock = clock
        self._drawn = 0  # characters on the terminal's current line
        self._last: tuple[str, float] | None = None

    def note(self, message: str) -> None:
        self._end_line()
        self._put(f"badgehub: {safe(message)}\n")

    def update(self, batch: dict[str, Any]) -> None:
        line = render(batch)
        if self.tty:
            self._put("\r" + line.ljust(self._drawn))
            self._drawn = len(line)
            return
        if self._last is not None and line == self._last[0]:
            return
        now = self.clock()
        settled = batch.get("status") in SETTLED
        if self._last is None or settled or now - self._last[1] >= PLAIN_EVERY:
            self._put(line + "\n")
            self._last = (line, now)

    def finish(self) -> None:
        self._end_line()

    def _end_line(self) -> None:
        if self._drawn:
            self._put("\n")
            self._drawn = 0

    def _put(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (BrokenPipeError, ValueError):
            pass  # whoever read the progress went away; the batch and the summary go on


def render(batch: dict[str, Any], width: int = BAR_WIDTH) -> str:
    """`[#######.......]  45%  450/1000  issued 440 · skipped 5 · failed 5  issuing`."""
    status = safe(batch.get("status") or "?")
    total = _count(batch, "total")
    pending = min(_count(batch, "pending"), total)
    if status == "validating" or (total == 0 and status not in SETTLED):
        return f"[{'.' * width}]  checking the rows…"
    settled = total - pending if status not in SETTLED else total
    share = settled / total if total else 1.0
    filled = round(share * width)
    counts = " · ".join(f"{name} {_count(batch, name)}" for name in ("issued", "skipped", "failed"))
    return (
        f"[{'#' * filled}{'.' * (width - filled)}] {share:4.0%}  {settled}/{total}  "
        f"{counts}  {status}"
    )
