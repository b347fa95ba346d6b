"""The graduate's side in a real browser: e-mail -> claim -> backpack -> privacy, on a phone.

Screenshots of every step land in `test-artifacts/recipient/` for a person to look at.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.conftest import CHROMIUM_FLAGS
from tests.support.portal import issue_demo

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "recipient"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """A browser whose contexts start empty: each person is a fresh browser."""
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            headless=True,
            args=CHROMIUM_FLAGS,
        )
        try:
            yield browser
        finally:
            browser.close()


def fresh_phone(chromium: Any, locale: str = "en-GB") -> Any:
    context = chromium.new_context(
        viewport=PHONE, ignore_https_errors=True, locale=locale, is_mobile=True
    )
    return context.new_page()


def mailbox(platform: dict[str, Any], to: str) -> list[dict[str, Any]]:
    reply = requests.get(f"{platform['base_url']}/_local/mail.json", params={"to": to}, timeout=30)
    reply.raise_for_status()
    found: list[dict[str, Any]] = reply.json()
    return found


def wait_for_mail(platform: dict[str, Any], to: str, count: int = 1) -> list[dict[str, Any]]:
    """The local mailbox has the e-mail soon after the request that caused it (sent at once,
    not by the scheduled mailer; the bound is loose so a busy machine does not fail it)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = mailbox(platform, to)
        if len(found) >= count:
            return found
        time.sleep(0.1)
    raise AssertionError(f"no e-mail to {to} within 30 seconds")


def link_in(mail: dict[str, Any], kind: str) -> str:
    found = re.search(rf"https://\S+/{kind}/[A-Za-z0-9_-]+", mail["text"])
    assert found, mail["text"]
    return found.group(0)


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_graduate_claims_a_badge_and_makes_it_private(
    platform: dict[str, Any], chromium: Any
) -> None:
    email = "grace.graduate@example.org"
    issued = issue_demo(platform, email, recipient={"email": email, "name": "Grace Hopper"})
    [mail] = wait_for_mail(platform, email)
    assert "Demo" in mail["subject"] or mail["subject"]
    page = fresh_phone(chromium)
    csp_problems: list[str] = []
    page.on(
        "console", lambda m: csp_problems.append(m.text) if "Content Security" in m.text else None
    )

    page.goto(link_in(mail, "claim"))
    shot(page, "1-claim")
    assert page.locator("h1").count() == 1
    page.get_by_role("button", name="Accept").click()
    page.wait_for_url(re.compile(r"/backpack"))
    shot(page, "2-backpack-accepted")
    assert page.get_by_text(email).is_visible()

    # The name is off by default on the public page; the recipient turns it on, then private.
    verify = issued["links"]["verify"]
    stranger = fresh_phone(chromium)
    stranger.goto(verify)
    assert "Grace Hopper" not in stranger.content()
    page.get_by_text("Sharing settings").first.click()
    page.get_by_label(re.compile("Show my name", re.I)).first.check()
    page.get_by_role("button", name=re.compile("Save", re.I)).nth(1).click()
    page.wait_for_url(re.compile(r"/backpack"))
    stranger.goto(verify)
    assert "Grace Hopper" in stranger.content()
    shot(stranger, "3-verification-with-name")
    page.get_by_text("Sharing settings").first.click()
    page.get_by_label(re.compile("^Private", re.I)).first.check()
    page.get_by_role("button", name=re.compile("Save", re.I)).first.click()
    page.wait_for_url(re.compile(r"/backpack"))
    shot(page, "4-backpack-private")
    listing = page.context.request.get(f"{platform['base_url']}/v1/me/assertions").json()
    [mine] = [i for i in listing["items"] if i["id"] == issued["id"]]
    assert (mine["claim"], mine["visibility"], mine["showName"]) == ("accepted", "private", True)
    stranger.goto(verify)
    assert "Valid badge" in stranger.get_by_role("status").inner_text()  # still verifies
    assert csp_problems == []
    page.context.close()
    stranger.context.close()


def test_a_replayed_claim_link_changes_nothing_and_offers_signin(
    platform: dict[str, Any], chromium: Any
) -> None:
    email = "replay@example.org"
    issue_demo(platform, email)
    [mail] = wait_for_mail(platform, email)
    first = fresh_phone(chromium)
    first.goto(link_in(mail, "claim"))
    first.get_by_role("button", name="Accept").click()
    first.wait_for_url(re.compile(r"/backpack"))
    again = fresh_phone(chromium)
    reply = again.goto(link_in(mail, "claim"))
    assert reply is not None and reply.status == 410
    shot(again, "5-replayed-link")
    assert again.get_by_role("link", name=re.compile("Sign in", re.I)).is_visible()
    first.context.close()
    again.context.close()


def test_declining_asks_first_and_can_be_undone(platform: dict[str, Any], chromium: Any) -> None:
    email = "decline@example.org"
    issue_demo(platform, email)
    [mail] = wait_for_mail(platform, email)
    page = fresh_phone(chromium)
    page.goto(link_in(mail, "claim"))
    page.get_by_role("button", name="Decline").click()
    shot(page, "6-decline-confirm")
    page.get_by_role("button", name=re.compile("decline", re.I)).first.click()
    page.wait_for_url(re.compile(r"/backpack"))
    shot(page, "7-backpack-declined")
    assert page.get_by_role("heading", name=re.compile("Declined")).is_visible()
    page.get_by_role("button", name=re.compile("Accept it after all", re.I)).click()
    page.wait_for_url(re.compile(r"/backpack"))
    assert page.get_by_role("heading", name=re.compile("Accepted")).is_visible()
    page.context.close()


def test_signing_in_from_a_fresh_browser_in_italian(
    platform: dict[str, Any], chromium: Any
) -> None:
    email = "italia@example.org"
    issue_demo(platform, email, locale="it")
    [badge_mail] = wait_for_mail(platform, email)
    assert "Demo" in badge_mail["subject"] or badge_mail["subject"]
    page = fresh_phone(chromium, locale="it-IT")
    page.goto(f"{platform['base_url']}/backpack")
    page.wait_for_url(re.compile(r"/signin"))
    assert page.locator("html").get_attribute("lang") == "it"
    page.get_by_label(re.compile("e-mail", re.I)).fill(email)
    page.get_by_role("button").first.click()
    shot(page, "8-signin-sent-it")
    assert page.get_by_role("status").is_visible()
    mails = wait_for_mail(platform, email, count=2)
    page.goto(link_in(mails[0], "signin"))
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_url(re.compile(r"/backpack"))
    shot(page, "9-backpack-it")
    assert page.locator("html").get_attribute("lang") == "it"
    page.context.close()
