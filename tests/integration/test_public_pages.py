"""The issuer's and the badge class's own URLs: a page for browsers, JSON-LD for software."""

from __future__ import annotations

from tests.integration.conftest import Api, Tenant, issue
from tests.support.builders import a_badge

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_a_browser_gets_the_issuer_page_and_software_the_profile(api: Api, tenant: Tenant) -> None:
    for _ in range(3):
        issued = issue(api, tenant)
    api.call(
        "POST", f"/v1/assertions/{issued['id']}/revoke", {"reason": "mistake"}, token=tenant.key
    )
    page = api.call("GET", f"/issuers/{tenant.issuer_id}", headers={"accept": BROWSER})
    assert page.status == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src" not in page.headers["content-security-policy"]
    html = page.body.decode()
    assert "University of Examples" in html and "Awarded 2 times" in html
    assert f"did:web:badges.test:issuers:{tenant.issuer_id}" in html
    assert "ada@example.org" not in html.lower() and "Lovelace" not in html
    for accept in (None, "application/ld+json", "application/json", "*/*"):
        document = api.call(
            "GET", f"/issuers/{tenant.issuer_id}", headers={"accept": accept} if accept else None
        )
        assert document.json()["type"] == "Issuer", accept


def test_a_browser_gets_the_badge_class_page_with_its_criteria(api: Api, tenant: Tenant) -> None:
    issue(api, tenant)
    page = api.call(
        "GET", f"/badges/{tenant.badge_id}", headers={"accept": BROWSER, "accept-language": "it"}
    )
    assert page.status == 200
    html = page.body.decode()
    assert '<html lang="it">' in html
    assert "Pass the data literacy module." in html
    assert 'href="https://uni.example.org/dl" rel="noopener noreferrer"' in html
    assert "ESCO: data literacy" in html and "Conferito una volta" in html
    assert f'href="https://badges.test/issuers/{tenant.issuer_id}?lang=it"' in html
    assert api.call("GET", f"/badges/{tenant.badge_id}").json()["type"] == "BadgeClass"


def test_unknown_ids_are_an_html_404_in_the_visitors_language(api: Api) -> None:
    for path, words in (("/issuers/nope", "nessun emittente"), ("/badges/nope", "nessun badge")):
        page = api.call("GET", path, headers={"accept": BROWSER, "accept-language": "it-IT"})
        assert page.status == 404
        assert page.headers["content-type"].startswith("text/html")
        assert words in page.body.decode()
        assert api.call("GET", path).json()["error"]["code"] == "not_found"


def test_the_api_refuses_javascript_urls_naming_the_field(api: Api, tenant: Tenant) -> None:
    reply = api.call(
        "POST",
        f"/v1/issuers/{tenant.issuer_id}/badges",
        a_badge(criteria={"url": "javascript:alert(1)"}),
        token=tenant.key,
    )
    assert reply.status == 400
    assert reply.json()["error"]["field"] == "criteria.url"
