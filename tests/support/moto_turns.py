"""Threads that share moto in-process must take turns inside it: moto is not safe under
parallel calls (its backends deep-copy dictionaries another thread is changing). What the
tests exercise is the code around the calls (leases, conditional writes), which still runs
at once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

import pytest

MOTO = threading.RLock()
DYNAMO_CALLS = (
    "get_item",
    "put_item",
    "delete_item",
    "update_item",
    "query",
    "transact_write_items",
)


def taking_turns(call: Callable[..., Any]) -> Callable[..., Any]:
    def one_at_a_time(**kwargs: Any) -> Any:
        with MOTO:
            return call(**kwargs)

    return one_at_a_time


def take_turns(monkeypatch: pytest.MonkeyPatch, client: Any, names: Iterable[str]) -> None:
    """Makes each named method of `client` run inside moto one call at a time."""
    for name in names:
        monkeypatch.setattr(client, name, taking_turns(getattr(client, name)))
