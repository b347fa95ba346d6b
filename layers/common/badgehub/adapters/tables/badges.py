"""Badge classes and the API keys issuers call with."""

from __future__ import annotations

from ...domain.models import ApiKey, BadgeClass
from . import keyscheme
from .core import Absent, Table
from .records import item, load

BADGES_PER_ISSUER_PAGE = 200  # what one issuer page lists; more are left for a later page


def _badge_id_of(sort_key: str) -> str:
    """`AWARDED#<badge id>#<shard>` -> the badge id."""
    return sort_key[len(keyscheme.AWARDED_PREFIX) :].rsplit("#", 1)[0]


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

    def list_badges(self, issuer_id: str) -> list[BadgeClass]:
        """The issuer's badge classes, oldest first (one index query)."""
        page = self._table.query(
            keyscheme.badges_of_issuer(issuer_id),
            prefix="BADGE#",
            index="GSI1",
            limit=BADGES_PER_ISSUER_PAGE,
        )
        return [b for b in (load(BadgeClass, i) for i in page.items) if b]

    def awarded_counts(self, issuer_id: str, badge_id: str | None = None) -> dict[str, int]:
        """Badges awarded and not revoked, per badge id: the counters the issue and revoke
        transactions keep, summed over their shards (one query, whatever the number issued)."""
        prefix = keyscheme.awarded_of_badge(badge_id) if badge_id else keyscheme.AWARDED_PREFIX
        counts: dict[str, int] = {}
        for shard in self._table.query(keyscheme.badges_of_issuer(issuer_id), prefix=prefix).items:
            badge = _badge_id_of(str(shard["SK"]))
            counts[badge] = counts.get(badge, 0) + int(shard.get("awarded", 0))
        return counts


class TableApiKeys:
    """Implements `ApiKeyStore`."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def put_api_key(self, key: ApiKey) -> None:
        self._table.put(item(keyscheme.api_key(key.id), key), Absent())

    def get_api_key(self, key_id: str) -> ApiKey | None:
        return load(ApiKey, self._table.get(*keyscheme.api_key(key_id)))
