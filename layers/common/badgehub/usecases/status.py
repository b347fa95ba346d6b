"""Bitstring Status Lists: allocating a random index per credential, re-signing on revocation."""

from __future__ import annotations

import contextlib
from typing import Protocol

from ..domain import dataintegrity, statuslist
from ..domain.errors import ServiceUnavailable
from ..domain.keys import Algorithm
from ..domain.models import Issuer
from ..domain.urls import PublicUrls
from ..ports import (
    Clock,
    ConcurrentUpdate,
    IssuerStore,
    KeyService,
    KeyStore,
    StatusList,
    StatusStore,
)
from .signing import IssuerKeys, key_service_errors, load_keys, signer

TRIES_PER_LIST = 8  # random picks before a crowded list is left for a fresh one


class StatusPorts(Protocol):
    @property
    def issuers(self) -> IssuerStore: ...
    @property
    def keys(self) -> KeyStore: ...
    @property
    def status_lists(self) -> StatusStore: ...
    @property
    def key_service(self) -> KeyService: ...
    @property
    def clock(self) -> Clock: ...


def signed_list(
    issuer_id: str,
    number: int,
    revoked: frozenset[int],
    keys: IssuerKeys,
    urls: PublicUrls,
    key_service: KeyService,
    clock: Clock,
) -> dict[str, object]:
    """The list credential, signed by the issuer's DID with its current Ed25519 key."""
    key = keys.active(Algorithm.ED25519)
    did = urls.did(issuer_id)
    unsigned = statuslist.status_list_credential(
        list_url=urls.status_list(issuer_id, number),
        issuer=did,
        purpose="revocation",
        encoded_list=statuslist.encode_list(revoked),
        valid_from=clock.now(),
        ttl_ms=statuslist.TTL_MS,
    )
    with key_service_errors():
        return dataintegrity.add_proof(
            unsigned,
            verification_method=f"{did}#{key.key_id}",
            created=clock.now(),
            sign=signer(key_service, key),
        )


def allocate_index(issuer: Issuer, urls: PublicUrls, *, ports: StatusPorts) -> tuple[int, int]:
    """(list number, index): a random free index, moving to a fresh list when one is crowded."""
    store, key_service, clock = ports.status_lists, ports.key_service, ports.clock
    for _ in range(4):
        number = issuer.status_list
        for _ in range(TRIES_PER_LIST):
            index = statuslist.random_index()
            if store.reserve_status_index(issuer.id, number, index):
                return number, index
        fresh = StatusList(
            issuer_id=issuer.id,
            number=number + 1,
            revoked=frozenset(),
            version=1,
            credential=signed_list(
                issuer.id,
                number + 1,
                frozenset(),
                load_keys(issuer.id, ports.keys),
                urls,
                key_service,
                clock,
            ),
        )
        with contextlib.suppress(ConcurrentUpdate):  # another request opened it first: use theirs
            store.open_status_list(issuer.model_copy(update={"status_list": number + 1}), fresh)
        reread = ports.issuers.get_issuer(issuer.id)
        if reread is None:
            break
        issuer = reread
    raise ServiceUnavailable("could not allocate a status list entry; please retry")


BLOCK_TRIES = 6  # each try swaps only the picks found taken: a crowded list still settles


def allocate_block(issuer: Issuer, count: int, *, ports: StatusPorts) -> list[tuple[int, int]]:
    """`count` random free indexes of the issuer's current list in one write (a batch's rows).

    A pick found taken is swapped for another and the block tried again: with a tenth of a
    list in use, a block of 50 meets about five taken picks, then none. Empty if it still
    collides after a few tries: each row then allocates its own, as a single issue does."""
    if count <= 0:
        return []
    indexes = statuslist.random_indexes(count)
    for _ in range(BLOCK_TRIES):
        taken = ports.status_lists.reserve_status_indexes(issuer.id, issuer.status_list, indexes)
        if not taken:
            return [(issuer.status_list, index) for index in indexes]
        indexes = statuslist.replace_taken(indexes, taken)
    return []
    for _ in range(2):
        indexes = statuslist.random_indexes(count)
        if ports.status_lists.reserve_status_indexes(issuer.id, issuer.status_list, indexes):
            return [(issuer.status_list, index) for index in indexes]
    return []
