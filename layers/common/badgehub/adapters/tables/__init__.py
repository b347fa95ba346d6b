"""Every store on one table: the aggregate modules over a `Table` core (DynamoDB, SQLite...)."""

from __future__ import annotations

from dataclasses import dataclass

from .analytics import TableAnalytics
from .assertions import TableAssertions
from .badges import TableApiKeys, TableBadges
from .batches import TableBatches
from .core import Table
from .cursors import Cursors
from .issuers import TableIssuers
from .outbox import TableOutbox
from .recipients import TableRecipients, TableSessions
from .statuslists import TableStatusLists
from .supplements import TableSupplements
from .webhooks import TableWebhooks


@dataclass(frozen=True)
class TableStores:
    issuers: TableIssuers
    keys: TableIssuers
    status_lists: TableStatusLists
    api_keys: TableApiKeys
    badges: TableBadges
    assertions: TableAssertions
    outbox: TableOutbox
    recipients: TableRecipients
    sessions: TableSessions
    supplements: TableSupplements
    analytics: TableAnalytics
    webhooks: TableWebhooks
    batches: TableBatches


def stores_on(table: Table, cursor_secret: bytes) -> TableStores:
    issuers = TableIssuers(table)
    return TableStores(
        issuers=issuers,
        keys=issuers,
        status_lists=TableStatusLists(table),
        api_keys=TableApiKeys(table),
        badges=TableBadges(table),
        assertions=TableAssertions(table, Cursors(cursor_secret)),
        outbox=TableOutbox(table),
        recipients=TableRecipients(table),
        sessions=TableSessions(table),
        supplements=TableSupplements(table),
        analytics=TableAnalytics(table),
        webhooks=TableWebhooks(table),
        batches=TableBatches(table),
    )
