"""Turning domain records into table items and back (a JSON `doc` plus key attributes)."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

from .core import Item, Value

M = TypeVar("M", bound=BaseModel)


def item(key: tuple[str, str], record: BaseModel, **extra: Value) -> Item:
    pk, sk = key
    made: Item = {"PK": pk, "SK": sk, "doc": record.model_dump_json()}
    made.update(extra)
    return made


def load(model: type[M], found: Item | None) -> M | None:
    if not found:
        return None
    return model.model_validate_json(str(found["doc"]))
