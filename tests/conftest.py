"""Fixtures shared across test kinds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from devplatform.process import running_platform


@pytest.fixture(scope="session")
def platform() -> Iterator[dict[str, Any]]:
    """The whole local platform in its own process, seeded with the demo issuer and badge."""
    with running_platform() as info:
        yield info
