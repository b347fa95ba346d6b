"""The public issuer and badge class pages and the backpack's analytics, in a real browser:
screenshots (desktop and 390 px, en and it) in `test-artifacts/public/` for a person to look
at, under the pages' own strict CSP (no violation), with nothing wider than the screen.
axe-core checks them with every other page (they are in people_pages.PAGES)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser_pages import WIDTHS, launch, opened, overflow
from tests.support.people_pages import PAGES

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "public"
SHOWN = ("issuer", "badge-class", "public-not-found", "backpack-analytics")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ("en", "it"))
@pytest.mark.parametrize("name", SHOWN)
def test_public_pages_render_under_their_csp_and_fit(
    chromium: Any, name: str, lang: str, width: int
) -> None:
    page = PAGES[name]
    with opened(chromium, page.render(lang), page.url(lang), width=width) as (tab, _):
        blocked: list[str] = []
        tab.on(
            "console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None
        )
        tab.reload()
        if name == "backpack-analytics":
            tab.locator("details.analytics summary").first.click()
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SHOTS / f"{name}-{lang}-{width}.png"), full_page=True)
        assert not blocked, blocked
        assert tab.evaluate("() => getComputedStyle(document.body).margin") == "0px"  # styled
        wide = overflow(tab)
        assert wide.page <= wide.window and not wide.spilled, wide
        images = tab.evaluate(
            "() => [...document.images].map(i => [i.alt, i.naturalWidth > 0, i.src])"
        )
        assert all(loaded for _, loaded, _ in images), images
        assert images or name == "public-not-found"
