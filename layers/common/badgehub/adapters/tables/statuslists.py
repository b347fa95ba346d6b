"""Bitstring status lists, their index claims and the revoked-assertion register."""

from __future__ import annotations

import json

from ...domain.models import Issuer
from ...ports import StatusList
from . import keyscheme
from .core import Absent, ConditionFailed, Equals, Item, Put, Table, Write


def status_item(status: StatusList) -> Item:
    pk, sk = keyscheme.status_list(status.issuer_id, status.number)
    return {
        "PK": pk,
        "SK": sk,
        "version": status.version,
        "revoked": json.dumps(sorted(status.revoked)),
        "credential": json.dumps(status.credential, separators=(",", ":")),
    }


def versioned_status_put(status: StatusList) -> Put:
    """Replaces the list only if nobody re-signed it since it was read."""
    return Put(status_item(status), Equals("version", status.version - 1))


class TableStatusLists:
    """Implements `StatusStore`."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def get_status_list(self, issuer_id: str, number: int) -> StatusList | None:
        found = self._table.get(*keyscheme.status_list(issuer_id, number))
        if not found:
            return None
        return StatusList(
            issuer_id=issuer_id,
            number=number,
            revoked=frozenset(json.loads(str(found["revoked"]))),
            version=int(found["version"]),
            credential=json.loads(str(found["credential"])),
        )

    def reserve_status_index(self, issuer_id: str, number: int, index: int) -> bool:
        pk, sk = keyscheme.status_index(issuer_id, number, index)
        try:
            self._table.put({"PK": pk, "SK": sk}, Absent())
        except ConditionFailed:
            return False
        return True

    def reserve_status_indexes(self, issuer_id: str, number: int, indexes: list[int]) -> list[int]:
        writes: list[Write] = []
        for index in indexes:
            pk, sk = keyscheme.status_index(issuer_id, number, index)
            writes.append(Put({"PK": pk, "SK": sk}, Absent()))
        try:
            self._table.transact(writes)
        except ConditionFailed as exc:
            return [indexes[position] for position in exc.failed] or list(indexes)
        return []

    def release_status_index(self, issuer_id: str, number: int, index: int) -> None:
        self._table.delete(*keyscheme.status_index(issuer_id, number, index))

    def open_status_list(self, issuer: Issuer, status: StatusList) -> None:
        from .issuers import issuer_item

        self._table.transact(
            [
                Put(issuer_item(issuer), Equals("status_list", status.number - 1)),
                Put(status_item(status), Absent()),
            ]
        )

    def revoked_assertions(self, issuer_id: str) -> list[tuple[str, str | None]]:
        pk, _ = keyscheme.issuer(issuer_id)
        page = self._table.query(pk, prefix=keyscheme.REVOKED_PREFIX)
        return [
            (str(i["SK"]).removeprefix(keyscheme.REVOKED_PREFIX), str(i["reason"]) or None)
            for i in page.items
        ]
