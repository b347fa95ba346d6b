"""Rendered pages in a headless browser: served at their URLs, measured with axe-core.

Each page is answered at its own https URL by `page.route`, with the headers the platform
sends (its strict CSP included), its badge images from memory, and nothing from the network;
forms that post are caught and answered 204, so the page stays and the test reads the body.

The CSP forbids every script, so axe-core can only be injected into a browser context opened
with `bypass_csp=True`. Nothing else is changed: the page and its headers are the real ones,
and a separate test loads every page with the CSP enforced to show that nothing the page needs
is blocked, so what axe measures is what people get.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl

from playwright.sync_api import Browser, Playwright, Route
from playwright.sync_api import Page as Tab

from badgehub.web.pages import Page

from .people_pages import IMAGES

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (1280, 390)
HEIGHT = 900
Scheme = Literal["light", "dark"]
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch(playwright: Playwright, *extra_args: str) -> Browser:
    """Debian's chromium: Playwright cannot download its own browser here."""
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    return playwright.chromium.launch(
        executable_path=executable, headless=True, args=[*CHROMIUM_FLAGS, *extra_args]
    )


@dataclass
class Posted:
    """A form the page sent: where, and its fields in order."""

    url: str
    fields: list[tuple[str, str]]


@dataclass
class Site:
    """What the browser is answered: one page at its URL, badge images, and caught forms."""

    page: Page
    url: str
    posted: list[Posted] = field(default_factory=list)

    def answer(self, route: Route) -> None:
        request = route.request
        if request.method == "POST":
            self.posted.append(Posted(request.url, parse_qsl(request.post_data or "")))
            route.fulfill(status=204, body="")
        elif request.url == self.url:
            headers = {**self.page.headers, "Content-Type": "text/html; charset=utf-8"}
            route.fulfill(status=200, headers=headers, body=self.page.html)
        elif request.url in IMAGES:
            body = IMAGES[request.url]
            kind = "image/svg+xml" if body.lstrip().startswith(b"<") else "image/png"
            route.fulfill(status=200, content_type=kind, body=body)
        else:
            route.fulfill(status=404, content_type="text/plain", body="not here")


@contextmanager
def opened(
    browser: Browser,
    page: Page,
    url: str,
    *,
    width: int = WIDTHS[0],
    scheme: Scheme = "light",
    bypass_csp: bool = False,
) -> Iterator[tuple[Tab, Site]]:
    """A fresh browser context showing `page` at `url`, with reduced motion asked for."""
    context = browser.new_context(
        viewport={"width": width, "height": HEIGHT},
        bypass_csp=bypass_csp,
        color_scheme=scheme,
        reduced_motion="reduce",
    )
    try:
        site = Site(page, url)
        context.route("**/*", site.answer)
        tab = context.new_page()
        tab.goto(url)
        yield tab, site
    finally:
        context.close()


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.rule} (impact: {self.impact}) {self.help}: {' | '.join(self.targets)}"


def axe_violations(tab: Tab) -> list[Violation]:
    """axe-core's WCAG 2.1 A and AA rules on the page as it stands now."""
    if not tab.evaluate("() => typeof window.axe === 'object'"):
        tab.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = tab.evaluate(
        """async (tags) => (await axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        })).violations""",
        WCAG_21_AA,
    )
    return [
        Violation(
            rule=v["id"],
            impact=v.get("impact") or "unknown",
            help=v["help"],
            targets=tuple(" ".join(map(str, node["target"])) for node in v["nodes"]),
        )
        for v in found
    ]


# A unique, readable name for an element: its place in the document, tag, id, value, text and
# the badge it belongs to.
DESCRIBE = """(el) => {
    if (!el || el === document.body || el === document.documentElement) return 'document';
    const place = [...document.querySelectorAll('*')].indexOf(el);
    const text = (el.getAttribute('aria-label') || el.textContent || '').trim();
    const article = el.closest('article');
    return [place, ': ', el.tagName.toLowerCase(), el.id ? '#' + el.id : '',
            el.value ? '[' + el.value + ']' : '',
            text ? ' "' + text.replace(/\\s+/g, ' ').slice(0, 50) + '"' : '',
            article ? ' in ' + article.getAttribute('aria-labelledby') : ''].join('');
}"""

