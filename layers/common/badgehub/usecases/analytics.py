"""Earner analytics: how often a badge's pages were seen, checked and downloaded, per day.

Counts only. Nothing about the visitor is stored (no cookie, address or user agent); the
user agent is read once, to leave known crawlers and link-preview robots out, and dropped.

A public page never waits on the counter: `record` starts the increment on a small pool of
its own and returns at once; the caller lets it finish for at most `WAIT_SECONDS` before
answering (a Lambda freezes threads after the response) and otherwise drops it. A failing
or slow counter loses a count, never a page.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import TYPE_CHECKING, Literal, Protocol

from ..domain.urls import PublicUrls
from ..ports import AnalyticsStore, AssertionStore, Clock

if TYPE_CHECKING:
    from ..domain.verification import Report

Surface = Literal["share_view", "verification_view", "api_verification", "download"]
SURFACES: tuple[Surface, ...] = ("share_view", "verification_view", "api_verification", "download")
WAIT_SECONDS = 0.05  # the most a response waits for its count
MAX_IN_FLIGHT = 16  # a stuck database must not pile up threads: past this, counts are dropped
DAYS_SHOWN = 30

# Lower-case tokens of the User-Agent of search engines, link-preview fetchers and archivers
# (each vendor documents its own). A browser never sends them.
CRAWLER_TOKENS = (
    "linkedinbot",
    "twitterbot",
    "facebookexternalhit",
    "facebookcatalog",
    "slackbot",
    "slack-imgproxy",
    "googlebot",
    "google-inspectiontool",
    "googleother",
    "adsbot-google",
    "bingbot",
    "bingpreview",
    "duckduckbot",
    "applebot",
    "yandexbot",
    "baiduspider",
    "discordbot",
    "telegrambot",
    "whatsapp",
    "pinterestbot",
    "redditbot",
    "skypeuripreview",
    "embedly",
    "ia_archiver",
    "petalbot",
    "ahrefsbot",
    "semrushbot",
    "gptbot",
)

log = logging.getLogger(__name__)


class AnalyticsPorts(Protocol):
    @property
    def analytics(self) -> AnalyticsStore: ...
    @property
    def clock(self) -> Clock: ...


class OwnBadgePorts(Protocol):
    @property
    def assertions(self) -> AssertionStore: ...


UNTRUSTED_VERDICTS = ("invalid", "unverifiable")


def own_assertion(report: Report, urls: PublicUrls, *, ports: OwnBadgePorts) -> str | None:
    """The id of our own assertion a verification was about, when it checked out (a forged
    copy naming one of our ids must not move its recipient's numbers)."""
    summary = report.summary
    if summary is None or not summary.hosted_here or not summary.credential_id:
        return None
    if report.verdict.value in UNTRUSTED_VERDICTS:
        return None
    found = summary.credential_id
    for prefix in ("urn:uuid:", urls.assertion("")):
        if found.startswith(prefix):
            found = found[len(prefix) :]
            break
    else:
        return None
    assertion = ports.assertions.get_assertion(found) if found and "/" not in found else None
    if assertion is None:
        return None
    if summary.issuer_id not in (urls.issuer(assertion.issuer_id), urls.did(assertion.issuer_id)):
        return None
    return assertion.id


def is_crawler(user_agent: str | None) -> bool:
    agent = (user_agent or "").lower()
    return any(token in agent for token in CRAWLER_TOKENS)


class Recording:
    """An increment under way (or none, when there is nothing to count)."""

    def __init__(self, future: Future[None] | None = None) -> None:
        self._future = future

    def settle(self, timeout: float = WAIT_SECONDS) -> bool:
        """Waits at most `timeout`; True when the count landed. Never raises."""
        if self._future is None:
            return False
        try:
            self._future.result(timeout=timeout)
        except FutureTimeout:
            log.warning("analytics count dropped", extra={"reason": "timeout"})
            return False
        except Exception as error:  # a counter must never fail a page
            log.warning("analytics count dropped", extra={"reason": type(error).__name__})
            return False
        return True


NOTHING = Recording()


@cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="analytics")


_in_flight = threading.BoundedSemaphore(MAX_IN_FLIGHT)


def record(
    assertion_id: str, surface: Surface, user_agent: str | None, *, ports: AnalyticsPorts
) -> Recording:
    """Counts one view of our own badge `assertion_id` (the caller has checked it is ours)
    on `surface`, unless a crawler asked. Returns at once; `settle()` it before answering."""
    if surface not in SURFACES:
        raise ValueError(f"unknown surface {surface!r}")
    if is_crawler(user_agent):
        return NOTHING
    if not _in_flight.acquire(blocking=False):
        log.warning("analytics count dropped", extra={"reason": "busy"})
        return NOTHING
    try:
        day = ports.clock.now().date().isoformat()
        store = ports.analytics

        def count() -> None:
            try:
                store.add_view(assertion_id, day, surface)
            finally:
                _in_flight.release()

        return Recording(_pool().submit(count))
    except BaseException:
        _in_flight.release()
        raise


@dataclass(frozen=True)
class Day:
    day: str  # yyyy-mm-dd (UTC)
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Summary:
    days: list[Day]  # newest first, only days with a count, within the last `DAYS_SHOWN`
    totals: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.totals.values())

    def to_json(self) -> dict[str, object]:
        """camelCase counter names, as every other field on the wire."""
        return {
            "days": [{"day": d.day, **_wire(d.counts)} for d in self.days],
            "totals": _wire(self.totals),
            "periodDays": DAYS_SHOWN,
        }


def _wire(counts: dict[str, int]) -> dict[str, int]:
    return {_camel(surface): number for surface, number in counts.items()}


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)


def summary(assertion_id: str, *, ports: AnalyticsPorts) -> Summary:
    """The last `DAYS_SHOWN` days of one badge, for its recipient (one query)."""
    since = (ports.clock.now() - timedelta(days=DAYS_SHOWN - 1)).date().isoformat()
    days = [
        Day(day, {str(s): counts.get(s, 0) for s in SURFACES})
        for day, counts in ports.analytics.recent_days(assertion_id, DAYS_SHOWN)
        if day >= since
    ]
    totals = {str(s): sum(d.counts[s] for d in days) for s in SURFACES}
    return Summary(days, totals)
