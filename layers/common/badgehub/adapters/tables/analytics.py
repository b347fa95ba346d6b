"""Earner analytics: one counter item per badge and day, each surface an atomically added number."""

from __future__ import annotations

from . import keyscheme
from .core import Table

SURFACE_ATTRIBUTES = ("share_view", "verification_view", "api_verification", "download")


class TableAnalytics:
    """Implements `AnalyticsStore`."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def add_view(self, assertion_id: str, day: str, surface: str) -> None:
        if surface not in SURFACE_ATTRIBUTES:
            raise ValueError(f"unknown surface {surface!r}")
        self._table.add(*keyscheme.views(assertion_id, day), {surface: 1})

    def recent_days(self, assertion_id: str, limit: int) -> list[tuple[str, dict[str, int]]]:
        """The newest `limit` days that have any count, newest first (one query)."""
        partition, _ = keyscheme.views(assertion_id, "")
        page = self._table.query(
            partition, prefix=keyscheme.VIEWS_PREFIX, limit=limit, descending=True
        )
        return [
            (
                str(item["SK"])[len(keyscheme.VIEWS_PREFIX) :],
                {name: int(item.get(name, 0)) for name in SURFACE_ATTRIBUTES},
            )
            for item in page.items
        ]
