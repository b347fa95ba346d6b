"""The public issuer and badge class pages: what they count, what they show, what they refuse."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from badgehub.adapters.tables.core import Write
from badgehub.domain.models import (
    AssertionInput,
    BadgeClass,
    BadgeClassInput,
    IssuerInput,
    RevokeInput,
)
from badgehub.domain.urls import PublicUrls
from badgehub.usecases import assertions, badges, issuers, public
from badgehub.usecases.auth import Principal
from badgehub.web import public_pages
from badgehub.web.public_pages import safe_link
from tests.support.builders import a_badge, an_assertion, an_issuer
from tests.support.fakes import FakePorts
from tests.support.memory_table import MemoryTable

URLS = PublicUrls(base="https://badges.example", assets="https://assets.example")
ADMIN = Principal(is_admin=True)
HOSTILE = '<script>alert("x")</script> & "quotes" \' <img src=x onerror=alert(1)>'


class CountingTable(MemoryTable):
    """Counts the table operations a page costs."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def get(self, pk: str, sk: str) -> Any:
        self.reads += 1
        return super().get(pk, sk)

    def query(self, partition: str, **kw: Any) -> Any:
        self.reads += 1
        return super().query(partition, **kw)

    def transact(self, writes: Sequence[Write]) -> None:
        super().transact(writes)


@pytest.fixture
def ports() -> FakePorts:
    made = FakePorts()
    made.table = CountingTable()
    return made


def a_tenant(ports: FakePorts, **issuer: Any) -> tuple[Principal, str]:
    made = issuers.create_issuer(ADMIN, IssuerInput(**an_issuer(**issuer)), URLS, ports=ports)
    principal = Principal(issuer_id=made.id)
    badge = badges.create_badge(principal, made.id, BadgeClassInput(**a_badge()), ports=ports)
    return principal, badge.id


def award(ports: FakePorts, principal: Principal, badge_id: str, n: int) -> list[str]:
    return [
        assertions.issue(
            principal,
            badge_id,
            AssertionInput(**an_assertion(f"person{i}@example.org")),
            None,
            URLS,
            ports=ports,
        ).assertion.id
        for i in range(n)
    ]


def test_awarded_counts_issued_minus_revoked_and_never_goes_negative(ports: FakePorts) -> None:
    principal, badge_id = a_tenant(ports)
    ids = award(ports, principal, badge_id, 5)
    assertions.revoke(principal, ids[0], RevokeInput(reason="error"), URLS, ports=ports)
    assertions.revoke(principal, ids[0], RevokeInput(reason="again"), URLS, ports=ports)
    assert public.badge_page(badge_id, ports=ports).awarded == 4
    assert (
        public.issuer_page(str(principal.issuer_id), ports=ports, urls=URLS).badges[0].awarded == 4
    )


def test_a_page_costs_the_same_reads_whatever_the_number_awarded(ports: FakePorts) -> None:
    principal, badge_id = a_tenant(ports)
    issuer_id = str(principal.issuer_id)
    table = ports.table
    assert isinstance(table, CountingTable)

    def reads_of_pages() -> tuple[int, int]:
        table.reads = 0
        public.issuer_page(issuer_id, ports=ports, urls=URLS)
        issuer_reads, table.reads = table.reads, 0
        public.badge_page(badge_id, ports=ports)
        return issuer_reads, table.reads

    before = reads_of_pages()
    award(ports, principal, badge_id, 40)
    assert reads_of_pages() == before == (4, 3)
    assert public.badge_page(badge_id, ports=ports).awarded == 40


