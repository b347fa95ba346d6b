"""Badge classes and the API keys issuers call with."""

from __future__ import annotations

from ...domain.models import ApiKey, BadgeClass
from . import keyscheme
from .core import Absent, Table
from .records import item, load


class TableBadges:
    """Implements `BadgeStore`."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def put_badge(self, badge: BadgeClass) -> None:
        record = item(
            keyscheme.badge(badge.id),
            badge,
            GSI1PK=keyscheme.badges_of_issuer(badge.issuer_id),
            GSI1SK=keyscheme.badge_in_issuer(badge.created_at.isoformat(), badge.id),
        )
        self._table.put(record, Absent())

    def get_badge(self, badge_id: str) -> BadgeClass | None:
        return load(BadgeClass, self._table.get(*keyscheme.badge(badge_id)))


class TableApiKeys:
    """Implements `ApiKeyStore`."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def put_api_key(self, key: ApiKey) -> None:
        self._table.put(item(keyscheme.api_key(key.id), key), Absent())

    def get_api_key(self, key_id: str) -> ApiKey | None:
        return load(ApiKey, self._table.get(*keyscheme.api_key(key_id)))
