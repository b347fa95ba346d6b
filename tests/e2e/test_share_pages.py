"""The share page, embed card and print view on the local platform, in a real browser.

A graduate claims a badge with a hostile name, shows their name, and a stranger opens the
share page on a desktop and on a phone, frames the embed card on another site, and prints
the certificate; then the graduate makes it private and every share URL is a 404 page.
Screenshots land in `test-artifacts/share/` for a person to look at.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.test_recipient_journey import link_in, wait_for_mail
from tests.support.browser_pages import launch
from tests.support.builders import data_uri, png_bytes

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "share"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
HOSTILE = 'Data & "AI" #1 </script><script>alert(1)</script> <b>café</b> 🎓'
# Listens before any page script could run (injected by the browser, not by the page).
CSP_LISTENER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        # Deployed, the blog and the badge host are both public sites; here the badge host
        # is 127.0.0.1, which Chromium guards from other sites' frames.
        browser = launch(playwright, "--disable-features=LocalNetworkAccessChecks")
        try:
            yield browser
        finally:
            browser.close()


class Watched:
    """A tab that records every CSP complaint, from the console and from the DOM event."""

    def __init__(self, chromium: Any, viewport: dict[str, int], locale: str = "en-GB") -> None:
        self.context = chromium.new_context(
            viewport=viewport, ignore_https_errors=True, locale=locale
        )
        self.context.add_init_script(CSP_LISTENER)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on(
            "console",
            lambda m: self.console.append(m.text) if "Content Security" in m.text else None,
        )

    def violations(self) -> list[str]:
        events: list[str] = []
        for frame in self.page.frames:
            events += frame.evaluate("() => window.__csp || []")
        return self.console + events

    def shot(self, name: str, full_page: bool = True) -> None:
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def _hostile_badge(platform: dict[str, Any]) -> str:
    demo = platform["demo"]
    reply = requests.post(
        f"{platform['base_url']}/v1/issuers/{demo['issuer']['id']}/badges",
        json={
            "name": HOSTILE,
            "description": "Analyses data responsibly. " + HOSTILE,
            "criteria": {"narrative": "Pass the course & the <i>final</i> project."},
            "image": data_uri(png_bytes((400, 400), "#0b4f9c")),
        },
        headers={"Authorization": f"Bearer {demo['api_key']}"},
        timeout=30,
    )
    assert reply.status_code == 201, reply.text
    badge_id: str = reply.json()["id"]
    return badge_id


def _issue(platform: dict[str, Any], badge_id: str, email: str) -> dict[str, Any]:
    reply = requests.post(
        f"{platform['base_url']}/v1/badges/{badge_id}/assertions",
        json={"recipient": {"email": email, "name": "Grace <Hopper> & Co"}},
        headers={"Authorization": f"Bearer {platform['demo']['api_key']}"},
        timeout=30,
    )
    assert reply.status_code == 201, reply.text
    issued: dict[str, Any] = reply.json()
    return issued


def _claim(owner: Watched, platform: dict[str, Any], email: str) -> None:
    [mail] = wait_for_mail(platform, email)
    owner.page.goto(link_in(mail, "claim"))
    owner.page.get_by_role("button", name="Accept").click()
    owner.page.wait_for_url(re.compile(r"/backpack"))


def _change(owner: Watched, platform: dict[str, Any], assertion_id: str, **change: Any) -> None:
    api = owner.context.request
    listing = api.get(f"{platform['base_url']}/v1/me/assertions")
    reply = api.patch(
        f"{platform['base_url']}/v1/me/assertions/{assertion_id}",
        data=json.dumps(change),
        headers={"content-type": "application/json", "x-csrf-token": listing.json()["csrfToken"]},
    )
    assert reply.status == 200, reply.text()


def test_a_stranger_sees_shares_embeds_and_prints_a_badge_then_it_goes_private(
    platform: dict[str, Any], chromium: Any
) -> None:
    email = "share.graduate@example.org"
    issued = _issue(platform, _hostile_badge(platform), email)
    share_url = issued["links"]["share"]
    assert share_url.endswith(f"/share/{issued['id']}")
    owner = Watched(chromium, PHONE)
    _claim(owner, platform, email)
    _change(owner, platform, issued["id"], showName=True)

    desktop = Watched(chromium, DESKTOP)
    reply = desktop.page.goto(share_url)
    assert reply is not None and reply.status == 200
    assert reply.headers.get("set-cookie") is None
    page = desktop.page
    assert page.get_by_role("heading", level=1).inner_text() == HOSTILE
    assert page.locator("img").first.get_attribute("alt") == HOSTILE
    assert page.evaluate("() => typeof window.alert") == "function"  # nothing ran
    assert page.evaluate("() => document.querySelectorAll('script:not([type])').length") == 0
    assert page.get_by_text("Grace <Hopper> & Co").first.is_visible()
    assert "Valid badge" in page.get_by_role("region", name=re.compile("Valid")).inner_text()
    assert page.locator('meta[property="og:title"]').get_attribute("content") == HOSTILE
    ld = json.loads(page.locator('script[type="application/ld+json"]').inner_text())
    assert ld["name"] == HOSTILE and ld["@type"] == "EducationalOccupationalCredential"
    assert page.get_by_label("Link to this page").input_value() == share_url
    assert page.get_by_role("link", name="Add to LinkedIn profile").is_visible()
    desktop.shot("share-desktop")
    assert desktop.violations() == []

    phone = Watched(chromium, PHONE, locale="it-IT")
    phone.page.goto(share_url)
    assert phone.page.locator("html").get_attribute("lang") == "it"
    width = phone.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "nothing overflows a phone's width"
    phone.shot("share-phone-it")
    assert phone.violations() == []

    # The embed card, framed by another site (its snippet, as the share page gives it).
    snippet = desktop.page.get_by_label("Embed code").input_value()
    host = Watched(chromium, {"width": 720, "height": 400})
    host_html = f"<!doctype html><title>Blog</title><h1>My blog</h1>{snippet}"
    blog = "https://blog.example/post"
    host.context.route(
        blog,
        lambda route: route.fulfill(
            status=200, content_type="text/html; charset=utf-8", body=host_html
        ),
    )
    host.page.goto(blog)
    frame = host.page.frame_locator("iframe")
    assert frame.get_by_role("heading", level=1).inner_text() == HOSTILE
    host.shot("embed-on-a-blog")
    embed = Watched(chromium, PHONE)
    embed.page.goto(f"{platform['base_url']}/embed/{issued['id']}")
    embed.page.set_viewport_size({"width": 400, "height": 190})
    embed.shot("embed-card", full_page=False)
    assert host.violations() == [] and embed.violations() == []

    # The print view: A4, with the QR code, and nothing of the page around it.
    printer = Watched(chromium, DESKTOP)
    printer.page.goto(f"{share_url}/print")
    qr = printer.page.locator("figure.cert-qr img")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    printer.shot("print-screen")
    printer.page.emulate_media(media="print")
    assert printer.page.locator("header").is_hidden()
    printer.shot("print-as-printed")
    pdf = printer.page.pdf(prefer_css_page_size=True)
    (SHOTS / "print.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    assert re.search(rb"/MediaBox \[0 0 59[45]\.\d+ 841\.\d+\]", pdf), "an A4 page"
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 1, "one page"
    assert printer.violations() == []

    # Private: every share URL answers the 404 page at once, in the visitor's language.
    _change(owner, platform, issued["id"], visibility="private")
    for url in (share_url, f"{share_url}/print", f"{platform['base_url']}/embed/{issued['id']}"):
        gone = phone.page.goto(url)
        assert gone is not None and gone.status == 404
        assert HOSTILE not in phone.page.content()
        assert phone.page.get_by_role("heading", level=1).inner_text() == (
            "Questo badge non è condiviso"
        )
    preview = requests.get(f"{share_url}/preview.png", timeout=30)
    assert preview.status_code == 404
    phone.shot("share-missing-it")
    for watched in (owner, desktop, phone, host, embed, printer):
        watched.context.close()
