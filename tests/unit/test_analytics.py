"""Earner analytics: what is counted, what is not, and that a failing counter fails nothing."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from badgehub.usecases import analytics
from tests.support.builders import FIXED_NOW, FixedClock
from tests.support.fakes import FakePorts

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"


@pytest.fixture
def ports() -> FakePorts:
    return FakePorts()


def test_each_surface_counts_per_day_and_nothing_about_the_visitor(ports: FakePorts) -> None:
    for surface in analytics.SURFACES:
        assert analytics.record("a1", surface, BROWSER, ports=ports).settle(timeout=2)
    assert analytics.record("a1", "download", BROWSER, ports=ports).settle(timeout=2)
    stored = [item for key, item in ports.table.items.items() if key[0] == "ASSERTION#a1"]
    assert stored == [
        {
            "PK": "ASSERTION#a1",
            "SK": "VIEWS#2026-06-01",
            "share_view": 1,
            "verification_view": 1,
            "api_verification": 1,
            "download": 2,
        }
    ]  # no user agent, address or cookie: only counts
    summary = analytics.summary("a1", ports=ports)
    assert summary.total == 5 and summary.days[0].day == "2026-06-01"


@pytest.mark.parametrize(
    "agent",
    [
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        "Twitterbot/1.0",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "WhatsApp/2.23.20.0",
        "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    ],
)
def test_known_crawlers_are_not_counted(ports: FakePorts, agent: str) -> None:
    assert not analytics.record("a1", "share_view", agent, ports=ports).settle(timeout=2)
    assert analytics.summary("a1", ports=ports).total == 0


def test_an_unknown_surface_is_refused(ports: FakePorts) -> None:
    with pytest.raises(ValueError, match="surface"):
        analytics.record("a1", "clicks", BROWSER, ports=ports)  # type: ignore[arg-type]


def test_a_failing_counter_is_dropped_without_raising(
    ports: FakePorts, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(*_: object) -> None:
        raise RuntimeError("database down")

    monkeypatch.setattr(ports.analytics, "add_view", down)
    assert analytics.record("a1", "download", BROWSER, ports=ports).settle() is False


def test_a_slow_counter_is_waited_on_briefly_then_dropped(
    ports: FakePorts, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ports.analytics, "add_view", lambda *_: time.sleep(1))
    started = time.perf_counter()
    recording = analytics.record("a1", "download", BROWSER, ports=ports)
    assert recording.settle() is False
    assert time.perf_counter() - started < analytics.WAIT_SECONDS + 0.2
    recording.settle(timeout=2)  # let it finish: it holds one of the in-flight places


def test_a_stuck_database_never_piles_up_threads(
    ports: FakePorts, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    monkeypatch.setattr(ports.analytics, "add_view", lambda *_: release.wait(5))
    held = [analytics.record("a1", "download", BROWSER, ports=ports) for _ in range(40)]
    dropped = [r for r in held if r is analytics.NOTHING]
    assert len(dropped) == 40 - analytics.MAX_IN_FLIGHT
    release.set()
    for recording in held:
        recording.settle(timeout=5)


def test_the_summary_keeps_the_last_30_days_newest_first(ports: FakePorts) -> None:
    clock = FixedClock(FIXED_NOW - timedelta(days=40))
    ports.clock = clock
    for days_later in (0, 20, 39, 40):
        clock.current = FIXED_NOW - timedelta(days=40 - days_later)
        analytics.record("a1", "share_view", BROWSER, ports=ports).settle(timeout=2)
    clock.current = FIXED_NOW
    summary = analytics.summary("a1", ports=ports)
    assert [d.day for d in summary.days] == ["2026-06-01", "2026-05-31", "2026-05-12"]
    assert summary.totals["share_view"] == 3  # the day 40 days ago is left out
