"""Diploma Supplement versions: one record per version, under the assertion they belong to."""

from __future__ import annotations

from ...domain.supplements import Supplement
from . import keyscheme
from .core import Table
from .records import load


class TableSupplements:
    """Implements `SupplementReader` (and the issuer's writes, which sit next to it)."""

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
