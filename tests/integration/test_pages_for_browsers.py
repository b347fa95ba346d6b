"""What a browser gets where software gets JSON: a revoked badge's page, lost URLs, the landing.

Through the handlers against moto; the pages themselves are also axe-checked in a browser
(tests/support/people_pages.py).
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.integration.conftest import Api, Tenant, issue

BASE = "https://badges.test"
HTML = {"accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}
ITALIAN = {**HTML, "accept-language": "it-IT,it;q=0.9"}


def _text(html: str) -> str:
    """The page's words, as a reader meets them (tags and spacing set aside)."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _revoked(api: Api, tenant: Tenant) -> dict[str, str]:
    issued = issue(api, tenant)
    reply = api.call(
        "POST",
        f"/v1/assertions/{issued['id']}/revoke",
        {"reason": "issued to the wrong student"},
        token=tenant.key,
    )
    assert reply.status == 200, reply.body
    return issued


def test_a_revoked_badge_page_shows_what_was_revoked_from_our_records(
    api: Api, tenant: Tenant
) -> None:
    issued = _revoked(api, tenant)
    page = api.call("GET", issued["links"]["assertion"].removeprefix(BASE), headers=HTML)
    assert page.status == 200
    html = page.body.decode()
    text = _text(html)
    assert "Revoked by its issuer" in text and "issued to the wrong student" in text
    assert "Data Literacy" in text  # the badge class's name
    assert "University of Examples" in text  # the issuer
    assert '<h2 id="badge-name">—' not in html and "<dd>—</dd>" not in html
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT', html)  # the issue date
    assert 'src="https://assets.test/' in html  # the badge image
    assert "from this platform's records" in text
    assert "ada@example.org" not in html and "Ada Lovelace" not in html


def test_a_revoked_badge_page_names_its_format_in_words(api: Api, tenant: Tenant) -> None:
    issued = _revoked(api, tenant)
    for headers, words in ((HTML, "Open Badges 2.0, hosted by its issuer"), (ITALIAN, "ospitato")):
        page = api.call("GET", issued["links"]["assertion"].removeprefix(BASE), headers=headers)
        text = _text(page.body.decode())
        assert words in text
        assert "ob2-hosted" not in text


def test_a_valid_badge_page_names_its_format_in_words(api: Api, tenant: Tenant) -> None:
    issued = issue(api, tenant)
    page = api.call("GET", issued["links"]["assertion"].removeprefix(BASE), headers=HTML)
    text = _text(page.body.decode())
    assert "Open Badges 2.0, hosted by its issuer" in text
    assert "Issuer hosted and vouched for by this platform" in text
    assert "from this platform's records" not in text


@pytest.mark.parametrize(
    ("missing", "words"),
    [
        ("Data Literacy", "Issuer hosted and vouched for by this platform"),
        ("Data Literacy", "Does not expire"),
    ],
)
def test_no_reassurance_stands_next_to_missing_facts(
    api: Api, tenant: Tenant, missing: str, words: str
) -> None:
    """A revoked badge whose records are gone too (nothing to show) gets no reassurances."""
    from badgehub.runtime import wiring

    issued = _revoked(api, tenant)
    ports = wiring.ports()
    badge = ports.badges.get_badge(tenant.badge_id)
    assert badge is not None
    original = type(ports.badges).get_badge
    try:
        type(ports.badges).get_badge = lambda self, badge_id: None  # type: ignore[method-assign]
        page = api.call("GET", issued["links"]["assertion"].removeprefix(BASE), headers=HTML)
    finally:
        type(ports.badges).get_badge = original  # type: ignore[method-assign]
    text = _text(page.body.decode())
    assert "Revoked by its issuer" in text
    assert missing not in text
    assert words not in text
