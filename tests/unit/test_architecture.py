"""The shape the code must keep: thin handlers, small modules (import-linter checks the layers)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = sorted((ROOT / "functions").glob("*/app.py"))
ALLOWED_IN_HANDLERS = (
    "__future__",
    "typing",
    "aws_lambda_powertools",
    "badgehub.routers",
    "badgehub.runtime",
)


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("handler", HANDLERS, ids=lambda p: p.parent.name)
def test_handlers_import_only_runtime_and_routers(handler: Path) -> None:
    strays = {m for m in _imports(handler) if not m.startswith(ALLOWED_IN_HANDLERS)}
    assert strays == set()


@pytest.mark.parametrize("handler", HANDLERS, ids=lambda p: p.parent.name)
def test_handlers_stay_thin(handler: Path) -> None:
    assert len(handler.read_text().splitlines()) <= 80


def test_no_module_in_the_layer_is_over_600_lines() -> None:
    sizes = {
        str(p.relative_to(ROOT)): len(p.read_text().splitlines())
        for p in (ROOT / "layers" / "common").rglob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n > 600} == {}
