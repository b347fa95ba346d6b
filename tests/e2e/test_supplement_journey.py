"""The Diploma Supplement end to end on the local platform, in a real browser.

The issuer attaches a PDF, the scheduled notify job tells the graduate, who signs in from the
notice, accepts the badge and switches the supplement on; a recruiter sees it on the
verification and share pages and downloads the very PDF whose SHA-384 the page shows; switched
off, it is gone for everyone else, the download link they had included.
Screenshots land in `test-artifacts/supplement/` (1280 px desktop, 390 px phone), with the
README's two pictures (`readme-*.png`, the share page and the backpack's switch on a phone).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from badgehub.domain.supplements import sri_sha384
from tests.e2e.test_recipient_journey import link_in, mailbox, wait_for_mail
from tests.support.browser_pages import launch
from tests.support.pdfs import a_pdf
from tests.support.portal import issue_demo
from tests.support.readme_images import MAX_BYTES, readme_png

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "supplement"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SWITCH = "Make the Diploma Supplement visible to other users"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """A browser whose contexts start empty: each person is a fresh browser."""
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


class Person:
    """A fresh browser context for one person, recording every CSP complaint."""

    def __init__(self, chromium: Any, viewport: dict[str, int], locale: str = "en-GB") -> None:
        self.context = chromium.new_context(
            viewport=viewport,
            ignore_https_errors=True,
            locale=locale,
            accept_downloads=True,
            is_mobile=viewport["width"] < 600,
        )
        self.page = self.context.new_page()
        self.csp: list[str] = []
        self.page.on(
            "console", lambda m: self.csp.append(m.text) if "Content Security" in m.text else None
        )

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def attach(platform: dict[str, Any], assertion_id: str, pdf: bytes) -> dict[str, Any]:
    reply = requests.put(
        f"{platform['base_url']}/v1/assertions/{assertion_id}/supplement",
        data=pdf,
        headers={
            "Authorization": f"Bearer {platform['demo']['api_key']}",
            "Content-Type": "application/pdf",
        },
        timeout=30,
    )
    assert reply.status_code == 201, reply.text
    stored: dict[str, Any] = reply.json()
    return stored


def run_schedules(platform: dict[str, Any]) -> None:
    reply = requests.post(f"{platform['base_url']}/_local/schedules/run", timeout=120)
    assert reply.status_code == 200, reply.text


def supplement_notice(platform: dict[str, Any], email: str) -> dict[str, Any]:
    notices = [m for m in mailbox(platform, email) if "Diploma Supplement" in m["subject"]]
    assert len(notices) == 1, [m["subject"] for m in mailbox(platform, email)]
    return notices[0]


def sign_in(graduate: Person, platform: dict[str, Any], email: str, url: str) -> None:
    """From a link to the backpack: the sign-in form, its e-mail, and back to the backpack."""
    page = graduate.page
    page.goto(url)
    page.wait_for_url(re.compile(r"/signin"))
    page.get_by_label(re.compile("e-mail", re.I)).fill(email)
    before = len(mailbox(platform, email))
    page.get_by_role("button").first.click()
    assert page.get_by_role("status").is_visible()
    mails = wait_for_mail(platform, email, count=before + 1)
    [signin] = [m for m in mails if re.search(r"/signin/[A-Za-z0-9_-]+", m["text"])]
    page.goto(link_in(signin, "signin"))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/backpack"))


def card_of(graduate: Person, assertion_id: str) -> Any:
    return graduate.page.locator(f"article#badge-{assertion_id}")


def set_switch(graduate: Person, assertion_id: str, on: bool) -> None:
    card = card_of(graduate, assertion_id)
    switch = card.get_by_role("group", name=SWITCH)
    switch.get_by_label(re.compile("^Yes" if on else "^No")).check()
    switch.get_by_role("button", name="Save").click()
    graduate.page.wait_for_url(re.compile(r"/backpack"))


def shown_digest(page: Any) -> str:
    section = page.get_by_role("region", name="Diploma Supplement")
    return str(section.locator("code.digest").inner_text()).strip()


def test_a_graduate_shows_the_diploma_supplement_then_takes_it_back(
    platform: dict[str, Any], chromium: Any
) -> None:
    # Given a degree badge and, later, its Diploma Supplement attached by the issuer
    email = f"supplement-{uuid.uuid4().hex[:8]}@example.org"
    issued = issue_demo(platform, email, recipient={"email": email, "name": "Ada Lovelace"})
    assertion_id = issued["id"]
    pdf = a_pdf(pages=2)
    stored = attach(platform, assertion_id, pdf)
    assert stored["digest"] == sri_sha384(pdf)

    # When the schedules run, the graduate gets the notice with its link to the backpack
    run_schedules(platform)
    notice = supplement_notice(platform, email)
    backpack_link = f"{platform['base_url']}/backpack#badge-{assertion_id}"
    assert backpack_link in notice["text"]
    run_schedules(platform)
    supplement_notice(platform, email)  # still exactly one

    # The graduate follows it on a phone, signs in, accepts the badge
    graduate = Person(chromium, PHONE)
    sign_in(graduate, platform, email, backpack_link)
    card = card_of(graduate, assertion_id)
    card.get_by_role("button", name="Accept").click()
    graduate.page.wait_for_url(re.compile(r"/backpack"))
    card = card_of(graduate, assertion_id)
    switch = card.get_by_role("group", name=SWITCH)
    assert switch.get_by_label(re.compile("^No")).is_checked(), "off by default"
    graduate.shot("1-backpack-phone-off")

    # Nobody else sees it yet
    verify_url = issued["links"]["verify"]
    share_url = issued["links"]["share"]
    recruiter = Person(chromium, DESKTOP)
    for url in (verify_url, share_url):
        reply = recruiter.page.goto(url)
        assert reply is not None and reply.status == 200
        assert "Supplement" not in recruiter.page.content()

    # When the graduate switches it on
    set_switch(graduate, assertion_id, on=True)
    card = card_of(graduate, assertion_id)
    assert card.get_by_role("group", name=SWITCH).get_by_label(re.compile("^Yes")).is_checked()
    graduate.shot("2-backpack-phone-on")
    # The README's picture: the phone's page from its top down to the switch just saved
    switch_end = card.locator(".supplement-box").evaluate(
        "(box) => box.getBoundingClientRect().bottom + window.scrollY"
    )
    around = graduate.page.screenshot(
        full_page=True,
        clip={"x": 0, "y": 0, "width": PHONE["width"], "height": switch_end + 16},
    )
    readme = SHOTS / "readme-backpack-supplement.png"
    assert readme_png(around, readme) < MAX_BYTES
    graduate.page.set_viewport_size(DESKTOP)
    graduate.shot("3-backpack-desktop-on")

    # Then the verification page and the share page show the section, digest and all
    expected = sri_sha384(pdf)
    recruiter.page.goto(verify_url)
    assert "Valid badge" in recruiter.page.get_by_role("status").inner_text()
    assert shown_digest(recruiter.page) == expected
    recruiter.shot("4-verification-desktop")
    phone_recruiter = Person(chromium, PHONE)
    phone_recruiter.page.goto(verify_url)
    assert shown_digest(phone_recruiter.page) == expected
    width = phone_recruiter.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the digest wraps on a phone"
    phone_recruiter.shot("5-verification-phone")
    phone_recruiter.page.goto(share_url)
    assert shown_digest(phone_recruiter.page) == expected
    phone_recruiter.shot("6-share-phone")
    whole = phone_recruiter.page.screenshot(full_page=True)
    assert readme_png(whole, SHOTS / "readme-share-phone.png") < MAX_BYTES
    recruiter.page.goto(share_url)
    assert shown_digest(recruiter.page) == expected
    recruiter.shot("7-share-desktop")

    # And the PDF downloads, with the digest the page shows
    download_name = re.compile("Download the Diploma Supplement")
    with recruiter.page.expect_download() as caught:
        recruiter.page.get_by_role("link", name=download_name).click()
    download = caught.value
    downloaded = Path(download.path()).read_bytes()
    assert sri_sha384(downloaded) == expected
    assert downloaded == pdf
    assert download.suggested_filename.endswith(".pdf")
    assert re.fullmatch(r"[A-Za-z0-9._-]+", download.suggested_filename), "a safe file name"
    held_link = recruiter.page.get_by_role("link", name=download_name).get_attribute("href")
    assert held_link
    held_link = str(held_link)

    # When the graduate switches it off
    set_switch(graduate, assertion_id, on=False)
    graduate.page.set_viewport_size(PHONE)
    graduate.shot("8-backpack-phone-off-again")

    # Then an anonymous browser gets 404 on the link it had, and the pages say nothing of it
    stranger = Person(chromium, DESKTOP)
    gone = stranger.context.request.get(held_link, max_redirects=0)
    assert gone.status == 404
    assert recruiter.context.request.get(held_link, max_redirects=0).status == 404
    for url in (verify_url, share_url):
        reply = stranger.page.goto(url)
        assert reply is not None and reply.status == 200
        html = stranger.page.content()
        assert "Supplement" not in html and "supplement" not in html
    stranger.shot("9-verification-after-off")
    # The graduate still has it in the backpack
    assert card_of(graduate, assertion_id).get_by_role("region", name="Diploma Supplement")

    for person in (graduate, recruiter, phone_recruiter, stranger):
        assert person.csp == []
        person.context.close()
