"""Fixtures shared across test kinds."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from devplatform.process import running_platform


@pytest.fixture(scope="session")
def platform() -> Iterator[dict[str, Any]]:
    """The whole local platform in its own process (https, local CA), seeded with the demo.

    Clients in this test run trust the local CA, as a developer's shell does after `make run`.
    """
    with running_platform() as info:
        saved = os.environ.get("REQUESTS_CA_BUNDLE")
        os.environ["REQUESTS_CA_BUNDLE"] = info["ca_file"]
        try:
            yield info
        finally:
            if saved is None:
                os.environ.pop("REQUESTS_CA_BUNDLE", None)
            else:
                os.environ["REQUESTS_CA_BUNDLE"] = saved
