"""Diploma Supplement versions: one record per version, under the assertion they belong to."""

from __future__ import annotations

from collections.abc import Sequence

from ...domain.events import Event
from ...domain.supplements import Supplement
from . import keyscheme
from .core import Absent, Check, Equals, Put, Table
from .outbox import event_put
from .records import item, load


class TableSupplements:
    """Implements `SupplementStore` (and so `SupplementReader`)."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def versions(self, assertion_id: str) -> list[Supplement]:
        """Every version, oldest first (the issuer's audit trail)."""
        pk, _ = keyscheme.supplement(assertion_id, 1)
        page = self._table.query(pk, prefix=keyscheme.SUPPLEMENT_PREFIX)
        found = [load(Supplement, record) for record in page.items]
        return sorted((s for s in found if s is not None), key=lambda s: s.version)

    def current(self, assertion_id: str) -> Supplement | None:
        versions = self.versions(assertion_id)
        if not versions or not versions[-1].current:
            return None
        return versions[-1]

    def attach(self, supplement: Supplement, events: Sequence[Event]) -> None:
        key = keyscheme.supplement(supplement.assertion_id, supplement.version)
        put = Put(item(key, supplement, current=True), Absent())
        self._table.transact([put, *[event_put(e) for e in events]])

    def withdraw(self, supplement: Supplement, events: Sequence[Event]) -> None:
        key = keyscheme.supplement(supplement.assertion_id, supplement.version)
        put = Put(item(key, supplement, current=False), Equals("current", True))
        newer = Check(
            *keyscheme.supplement(supplement.assertion_id, supplement.version + 1), Absent()
        )
        self._table.transact([put, newer, *[event_put(e) for e in events]])
