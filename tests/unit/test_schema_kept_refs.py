"""The schema check that keeps valid parts reports exactly what plain jsonschema reports."""

from __future__ import annotations

import copy
import json
import random
from importlib.resources import files
from typing import Any

import jsonschema
import pytest

from badgehub.domain.verification import ob3 as checks
from tests.unit.test_jsonld_differential import ALL

SCHEMA = json.loads(
    (
        files("badgehub") / "data" / "schemas" / "ob_v3p0_achievementcredential_schema.json"
    ).read_text(encoding="utf-8")
)
PLAIN = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)
CREDENTIALS = [doc for name, doc in sorted(ALL.items()) if "credential" in name]
ODD_VALUES: list[Any] = [None, True, 0, 1.5, "", "x", [], {}, ["x"], {"id": 3}, "2026-13-45"]


def errors(validator: Any, document: Any) -> list[tuple[list[Any], str, str]]:
    found = validator.iter_errors(document)
    return sorted(((list(e.path), e.message, str(e.validator)) for e in found), key=str)


def leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [path] + [p for k, v in value.items() for p in leaves(v, (*path, k))]
    if isinstance(value, list):
        return [path] + [p for i, v in enumerate(value) for p in leaves(v, (*path, i))]
    return [path]


def changed(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    copied = copy.deepcopy(document)
    if not path:
        return value
    holder = copied
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = value
    return copied


def test_the_kept_validator_is_in_use() -> None:
    validator = checks._schema_validator()
    assert validator is not None
    assert type(validator).VALIDATORS["$ref"] is not type(PLAIN).VALIDATORS["$ref"]


@pytest.mark.parametrize("position", range(len(CREDENTIALS)))
def test_every_platform_credential_gets_the_same_answer(position: int) -> None:
    validator = checks._schema_validator()
    document = CREDENTIALS[position]
    for _ in range(2):  # then with its parts kept
        assert errors(validator, document) == errors(PLAIN, document)


def test_three_hundred_changed_credentials_get_the_same_errors_after_their_valid_originals() -> (
    None
):
    """Each valid original first (its parts are kept), then one part changed to an odd value:
    what was kept valid must never hide the change."""
    validator = checks._schema_validator()
    chance = random.Random(15)
    differing = 0
    for _ in range(300):
        original = chance.choice(CREDENTIALS)
        errors(validator, original)
        path = chance.choice(leaves(original))
        broken = changed(original, path, chance.choice(ODD_VALUES))
        expected = errors(PLAIN, broken)
        assert errors(validator, broken) == expected, path
        differing += bool(expected)
    assert differing > 90  # the changes really broke most credentials


def test_a_broken_credential_stays_broken_when_asked_again() -> None:
    validator = checks._schema_validator()
    broken = changed(CREDENTIALS[0], ("issuer", "id"), 3)
    first = errors(validator, broken)
    assert first
    assert errors(validator, broken) == first
