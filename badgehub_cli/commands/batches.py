"""`badgehub batches status ID` and `badgehub batches errors ID`: a batch's progress and counts,
and its rejected rows (a CSV of row, field, message)."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any, Protocol

from ..client import Client, Reply
from ..config import Config
from ..errors import OK, CliError
from ..output import safe, write

# Ids travel in request paths alongside the API key: only the characters ids are made of.
_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")


class Api(Protocol):
    """What the batch commands need of `Client` (tests hand in a fake)."""

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        content_type: str | None = None,
        authenticated: bool = False,
        accept: str = "application/json",
    ) -> Reply: ...

    def put_url(self, url: str, body: bytes, headers: dict[str, str]) -> None: ...


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "batches",
        help="a bulk issue's progress and rejected rows",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    status = actions.add_parser("status", help="the batch's state and counts")
    status.add_argument("batch", metavar="ID")
    status.add_argument("--json", action="store_true", help="the batch exactly as the API says")
    status.set_defaults(run=run_status)
    errors = actions.add_parser("errors", help="the rejected rows as CSV (row, field, message)")
    errors.add_argument("batch", metavar="ID")
    errors.add_argument("-o", "--output", metavar="FILE", help="save to FILE (default: stdout)")
    errors.set_defaults(run=run_errors)


def is_id(value: str) -> bool:
    return bool(_ID.fullmatch(value))


def checked_id(value: str, what: str) -> str:
    if not is_id(value):
        raise CliError(f"{what} must be an id (letters, digits, - and _), not {safe(value)!r}")
    return value


def batch_of(document: Any) -> dict[str, Any]:
    if not isinstance(document, dict) or not isinstance(document.get("status"), str):
        raise CliError("the platform's answer is not a batch")
    return document


def get_batch(client: Api, batch_id: str) -> dict[str, Any]:
    return batch_of(client.request("GET", f"/v1/batches/{batch_id}", authenticated=True).json())


def errors_csv(client: Api, batch_id: str) -> bytes:
    reply = client.request(
        "GET", f"/v1/batches/{batch_id}/errors", authenticated=True, accept="text/csv"
    )
    return reply.body


def download_errors(client: Api, batch_id: str, to: Path) -> Path:
    save(errors_csv(client, checked_id(batch_id, "the platform's batch id")), to)
    return to


def save(data: bytes, to: Path) -> None:
    partial = to.with_name(to.name + ".tmp")
    try:
        partial.write_bytes(data)
        os.replace(partial, to)
    except OSError as failed:
        raise CliError(f"cannot write {to}: {failed.strerror or failed}") from None


def run_status(args: argparse.Namespace, config: Config) -> int:
    batch = get_batch(Client(config), checked_id(args.batch, "the batch"))
    if args.json:
        write(json.dumps(batch, indent=2, ensure_ascii=False))
    else:
        print_status(batch)
    return OK


def print_status(batch: dict[str, Any]) -> None:
    def count(name: str) -> str:
        return safe(batch.get(name, 0))

    title = f"Batch {safe(batch.get('id', '?'))}: {safe(batch['status'])}"
    write(title + (" (dry run: nothing is issued)" if batch.get("dryRun") else ""))
    if batch.get("message"):
        write(f"  Why:       {safe(batch['message'])}")
    write(f"  Badge:     {safe(batch.get('badgeId', '?'))}")
    write(
        f"  Rows:      {count('total')} (issued {count('issued')}, skipped {count('skipped')},"
        f" failed {count('failed')}, pending {count('pending')})"
    )
    if batch.get("dryRun") and "valid" in batch:
        write(f"  Valid:     {count('valid')} would be issued")
    for label, key in (("Created", "createdAt"), ("Updated", "updatedAt"), ("Done", "completedAt")):
        if batch.get(key):
            write(f"  {label + ':':<11}{safe(batch[key])}")
    if isinstance(batch.get("failed"), int) and batch["failed"] > 0:
        write(f"  Errors:    badgehub batches errors {safe(batch.get('id', 'ID'))} -o errors.csv")


def run_errors(args: argparse.Namespace, config: Config) -> int:
    data = errors_csv(Client(config), checked_id(args.batch, "the batch"))
    if args.output:
        save(data, Path(args.output))
        print(f"badgehub: saved the rejected rows to {safe(args.output)}", file=sys.stderr)
    elif sys.stdout.isatty():  # a terminal gets no control characters, whatever a cell holds
        for line in data.decode("utf-8", "replace").splitlines():
            write(safe(line))
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    return OK
