"""The verification pages in a real headless browser, as recruiters see them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.portal import issue_demo

pytestmark = pytest.mark.e2e


def test_a_recruiter_opens_the_badge_link_and_reads_the_verdict(
    platform: dict[str, Any], browser: Any
) -> None:
    issued = issue_demo(platform, "page@example.org")
    page = browser.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    assert issued["links"]["verify"] == issued["links"]["assertion"]
    page.goto(issued["links"]["verify"])
    status = page.get_by_role("status")
    assert "Valid badge" in status.inner_text()
    assert page.get_by_role("heading", name="Open Badges Explorer").is_visible()
    assert page.get_by_text("Issuer hosted and vouched for by this platform").is_visible()
    assert page.locator("img").first.get_attribute("alt")
    page.get_by_role("link", name="Italiano").click()
    assert "Badge valido" in page.get_by_role("status").inner_text()
    assert page.locator("html").get_attribute("lang") == "it"
    assert problems == []
    page.close()


def test_a_revoked_badge_says_so_in_words_with_the_reason(
    platform: dict[str, Any], browser: Any
) -> None:
    issued = issue_demo(platform, "gone@example.org")
    requests.post(
        f"{platform['base_url']}/v1/assertions/{issued['id']}/revoke",
        json={"reason": "Issued to the wrong student"},
        headers={"Authorization": f"Bearer {platform['demo']['api_key']}"},
        timeout=30,
    ).raise_for_status()
    page = browser.new_page()
    page.goto(issued["links"]["assertion"])
    text = page.get_by_role("status").inner_text()
    assert "Revoked by its issuer" in text
    assert "Issued to the wrong student" in text
    page.close()


def test_anyone_uploads_a_baked_image_and_checks_the_recipient(
    platform: dict[str, Any], browser: Any, tmp_path: Path
) -> None:
    issued = issue_demo(platform, "upload@example.org")
    baked = tmp_path / "badge.png"
    baked.write_bytes(requests.get(issued["links"]["baked"], timeout=30).content)
    page = browser.new_page()
    page.goto(f"{platform['base_url']}/verify")
    page.get_by_label("Badge image (PNG or SVG)").set_input_files(str(baked))
    page.get_by_label("Was it issued to this e-mail address? (optional)").fill("upload@example.org")
    page.get_by_role("button", name="Verify").click()
    assert "Valid badge" in page.get_by_role("status").inner_text()
    assert page.get_by_text("issued to the e-mail address you entered").is_visible()
    page.close()


def test_a_bad_upload_gets_a_clear_message_on_the_page(
    platform: dict[str, Any], browser: Any, tmp_path: Path
) -> None:
    not_an_image = tmp_path / "notes.png"
    not_an_image.write_bytes(b"these are my notes, not a badge")
    page = browser.new_page()
    page.goto(f"{platform['base_url']}/verify?lang=it")
    page.get_by_label("Immagine del badge (PNG o SVG)").set_input_files(str(not_an_image))
    page.get_by_role("button", name="Verifica").click()
    alert = page.get_by_role("alert")
    assert "Non siamo riusciti a leggerlo" in alert.inner_text()
    page.close()
