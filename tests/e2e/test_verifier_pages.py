"""The verification page for the badges a recruiter may bring from elsewhere, in a browser:
an Open Badges 1.x badge, a badge with a valid and an invalid endorsement, and an
EndorsementCredential, in English and Italian, on a desktop and on a phone.

The pages are rendered as test_accessibility renders them (tests/support/people_pages.py) and
served under their own strict CSP; screenshots land in `test-artifacts/verifier/`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from badgehub.web import i18n
from tests.support.browser_pages import WIDTHS, launch, opened
from tests.support.people_pages import PAGES

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "verifier"
KINDS = ("verify-ob1", "verify-endorsed", "verify-endorsement")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


def _facts(tab: Any) -> dict[str, str]:
    """The badge's facts as the page lists them: each <dt> with its <dd>."""
    pairs: list[list[str]] = tab.evaluate(
        """() => [...document.querySelectorAll('dt')].map(
            (dt) => [dt.innerText.trim(), dt.nextElementSibling.innerText.trim()])"""
    )
    return dict((term, value) for term, value in pairs)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", i18n.LANGUAGES)
@pytest.mark.parametrize("name", KINDS)
def test_older_and_endorsed_badges_read_plainly_on_desktop_and_phone(
    chromium: Any, name: str, lang: str, width: int
) -> None:
    page = PAGES[name]
    t = i18n.MESSAGES[lang]
    with opened(chromium, page.render(lang), page.url(lang), width=width) as (tab, _):
        blocked: list[str] = []
        tab.on("console", lambda message: blocked.append(message.text))
        tab.screenshot(path=str(SHOTS / f"{name}-{lang}-{width}.png"), full_page=True)
        assert tab.evaluate("() => document.documentElement.scrollWidth") <= width
        assert tab.locator("html").get_attribute("lang") == lang
        verdict = tab.get_by_role("status").inner_text()
        assert t["verdict.valid"] in verdict, "an older or endorsed badge is still valid"
        facts = _facts(tab)
        format_shown = facts[t["format"]]
        assert not re.fullmatch(r"[a-z0-9-]+", format_shown), f"a code, not words: {format_shown}"
        body = tab.locator("main").inner_text()
        if name == "verify-ob1":
            assert t["ob1.note"] in body
            assert "1.x" in format_shown or "1.0" in format_shown
        if name == "verify-endorsement":
            assert facts[t["endorses"]] == "https://badges.example/achievements/data-science"
        if name == "verify-endorsed":
            # The invalid endorsement is a warning of its own, not the badge's failure.
            assert t["warning"] in body
            assert "Rival Academy" in body and "Regional Skills Council" in body
        assert blocked == []
