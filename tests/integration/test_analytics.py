"""Earner analytics through the real handlers on moto: counted where a person looks, shown to
the recipient alone, and never in the way of a page."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from badgehub.runtime import wiring
from tests.integration.conftest import Api, Tenant, issue
from tests.integration.test_recipients import accept, claim_token, me

BROWSER = {"accept": "text/html", "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"}


def path_of(url: str) -> str:
    return url.removeprefix("https://badges.test")


def test_views_checks_and_downloads_are_counted_for_the_recipient_only(
    api: Api, tenant: Tenant
) -> None:
    issued = issue(api, tenant)
    session = accept(api, claim_token())
    page = path_of(issued["links"]["assertion"])
    for _ in range(2):
        assert api.call("GET", page, headers=BROWSER).status == 200
    crawler = {**BROWSER, "user-agent": "LinkedInBot/1.0 (compatible; Mozilla/5.0)"}
    assert api.call("GET", page, headers=crawler).status == 200
    assert api.call("GET", page, headers={"accept": "application/ld+json"}).status == 200
    assert api.call("GET", f"{page}/baked", headers=BROWSER).status == 200
    checked = api.call("POST", "/v1/verify", {"url": issued["links"]["assertion"]})
    assert checked.json()["verdict"] == "valid"
    share = f"/share/{issued['id']}"
    assert api.call("GET", share, headers=BROWSER).status == 200
    assert api.call("GET", share, headers={**BROWSER, "user-agent": "Twitterbot/1.0"}).status == 200
    counts = me(api, session).json()["items"][0]["analytics"]
    assert counts["totals"] == {
        "shareView": 1,  # the preview bot is not a view
        "verificationView": 2,  # the crawler and the JSON-LD fetch are not views
        "apiVerification": 1,
        "download": 1,
    }
    backpack = api.call("GET", "/backpack", headers={"cookie": f"__Host-session={session}"})
    html = backpack.body.decode()
    assert "Who looked at it" in html and "<caption>" in html
    # Nothing about the visitors was stored: only the counts.
    from badgehub.adapters.tables import keyscheme

    day = wiring.ports().clock.now().date().isoformat()
    stored = wiring.ports().stores.analytics._table.get(*keyscheme.views(issued["id"], day))
    assert stored is not None and set(stored) == {
        "PK",
        "SK",
        "share_view",
        "verification_view",
        "api_verification",
        "download",
    }


def test_unknown_badges_create_no_counters(api: Api) -> None:
    assert api.call("GET", "/assertions/nope", headers=BROWSER).status == 404
    assert api.call("GET", "/assertions/nope/baked", headers=BROWSER).status == 404
    from tests.integration.conftest import table_items

    assert not [i for i in table_items() if i["SK"]["S"].startswith("VIEWS#")]


@pytest.mark.parametrize("fault", ["fails", "hangs"])
def test_a_failing_counter_never_fails_or_holds_up_a_page(
    api: Api, tenant: Tenant, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    issued = issue(api, tenant)
    page = path_of(issued["links"]["assertion"])
    api.call("GET", page, headers=BROWSER)  # warm: the verifier loads once

    # A hung counter is let go once the pages answered: the counting pool is the process's
    # own, and threads still asleep would hold up the next test's counts.
    let_go = threading.Event()

    def broken(*_: Any) -> None:
        if fault == "fails":
            raise RuntimeError("the database is down")
        let_go.wait(3)

    monkeypatch.setattr(wiring.ports().analytics, "add_view", broken)
    started = time.perf_counter()
    try:
        replies = [
            api.call("GET", page, headers=BROWSER),
            api.call("GET", f"{page}/baked", headers=BROWSER),
            api.call("POST", "/v1/verify", {"url": issued["links"]["assertion"]}),
        ]
        elapsed = time.perf_counter() - started
    finally:
        let_go.set()
    assert [r.status for r in replies] == [200, 200, 200]
    assert elapsed < 2.5  # three requests, none waited for a 3 s counter