# Where focus can land with Tab: visible, enabled, not inside a closed <details>; of a radio
# group only the checked radio (arrow keys move inside the group).
TAB_STOPS = """() => [...document.querySelectorAll(
        'a[href], button, input, textarea, select, summary, [tabindex]')]
    .filter((el) => {
        if (el.disabled || el.type === 'hidden' || el.tabIndex < 0) return false;
        if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY') return false;
        if (el.type === 'radio' && !el.checked && el.form &&
            [...el.form.elements].some((o) => o.name === el.name && o.checked)) return false;
        return el.checkVisibility({visibilityProperty: true});
    })
    .map(DESCRIBE_FN)"""


@dataclass(frozen=True)
class Focus:
    element: str
    outline_style: str
    outline_width: float
    outline_color: str
    box_shadow: str
    behind: str  # the background colour the ring is drawn on

    @property
    def ring_visible(self) -> bool:
        return (self.outline_style != "none" and self.outline_width >= 2) or (
            self.box_shadow != "none"
        )

    @property
    def ring_contrast(self) -> float:
        return contrast(self.outline_color, self.behind)


FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    let behind = 'rgb(255, 255, 255)';
    for (let up = el.parentElement; up; up = up.parentElement) {
        const bg = getComputedStyle(up).backgroundColor;
        if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') { behind = bg; break; }
    }
    return {element: DESCRIBE_FN(el), outline_style: style.outlineStyle,
            outline_width: parseFloat(style.outlineWidth) || 0,
            outline_color: style.outlineColor, box_shadow: style.boxShadow, behind};
}"""


def _with_describe(script: str) -> str:
    return script.replace("DESCRIBE_FN", f"({DESCRIBE})")


def focused(tab: Tab) -> Focus:
    return Focus(**tab.evaluate(_with_describe(FOCUSED)))


def tab_stops(tab: Tab) -> list[str]:
    stops: list[str] = tab.evaluate(_with_describe(TAB_STOPS))
    return stops


def describe_focused(tab: Tab) -> str:
    name: str = tab.evaluate(f"() => ({DESCRIBE})(document.activeElement)")
    return name


def _channels(colour: str) -> tuple[float, float, float]:
    numbers = [float(n) for n in re.findall(r"[\d.]+", colour)[:3]]
    return numbers[0], numbers[1], numbers[2]


def _luminance(colour: str) -> float:
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
        for c in (channel / 255 for channel in _channels(colour))
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    """WCAG's contrast ratio of two CSS `rgb(...)` colours."""
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# Content wider than its box, or the page wider than the window (form fields scroll their own
# text, so they are left out); the body's font size shows that the text itself grew.
OVERFLOW = """() => {
    const root = document.documentElement;
    const spilled = [];
    for (const el of document.body.querySelectorAll('*')) {
        if (['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)) continue;
        const display = getComputedStyle(el).display;
        if (display === 'inline' || display === 'contents' || display === 'none') continue;
        // A data table's own scroll region, reachable by keyboard: WCAG 1.4.10 exempts tables.
        const style = getComputedStyle(el);
        if (['auto', 'scroll'].includes(style.overflowX) && el.getAttribute('role') === 'region'
            && el.hasAttribute('tabindex') && el.querySelector('table')) continue;
        if (el.scrollWidth > el.clientWidth + 1) {
            spilled.push(el.tagName.toLowerCase() + ' "' +
                el.textContent.trim().replace(/\\s+/g, ' ').slice(0, 40) + '"');
        }
    }
    return {page: root.scrollWidth, window: root.clientWidth, spilled,
            text: parseFloat(getComputedStyle(document.body).fontSize)};
}"""


@dataclass(frozen=True)
class Overflow:
    page: int
    window: int
    spilled: list[str]
    text: float  # the body text's size in CSS px


def overflow(tab: Tab) -> Overflow:
    return Overflow(**tab.evaluate(OVERFLOW))
