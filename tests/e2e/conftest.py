"""A real headless browser (Debian's chromium driven by Playwright) for the pages people see,
and the local platform on a small template of the tests' own."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devplatform.process import running_platform
from tests.support.browser_pages import CHROMIUM_FLAGS


# Per module: a second sync Playwright cannot start while one is open in the same thread, and
# several modules start their own (a session-wide one would break every module after it).
@pytest.fixture(scope="module")
def browser(platform: dict[str, Any]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=executable,
            headless=True,
            args=CHROMIUM_FLAGS,
            ignore_https_errors=True,  # the local CA is not in chromium's own store
        )
        try:
            yield context
        finally:
            context.close()


FIXTURE_TEMPLATE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "local_platform" / "template.yaml"
)
FRONT_ONLY = "BADGEHUB_FRONT_ONLY_VARIABLE"


@pytest.fixture(scope="module")
def functions_platform() -> Iterator[dict[str, Any]]:
    """The local platform on the small test template: probes, a schedule, a queue (plain http).

    The front runs with a variable of its own, which no worker may see.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(FRONT_ONLY, "front")
        with running_platform(template=FIXTURE_TEMPLATE, args=("--no-seed", "--http")) as info:
            yield info
