"""The local platform's mailbox: what "SES" accepted, kept on disk, shown at `/_local/mail`.

Dev-only: it is a `Mailer` for the local platform and two pages of its front; `template.yaml`
never mentions it and nothing deployed imports it.
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from badgehub.ports import Mail, MailerError

_LINK = re.compile(r"https?://[^\s<>\"']+")


class LocalMailbox:
    """Implements `Mailer` into an SQLite file, safe across the platform's worker processes.

    `failing = True` (tests, or `POST /_local/mail/fail`) makes it refuse, as SES might."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._local = threading.local()
        self.failing = False
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connection() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS mail (id INTEGER PRIMARY KEY, recipient TEXT NOT NULL,"
                " subject TEXT NOT NULL, text TEXT NOT NULL, html TEXT NOT NULL,"
                " sent_at TEXT NOT NULL)"
            )

    def _connection(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self._path, timeout=10, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            self._local.db = db
        return db

    def send(self, mail: Mail) -> None:
        if self.failing:
            raise MailerError("the local mailbox is set to fail")
        sent_at = datetime.now(UTC).isoformat()
        self._connection().execute(
            "INSERT INTO mail (recipient, subject, text, html, sent_at) VALUES (?, ?, ?, ?, ?)",
            (mail.to, mail.subject, mail.text, mail.html, sent_at),
        )

    def messages(self, to: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """Newest first, optionally only those to one address."""
        query = "SELECT recipient, subject, text, html, sent_at FROM mail"
        args: tuple[Any, ...] = ()
        if to:
            query += " WHERE lower(recipient) = lower(?)"
            args = (to,)
        query += " ORDER BY id DESC LIMIT ?"
        rows = self._connection().execute(query, (*args, limit)).fetchall()
        return [
            {"to": r[0], "subject": r[1], "text": r[2], "html": r[3], "sentAt": r[4]} for r in rows
        ]


def mailbox_json(box: LocalMailbox, to: str | None) -> bytes:
    return json.dumps(box.messages(to), ensure_ascii=False).encode()


def mailbox_page(box: LocalMailbox, to: str | None) -> bytes:
    """A plain page: each e-mail's text with its links clickable (the HTML body is not
    rendered here: it is shown as the recipient's own mail client would, elsewhere)."""
    items = []
    for mail in box.messages(to):
        body = _LINK.sub(
            lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', html.escape(mail["text"])
        )
        items.append(
            "<article><h2>{subject}</h2><p class=meta>To {to}, {sent}</p><pre>{body}</pre>"
            "</article>".format(
                subject=html.escape(mail["subject"]),
                to=html.escape(mail["to"]),
                sent=html.escape(mail["sentAt"]),
                body=body,
            )
        )
    listing = "\n".join(items) or "<p>No e-mail yet. Issue a badge and it shows here.</p>"
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        "<title>Local mailbox</title></head><body><main>"
        "<h1>Local mailbox</h1><p>What the local platform's mail service accepted, newest first."
        ' As JSON: <a href="/_local/mail.json">/_local/mail.json</a>.</p>'
        f"{listing}</main></body></html>"
    ).encode()