def test_the_issuer_page_lists_its_badges_keys_and_did_and_no_recipient(ports: FakePorts) -> None:
    principal, badge_id = a_tenant(ports)
    award(ports, principal, badge_id, 2)
    view = public.issuer_page(str(principal.issuer_id), ports=ports, urls=URLS)
    html = public_pages.issuer_page(view, "en", URLS, URLS.base + "/verify", URLS.assets).html
    assert "Awarded 2 times" in html
    assert f"did:web:badges.example:issuers:{principal.issuer_id}" in html
    for key in view.keys:
        assert f'href="{URLS.key(key.issuer_id, key.key_id)}"' in html
    assert f'href="{URLS.badge(badge_id)}?lang=en"' in html
    assert 'href="https://uni.example.org/" rel="noopener noreferrer"' in html
    assert "person0@example.org" not in html and "Ada Lovelace" not in html
    italian = public_pages.issuer_page(view, "it", URLS, URLS.base + "/verify", URLS.assets).html
    assert "Conferito 2 volte" in italian and '<html lang="it">' in italian


def test_hostile_issuer_and_badge_text_is_escaped(ports: FakePorts) -> None:
    principal, _ = a_tenant(ports, name=HOSTILE, description=HOSTILE)
    badge = badges.create_badge(
        principal,
        str(principal.issuer_id),
        BadgeClassInput(
            **a_badge(
                name=HOSTILE,
                description=HOSTILE,
                criteria={"narrative": HOSTILE},
                tags=["<b>x</b>"],
                alignments=[
                    {
                        "targetName": HOSTILE,
                        "targetUrl": "https://esco.example/x",
                        "targetDescription": HOSTILE,
                    }
                ],
            )
        ),
        ports=ports,
    )
    issuer_html = public_pages.issuer_page(
        public.issuer_page(str(principal.issuer_id), ports=ports, urls=URLS),
        "en",
        URLS,
        URLS.base + "/verify",
        URLS.assets,
    ).html
    badge_html = public_pages.badge_class_page(
        public.badge_page(badge.id, ports=ports), "en", URLS, URLS.base + "/verify", URLS.assets
    ).html
    for html in (issuer_html, badge_html):
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>x</b>" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;quotes&#34;" in html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:x",
        "//evil.example/x",
        "/relative",
        "https://",
        "https://ok.example/\nx",
        "",
        None,
    ],
)
def test_only_http_links_are_made(url: str | None) -> None:
    assert safe_link(url) is None


def test_http_and_https_links_are_kept() -> None:
    assert (
        safe_link("https://uni.example/criteria?a=1&b=2") == "https://uni.example/criteria?a=1&b=2"
    )
    assert safe_link("http://uni.example") == "http://uni.example"


def test_stored_javascript_urls_never_become_links(ports: FakePorts) -> None:
    """Inputs refuse them (see the API tests); a record stored otherwise still shows no link."""
    _, badge_id = a_tenant(ports)
    stored = ports.badges.get_badge(badge_id)
    assert stored is not None
    hostile = stored.model_copy(
        update={
            "criteria_url": "javascript:alert(1)",
            "alignments": tuple(
                a.model_copy(update={"target_url": "javascript:alert(2)"})
                for a in stored.alignments
            ),
        }
    )
    view = public.BadgePage(hostile, public.badge_page(badge_id, ports=ports).issuer, 0)
    html = public_pages.badge_class_page(view, "en", URLS, URLS.base + "/verify", URLS.assets).html
    assert "javascript:" not in html
    assert "Not awarded yet" in html
    assert isinstance(hostile, BadgeClass)


@pytest.mark.parametrize(
    "field,value",
    [
        ("url", "javascript:alert(1)"),
        ("url", "data:text/html,x"),
    ],
)
def test_issuer_input_refuses_non_http_websites(field: str, value: str) -> None:
    with pytest.raises(ValueError, match=field):
        IssuerInput(**an_issuer(**{field: value}))


def test_badge_input_refuses_javascript_criteria_and_alignment_urls() -> None:
    with pytest.raises(ValueError, match=r"criteria\.url"):
        BadgeClassInput(**a_badge(criteria={"url": "javascript:alert(1)"}))
    alignment = {"targetName": "x", "targetUrl": "javascript:alert(1)"}
    with pytest.raises(ValueError, match="targetUrl"):
        BadgeClassInput(**a_badge(alignments=[alignment]))
