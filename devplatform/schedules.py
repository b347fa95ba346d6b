"""The template's `Schedule` / `ScheduleV2` events, fired locally at the times they name.

EventBridge's expressions: `rate(N minute[s]|hour[s]|day[s])` and
`cron(minutes hours day-of-month month day-of-week year)` with `*`, `?`, lists, ranges, steps
and month/day names. `L`, `W` and `#` (last day, weekday nearest, nth weekday) and one-time
`at(...)` schedules are refused at start, by name, rather than fired at a wrong time.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .template import Schedule

log = logging.getLogger("devplatform.schedules")

_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_CRON = re.compile(r"^cron\((.*)\)$")
_UNITS = {"minute": 60, "hour": 3600, "day": 86400}
_MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_MONTHS = {m: i + 1 for i, m in enumerate(_MONTH_NAMES)}
_DAYS = {d: i + 1 for i, d in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"))}
# AWS numbers days from 1 = Sunday
_LAST_OR_WEEKDAY = re.compile(r"^(\d*L|\d+W|LW)$")
_SEARCH_DAYS = 366 * 8  # far enough for any year list a template would hold


class UnsupportedSchedule(ValueError):
    pass


@dataclass(frozen=True)
class Rate:
    period: timedelta

    def next_after(self, moment: datetime, since: datetime) -> datetime:
        """The first `since + k * period` strictly after `moment` (k >= 1)."""
        elapsed = max(moment - since, timedelta(0))
        periods = elapsed // self.period + 1
        return since + periods * self.period


@dataclass(frozen=True)
class Cron:
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int] | None  # None: `?` (the day of the week decides)
    months: frozenset[int]
    weekdays: frozenset[int] | None  # Python weekdays (Monday = 0); None: `?`
    years: frozenset[int] | None  # None: every year
    zone: ZoneInfo

    def next_after(self, moment: datetime, since: datetime | None = None) -> datetime:
        """The first time strictly after `moment` that every field matches."""
        local = moment.astimezone(self.zone)
        day = local.date()
        for _ in range(_SEARCH_DAYS):
            if self._day_matches(day):
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        candidate = datetime(
                            day.year, day.month, day.day, hour, minute, tzinfo=self.zone
                        )
                        if candidate > moment:
                            return candidate.astimezone(UTC)
            day += timedelta(days=1)
        raise UnsupportedSchedule("this cron expression never fires")

    def _day_matches(self, day: date) -> bool:
        if self.years is not None and day.year not in self.years:
            return False
        if day.month not in self.months:
            return False
        if self.days is not None and day.day not in self.days:
            return False
        return self.weekdays is None or day.weekday() in self.weekdays


Expression = Rate | Cron


def parse(expression: str, timezone: str = "UTC") -> Expression:
    text = expression.strip()
    rate = _RATE.match(text)
    if rate:
        count, unit = int(rate.group(1)), rate.group(2).rstrip("s")
        if count < 1:
            raise UnsupportedSchedule(f"{expression}: a rate must be at least 1")
        return Rate(timedelta(seconds=count * _UNITS[unit]))
    cron = _CRON.match(text)
    if not cron:
        raise UnsupportedSchedule(f"{expression}: only rate(...) and cron(...) run locally")
    fields = cron.group(1).split()
    if len(fields) != 6:
        raise UnsupportedSchedule(f"{expression}: cron needs 6 fields, got {len(fields)}")
    minutes, hours, days, months, weekdays, years = fields
    if (days == "?") == (weekdays == "?"):
        raise UnsupportedSchedule(f"{expression}: exactly one of day-of-month and day-of-week is ?")
    for field in fields:
        if "#" in field or any(
            _LAST_OR_WEEKDAY.match(t) for t in re.split(r"[,/-]", field.upper())
        ):
            raise UnsupportedSchedule(f"{expression}: L, W and # are not supported locally")
    aws_days = None if weekdays == "?" else _field(weekdays, 1, 7, _DAYS, expression)
    return Cron(
        minutes=_field(minutes, 0, 59, {}, expression),
        hours=_field(hours, 0, 23, {}, expression),
        days=None if days == "?" else _field(days, 1, 31, {}, expression),
        months=_field(months, 1, 12, _MONTHS, expression),
        weekdays=None if aws_days is None else frozenset((d - 2) % 7 for d in aws_days),
        years=None if years == "*" else _field(years, 1970, 2199, {}, expression),
        zone=ZoneInfo(timezone),
    )


def _field(
    text: str, low: int, high: int, names: dict[str, int], expression: str
) -> frozenset[int]:
    def number(token: str) -> int:
        value = names.get(token.upper()) if token.upper() in names else None
        if value is None:
            if not token.isdigit():
                raise UnsupportedSchedule(f"{expression}: {token!r} is not a value here")
            value = int(token)
        if not low <= value <= high:
            raise UnsupportedSchedule(f"{expression}: {value} is outside {low}-{high}")
        return value

    values: set[int] = set()
    for part in text.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text.isdigit() and int(step_text) > 0 else None
        if step_text and step is None:
            raise UnsupportedSchedule(f"{expression}: {part!r} has a bad step")
        if base == "*":
            start, end = low, high
        elif "-" in base:
            first, last = base.split("-", 1)
            start, end = number(first), number(last)
        else:
            start = number(base)
            end = high if step else start
        values.update(range(start, end + 1, step or 1))
    return frozenset(values)


def scheduled_event(schedule: Schedule, moment: datetime, region: str = "us-east-1") -> Any:
    """The template's `Input` when it gives one, else EventBridge's scheduled event."""
    if schedule.input is not None:
        return json.loads(schedule.input)
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [
            f"arn:aws:events:{region}:123456789012:rule/{schedule.function}-{schedule.name}"
        ],
        "detail": {},
    }


class Scheduler:
    """A thread that fires each enabled schedule when it is due. `fire` must not block long:
    it hands the invocation to the function's pool and returns."""

    def __init__(
        self,
        schedules: list[Schedule],
        fire: Callable[[Schedule, datetime], None],
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._entries = [(s, parse(s.expression, s.timezone)) for s in schedules if s.enabled]
        self._fire = fire
        self._now = now
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._entries:
            self._thread = threading.Thread(target=self._run, name="scheduler", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        since = self._now()
        due = {i: expr.next_after(since, since) for i, (_, expr) in enumerate(self._entries)}
        while not self._stopped.is_set():
            upcoming = min(due.values())
            wait = (upcoming - self._now()).total_seconds()
            if wait > 0 and self._stopped.wait(min(wait, 60)):
                return
            moment = self._now()
            for i, when in list(due.items()):
                if when <= moment:
                    schedule, expr = self._entries[i]
                    try:
                        self._fire(schedule, when)
                    except Exception:
                        log.exception("could not fire %s.%s", schedule.function, schedule.name)
                    due[i] = expr.next_after(moment, since)
