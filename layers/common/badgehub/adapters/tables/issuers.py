"""Issuers and their signing keys (one partition per issuer)."""

from __future__ import annotations

from ...domain.keys import SigningKey
from ...domain.models import Issuer
from ...ports import StatusList
from . import keyscheme
from .core import Absent, Equals, Item, Put, Table
from .records import item, load
from .statuslists import status_item


def issuer_item(issuer: Issuer) -> Item:
    return item(
        keyscheme.issuer(issuer.id),
        issuer,
        key_count=issuer.key_count,
        status_list=issuer.status_list,
    )


def key_item(key: SigningKey) -> Item:
    return item(keyscheme.signing_key(key.issuer_id, key.key_id), key)


class TableIssuers:
    """Implements `IssuerStore` and `KeyStore`."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def create_issuer(self, issuer: Issuer, keys: list[SigningKey], status: StatusList) -> None:
        writes = [Put(issuer_item(issuer), Absent())]
        writes += [Put(key_item(key), Absent()) for key in keys]
        writes.append(Put(status_item(status), Absent()))
        self._table.transact(writes)

    def get_issuer(self, issuer_id: str) -> Issuer | None:
        return load(Issuer, self._table.get(*keyscheme.issuer(issuer_id)))

    def list_keys(self, issuer_id: str) -> list[SigningKey]:
        pk, _ = keyscheme.issuer(issuer_id)
        page = self._table.query(pk, prefix=keyscheme.KEY_PREFIX)
        return [k for k in (load(SigningKey, i) for i in page.items) if k]

    def rotate_keys(self, issuer: Issuer, retired: list[SigningKey], new: list[SigningKey]) -> None:
        before = issuer.key_count - len(new)
        writes = [Put(issuer_item(issuer), Equals("key_count", before))]
        writes += [Put(key_item(key)) for key in retired]
        writes += [Put(key_item(key), Absent()) for key in new]
        self._table.transact(writes)
