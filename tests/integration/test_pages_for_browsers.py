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


@pytest.mark.parametrize(
    "path", ["/no/such/page", "/assertions/no-such-badge", "/issuers/nobody", "/badges/none"]
)
def test_a_browser_gets_a_404_page_in_its_language(api: Api, path: str) -> None:
    for headers, words in ((HTML, "Page not found"), (ITALIAN, "Pagina non trovata")):
        page = api.call("GET", path, headers=headers)
        assert page.status == 404
        assert page.headers["content-type"].startswith("text/html")
        assert "default-src 'none'" in page.headers["content-security-policy"]
        html = page.body.decode()
        assert words in _text(html)
        assert 'href="https://badges.test/verify?lang=' in html


@pytest.mark.parametrize(
    "path", ["/no/such/page", "/assertions/no-such-badge", "/issuers/nobody", "/badges/none"]
)
def test_software_keeps_getting_the_json_404(api: Api, path: str) -> None:
    for accept in (None, "application/json", "application/ld+json, text/html;q=0.5", "*/*"):
        reply = api.call("GET", path, headers={"accept": accept} if accept else {})
        assert reply.status == 404
        assert reply.json()["error"]["code"] == "not_found"


def test_a_hostile_lost_url_is_escaped_on_the_404_page(api: Api) -> None:
    page = api.call("GET", "/%3Cscript%3Ealert(1)%3C/script%3E?lang=%22%3E%3Cb%3E", headers=HTML)
    assert page.status == 404
    html = page.body.decode()
    assert "<script>" not in html and '"><b>' not in html


def test_posting_to_an_unknown_route_is_json_even_from_a_browser(api: Api) -> None:
    reply = api.call("POST", "/no/such/form", {"a": 1}, headers=HTML)
    assert reply.status == 404
    assert reply.json()["error"]["code"] == "not_found"


def test_the_landing_page_says_what_this_is_and_links_verify_and_the_api_docs(
    api: Api,
) -> None:
    for headers, words in ((HTML, "issue and verify"), (ITALIAN, "emettere e verificare")):
        page = api.call("GET", "/", headers=headers)
        assert page.status == 200
        html = page.body.decode()
        assert words in _text(html)
        assert 'href="https://badges.test/verify?lang=' in html
        assert 'href="https://badges.test/docs"' in html
    software = api.call("GET", "/")
    assert software.json() == {
        "verify": "https://badges.test/v1/verify",
        "openapi": "https://badges.test/openapi.json",
        "docs": "https://badges.test/docs",
    }


def test_the_api_description_is_served(api: Api) -> None:
    import yaml

    reply = api.call("GET", "/openapi.yaml")
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("application/yaml")
    spec = yaml.safe_load(reply.body)
    assert spec["openapi"].startswith("3.0") and "/v1/verify" in spec["paths"]
