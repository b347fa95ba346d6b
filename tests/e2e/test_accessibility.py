"""Accessibility, measured: every page people see, in a real browser, against WCAG 2.1 AA.

axe-core (pinned in tests/a11y/package.json) runs its WCAG 2.1 A and AA rules on each page in
English and Italian, 1280 and 390 px wide, in the light and the dark scheme; journeys with
the keyboard alone accept a badge, change a badge's sharing, turn its Diploma Supplement
on and share it; focus stays visible and never
trapped; text grows to 200% and pages reflow at 320 px; images and verdicts speak in words.

The pages are rendered by the same page functions the routers call (see
tests/support/people_pages.py), so nothing here needs the local platform.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from types import SimpleNamespace
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

from badgehub.web import i18n, pages
from tests.support.browser_pages import (
    AXE,
    WIDTHS,
    Focus,
    Scheme,
    axe_violations,
    describe_focused,
    focused,
    launch,
    opened,
    overflow,
    tab_stops,
)
from tests.support.people_pages import BASE, CSRF, PAGES, VERIFY, a_report

pytestmark = pytest.mark.e2e

LANGS = i18n.LANGUAGES
SCHEMES: tuple[Scheme, ...] = ("light", "dark")
VERDICTS = ("valid", "revoked", "expired", "invalid", "not_yet_valid", "unverifiable")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One browser for this module, stopped when it ends: Playwright's sync API allows one
    instance at a time, and the platform's browser tests start their own."""
    if not AXE.exists():
        pytest.fail("axe-core is not installed: run `make setup` (or bash tests/a11y/install.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


def _report(violations: list[Any]) -> str:
    return "\n".join(str(v) for v in violations)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_page_passes_axe_wcag_21_a_and_aa(
    chromium: Any, name: str, lang: str, width: int
) -> None:
    page = PAGES[name]
    with opened(chromium, page.render(lang), page.url(lang), width=width, bypass_csp=True) as (
        tab,
        _,
    ):
        found = {}
        for scheme in SCHEMES:
            tab.emulate_media(color_scheme=scheme)
            found[scheme] = axe_violations(tab)
    assert found == {"light": [], "dark": []}, "\n".join(
        f"{scheme}:\n{_report(violations)}" for scheme, violations in found.items() if violations
    )


@pytest.mark.parametrize("name", sorted(PAGES))
def test_under_its_own_csp_a_page_is_styled_and_runs_nothing(chromium: Any, name: str) -> None:
    """The CSP is enforced here: the page is whole without any script, and no script runs."""
    page = PAGES[name]
    with opened(chromium, page.render("en"), page.url("en")) as (tab, _):
        blocked: list[str] = []
        tab.on("console", lambda message: blocked.append(message.text))
        background = tab.evaluate("() => getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(246, 248, 250)"  # the page's own stylesheet applied
        assert blocked == []
        with contextlib.suppress(PlaywrightError):  # refused either way: by error or silently
            tab.add_script_tag(path=str(AXE))
        assert tab.evaluate("() => typeof window.axe") == "undefined"


def _assert_visible(step: Focus) -> None:
    assert step.ring_visible, f"no visible focus on {step.element}"
    assert step.ring_contrast >= 3, (
        f"focus ring {step.outline_color} on {step.behind}: "
        f"{step.ring_contrast:.2f}:1 on {step.element}"
    )


def _tab_until(tab: Any, wanted: Any, limit: int = 40) -> Focus:
    for _ in range(limit):
        tab.keyboard.press("Tab")
        step = focused(tab)
        _assert_visible(step)
        if wanted(step):
            return step
    raise AssertionError("never reached with Tab")


@pytest.mark.parametrize("lang", LANGS)
def test_a_recipient_accepts_a_badge_with_the_keyboard_alone(chromium: Any, lang: str) -> None:
    page = PAGES["claim"]
    accept = i18n.MESSAGES[lang]["claim.accept"]
    with opened(chromium, page.render(lang), page.url(lang)) as (tab, site):
        _tab_until(tab, lambda step: f'"{accept}"' in step.element)
        with tab.expect_response(lambda response: response.request.method == "POST"):
            tab.keyboard.press("Enter")

    [posted] = site.posted
    assert posted.url == f"{BASE}/claim/tok?lang={lang}"
    assert posted.fields == [("csrf", CSRF), ("action", "accept")]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_recipient_makes_a_badge_private_with_the_keyboard_alone(
    chromium: Any, scheme: Scheme
) -> None:
    page = PAGES["backpack"]
    with opened(chromium, page.render("en"), page.url("en"), scheme=scheme) as (tab, site):
        # Given the first badge's sharing settings, still closed
        _tab_until(
            tab, lambda step: "summary" in step.element and "in pending-1-name" in step.element
        )
        assert not tab.locator("details.settings").first.evaluate("(d) => d.open")

        # When it is opened with Enter, Private chosen and saved with Space
        tab.keyboard.press("Enter")
        assert tab.locator("details.settings").first.evaluate("(d) => d.open")
        tab.keyboard.press("Tab")
        _assert_visible(focused(tab))
        assert "input#pending-1-public[public]" in describe_focused(tab)  # the checked choice
        tab.keyboard.press("ArrowDown")  # a radio group's own key: it moves and chooses
        _assert_visible(focused(tab))
        assert "input#pending-1-private[private]" in describe_focused(tab)
        assert tab.locator("#pending-1-private").is_checked()
        tab.keyboard.press("Tab")
        step = focused(tab)
        _assert_visible(step)
        assert '"Save"' in step.element
        with tab.expect_response(lambda response: response.request.method == "POST"):
            tab.keyboard.press("Space")

    # Then the form posts the choice for that badge
    [posted] = site.posted
    assert posted.url == f"{BASE}/backpack/a1?lang=en"
    assert posted.fields == [("csrf", CSRF), ("visibility", "private")]


@pytest.mark.parametrize("lang", LANGS)
def test_a_graduate_turns_the_diploma_supplement_on_with_the_keyboard_alone(
    chromium: Any, lang: str
) -> None:
    page = PAGES["backpack-supplement"]
    saved = i18n.MESSAGES[lang]["backpack.save"]
    with opened(chromium, page.render(lang), page.url(lang)) as (tab, site):
        # Given the first badge's switch, off: Tab lands on its checked choice
        _tab_until(tab, lambda step: "input#accepted-1-supplement-off[off]" in step.element)
        assert tab.locator("#accepted-1-supplement-off").is_checked()

        # When the arrow key moves the choice to on, and Tab and Enter save it
        tab.keyboard.press("ArrowUp")
        _assert_visible(focused(tab))
        assert "input#accepted-1-supplement-on[on]" in describe_focused(tab)
        assert tab.locator("#accepted-1-supplement-on").is_checked()
        tab.keyboard.press("Tab")
        step = focused(tab)
        _assert_visible(step)
        assert f'"{saved}"' in step.element and "in accepted-1-name" in step.element
        with tab.expect_response(lambda response: response.request.method == "POST"):
            tab.keyboard.press("Enter")

    # Then the form posts the switch for that badge, and nothing else
    [posted] = site.posted
    assert posted.url == f"{BASE}/backpack/a1?lang={lang}"
    assert posted.fields == [("csrf", CSRF), ("supplement_visible", "on")]


def _selected(tab: Any) -> str:
    """The text selected in the focused field, as a copy with Ctrl+C would take it."""
    selected: str = tab.evaluate(
        "() => { const f = document.activeElement;"
        " return f.value.slice(f.selectionStart, f.selectionEnd); }"
    )
    return selected


@pytest.mark.parametrize("lang", LANGS)
def test_a_graduate_shares_a_badge_with_the_keyboard_alone(chromium: Any, lang: str) -> None:
    page = PAGES["share"]
    linkedin = i18n.MESSAGES[lang]["share.linkedin_add"]
    with opened(chromium, page.render(lang), page.url(lang)) as (tab, _):
        # The LinkedIn button: reached with Tab, opened with Enter
        _tab_until(tab, lambda step: f'"{linkedin}"' in step.element)
        href = tab.evaluate("() => document.activeElement.href")
        assert href.startswith("https://www.linkedin.com/profile/add?")
        with tab.expect_request(lambda request: request.url.startswith(href[:40])) as opening:
            tab.keyboard.press("Enter")
        assert opening.value.url == href
        tab.wait_for_url(href)
        tab.goto(page.url(lang))  # back on the share page, focus from the top again

        # The link field: reached with Tab, its address selected whole for a copy
        _tab_until(tab, lambda step: "input#share-url" in step.element)
        tab.keyboard.press("Control+a")
        assert _selected(tab) == f"{BASE}/share/a1"
        tab.keyboard.press("Tab")  # and out of it again: not a trap
        assert "input#share-url" not in describe_focused(tab)
        _assert_visible(focused(tab))

        # The embed code: reached with Tab, selected whole, and Tab leaves it
        _tab_until(tab, lambda step: "textarea#embed-code" in step.element)
        tab.keyboard.press("Control+a")
        assert _selected(tab).startswith("<iframe") and f"{BASE}/embed/a1" in _selected(tab)
        tab.keyboard.press("Tab")
        step = focused(tab)
        _assert_visible(step)
        assert step.element.endswith(f'"{i18n.MESSAGES[lang]["share.embed_card"]}"')


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_tab_reaches_everything_with_visible_focus_and_comes_back(
    chromium: Any, name: str, scheme: Scheme
) -> None:
    page = PAGES[name]
    with opened(chromium, page.render("en"), page.url("en"), scheme=scheme) as (tab, _):
        stops = tab_stops(tab)
        forward: list[str] = []
        for _ in range(len(stops) + 3):
            tab.keyboard.press("Tab")
            step = focused(tab)
            if step.element != "document":  # past the last stop focus leaves the page
                _assert_visible(step)
            forward.append(step.element)
        # Every stop, in document order, then around again to the first: no trap.
        visited = [element for element in forward if element != "document"]
        assert visited[: len(stops)] == stops
        assert visited[len(stops)] == stops[0]

        # Shift+Tab walks the same stops the other way round, past the start and on.
        backward: list[str] = []
        for _ in range(2 * len(stops) + 2):
            tab.keyboard.press("Shift+Tab")
            backward.append(describe_focused(tab))
        back = [element for element in backward if element != "document"]
        last = back.index(stops[-1])
        assert back[last : last + len(stops)] == [*reversed(stops)]


IMAGE_PAGES = sorted(name for name in PAGES if PAGES[name].render("en").html.count("<img"))
FILE_NAME = re.compile(r"\.(png|svg|jpe?g|gif|webp)\b|/", re.IGNORECASE)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", IMAGE_PAGES)
def test_every_badge_image_is_named_after_its_badge(chromium: Any, name: str, lang: str) -> None:
    page = PAGES[name]
    with opened(chromium, page.render(lang), page.url(lang)) as (tab, _):
        images = tab.evaluate(
            """() => [...document.querySelectorAll('img:not(.qr)')].map((img) => {
                const card = img.closest('.card');
                const title = card.querySelector('h1, h2, h3, strong');
                return {alt: img.alt, badge: title.textContent.trim(),
                        loaded: img.naturalWidth > 0, role: img.getAttribute('role'),
                        hidden: img.closest('[aria-hidden]') !== null};
            })"""
        )
        names = [tab.get_by_role("img", name=image["alt"], exact=True).count() for image in images]
    assert images
    for image, count in zip(images, names, strict=True):
        assert image["alt"] == image["badge"]
        assert not FILE_NAME.search(image["alt"]), image["alt"]
        assert image["loaded"] and image["role"] is None and not image["hidden"]
        assert count >= 1  # exposed to assistive technology under that name


def test_a_badge_without_a_name_is_described_as_a_badge_image_not_by_its_file() -> None:
    report = a_report("foreign")
    report["summary"] = {**report["summary"], "achievement_name": None}
    html = pages.report_page(report, "it", VERIFY, BASE).html
    assert '<img src="https://elsewhere.example/img/b7f3c2.png" alt="Immagine del badge">' in html


@pytest.mark.parametrize("lang", LANGS)
def test_the_verdict_is_announced_in_words_not_by_colour_alone(chromium: Any, lang: str) -> None:
    announced: dict[str, str] = {}
    for verdict in VERDICTS:
        page = PAGES["badge-" + verdict.replace("_", "-")]
        with opened(chromium, page.render(lang), page.url(lang)) as (tab, _):
            status = tab.get_by_role("status")
            assert status.count() == 1
            assert status.get_attribute("aria-live") == "polite"
            announced[verdict] = " ".join(status.inner_text().split())
            heading = status.get_by_role("heading", level=1).inner_text()
        assert i18n.MESSAGES[lang][f"verdict.{verdict}"] in heading
        assert pages.SYMBOLS[verdict] in heading  # a symbol as well as the words
        assert i18n.MESSAGES[lang][f"explain.{verdict}"] in announced[verdict]
    assert len(set(announced.values())) == len(VERDICTS)  # told apart without colour
    assert "Issued to the wrong student" in announced["revoked"]


@pytest.mark.parametrize("lang", LANGS)
def test_the_backpack_says_each_badge_state_in_words(chromium: Any, lang: str) -> None:
    page = PAGES["backpack"]
    with opened(chromium, page.render(lang), page.url(lang)) as (tab, _):
        states = [" ".join(text.split()) for text in tab.locator(".state").all_inner_texts()]
    words = i18n.MESSAGES[lang]
    assert states == [
        f"✓ {words['verdict.valid']}",
        f"✓ {words['verdict.valid']}",
        f"⌛ {words['verdict.expired']}",
        f"✗ {words['verdict.revoked']}",
        f"✓ {words['verdict.valid']}",
    ]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_text_grows_to_200_percent_and_pages_reflow_without_loss(
    chromium: Any, name: str, lang: str
) -> None:
    page = PAGES[name]
    with opened(chromium, page.render(lang), page.url(lang)) as (tab, _):
        normal = overflow(tab)
        # 200% text at 1280 px, as the reader's own text size setting or zoom does it
        tab.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
        large = overflow(tab)
        # and on a phone
        tab.set_viewport_size({"width": 390, "height": 900})
        phone = overflow(tab)
        # 320 px at normal size: 1280 px zoomed to 400% (WCAG 1.4.10 reflow)
        tab.evaluate("() => { document.documentElement.style.fontSize = ''; }")
        tab.set_viewport_size({"width": 320, "height": 900})
        narrow = overflow(tab)

    assert large.text == 2 * normal.text  # the body text itself grew, not only the headings
    for label, seen in (("200% at 1280", large), ("200% at 390", phone), ("320 px", narrow)):
        assert seen.page <= seen.window, f"{label}: scrolls sideways"
        assert seen.spilled == [], f"{label}: text spills out of {seen.spilled}"


def test_the_pages_follow_the_dark_scheme_and_reduced_motion(chromium: Any) -> None:
    page = PAGES["claim"]
    with opened(chromium, page.render("en"), page.url("en"), scheme="dark") as (tab, _):
        colours = tab.evaluate(
            """() => { const s = getComputedStyle(document.body);
                       return [s.backgroundColor, s.color]; }"""
        )
        media = tab.evaluate(
            """() => [...document.styleSheets].flatMap((sheet) => [...sheet.cssRules])
                .filter((rule) => rule instanceof CSSMediaRule).map((rule) => rule.conditionText)"""
        )
        moving = tab.evaluate(
            """() => [...document.querySelectorAll('*')].filter((el) => {
                const s = getComputedStyle(el);
                return s.animationName !== 'none' || parseFloat(s.transitionDuration) > 0;
            }).length"""
        )
    assert colours == ["rgb(13, 17, 23)", "rgb(230, 237, 243)"]
    assert "(prefers-color-scheme: dark)" in media
    assert "(prefers-reduced-motion: reduce)" in media
    assert moving == 0


class _Footer(HTMLParser):
    """The links inside <footer>: (href, text, aria-current)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.in_link = False
        self.links: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "footer":
            self.inside = True
        elif tag == "a" and self.inside:
            self.in_link = True
            self.links.append([values["href"], "", values.get("aria-current", "")])

    def handle_endtag(self, tag: str) -> None:
        self.inside = self.inside and tag != "footer"
        self.in_link = self.in_link and tag != "a"

    def handle_data(self, data: str) -> None:
        if self.in_link:
            self.links[-1][1] += data


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_page_links_the_accessibility_statement_from_its_footer(name: str, lang: str) -> None:
    footer = _Footer()
    footer.feed(PAGES[name].render(lang).html)
    statement = [link for link in footer.links if link[0] == f"{BASE}/accessibility?lang={lang}"]
    assert [text for _, text, _ in statement] == [i18n.MESSAGES[lang]["accessibility"]]
    assert statement[0][2] == ("page" if name == "accessibility" else "")


@pytest.mark.parametrize("lang", LANGS)
def test_on_italian_pages_the_verifiers_english_is_marked_as_english(lang: str) -> None:
    html = PAGES["badge-invalid"].render(lang).html
    message = "The signature does not match the badge's content."
    marked = f'<span lang="en">{message}'.replace("'", "&#39;")
    assert (marked in html) == (lang != "en")
    form = PAGES["verify-error"].render(lang).html
    assert ('<span lang="en">The file is neither' in form) == (lang != "en")


@pytest.mark.parametrize("lang", LANGS)
def test_the_statement_says_what_is_aimed_for_how_it_is_checked_and_how_to_report(
    lang: str,
) -> None:
    html = PAGES["accessibility"].render(lang).html
    words = i18n.MESSAGES[lang]
    assert "WCAG) 2.1" in html and " AA " in html
    for test_file in ("tests/e2e/test_accessibility.py", "tests/unit/test_recipient_pages.py"):
        assert f"<code>{test_file}</code>" in html
    assert "axe-core" in html and "tests/a11y/package.json" in html
    assert words["a11y.limits_title"] in html and words["a11y.report_title"] in html
    assert words["a11y.report_operator"].replace("'", "&#39;") in html
    with_contact = pages.accessibility_page(lang, VERIFY, BASE, contact="access@uni.example")
    assert '<a href="mailto:access@uni.example">access@uni.example</a>' in with_contact.html


def test_get_accessibility_answers_the_statement_in_the_asked_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

    from badgehub.routers import accessibility
    from badgehub.runtime import settings

    for key, value in {
        "TABLE_NAME": "badges",
        "PUBLIC_BUCKET": "badges-public",
        "PUBLIC_BASE_URL": BASE,
        "ASSETS_BASE_URL": "https://assets.example/public",
    }.items():
        monkeypatch.setenv(key, value)
    settings.clear()
    app = APIGatewayHttpResolver()
    app.include_router(accessibility.router)
    event = {
        "version": "2.0",
        "routeKey": "GET /accessibility",
        "rawPath": "/accessibility",
        "rawQueryString": "lang=it",
        "queryStringParameters": {"lang": "it"},
        "headers": {"accept-language": "en"},
        "requestContext": {
            "http": {"method": "GET", "path": "/accessibility"},
            "stage": "$default",
        },
        "isBase64Encoded": False,
    }
    try:
        response = app.resolve(event, SimpleNamespace())
    finally:
        settings.clear()

    assert response["statusCode"] == 200
    assert response["headers"]["Content-Type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in response["headers"]["Content-Security-Policy"]
    assert "https://assets.example" in response["headers"]["Content-Security-Policy"]
    assert '<html lang="it">' in response["body"]
    assert "<h1>Dichiarazione di accessibilità</h1>" in response["body"]
    assert f'href="{BASE}/verify?lang=it"' in response["body"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", ["backpack-supplement", "backpack"])
def test_on_a_phone_a_long_legend_sits_inside_its_box_not_across_its_border(
    chromium: Any, name: str, lang: str
) -> None:
    """A legend that wraps onto three lines, drawn on the box's top edge, has the border cut
    through its words: each legend must lie wholly inside its fieldset's border."""
    page = PAGES[name]
    with opened(chromium, page.render(lang), page.url(lang), width=WIDTHS[-1]) as (tab, _):
        crossing: list[str] = tab.evaluate(
            """() => [...document.querySelectorAll('fieldset > legend')].filter((legend) => {
                const box = legend.parentElement.getBoundingClientRect();
                const border = parseFloat(getComputedStyle(legend.parentElement).borderTopWidth);
                return legend.getBoundingClientRect().top < box.top + border;
            }).map((legend) => legend.textContent.trim())"""
        )
    assert crossing == []
