"""Schedule expressions as EventBridge reads them, and the local scheduler's timing."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from devplatform.schedules import Cron, Rate, Scheduler, UnsupportedSchedule, parse, scheduled_event
from devplatform.template import Schedule

T0 = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)  # a Tuesday


@pytest.mark.parametrize(
    ("expression", "period"),
    [
        ("rate(1 minute)", timedelta(minutes=1)),
        ("rate(5 minutes)", timedelta(minutes=5)),
        ("rate(2 hours)", timedelta(hours=2)),
        ("rate(1 day)", timedelta(days=1)),
    ],
)
def test_rates(expression: str, period: timedelta) -> None:
    rate = parse(expression)
    assert isinstance(rate, Rate)
    assert rate.next_after(T0, T0) == T0 + period
    assert rate.next_after(T0 + period, T0) == T0 + 2 * period


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("cron(0 3 * * ? *)", T0, datetime(2026, 12, 2, 3, 0, tzinfo=UTC)),
        ("cron(*/15 * * * ? *)", T0, datetime(2026, 12, 1, 8, 45, tzinfo=UTC)),
        ("cron(0 9 ? * MON-FRI *)", T0, datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),
        ("cron(0 9 ? * 1 *)", T0, datetime(2026, 12, 6, 9, 0, tzinfo=UTC)),  # 1 = Sunday
        ("cron(0 8 1 JAN,JUL ? *)", T0, datetime(2027, 1, 1, 8, 0, tzinfo=UTC)),
        ("cron(30 8 1 12 ? 2026)", T0 - timedelta(minutes=1), T0),
        ("cron(0/20 10-11 * * ? *)", T0, datetime(2026, 12, 1, 10, 0, tzinfo=UTC)),
    ],
)
def test_cron_next_times(expression: str, after: datetime, expected: datetime) -> None:
    cron = parse(expression)
    assert isinstance(cron, Cron)
    assert cron.next_after(after) == expected


def test_cron_in_a_time_zone() -> None:
    cron = parse("cron(0 9 * * ? *)", "Europe/Rome")  # 09:00 in Rome is 08:00 UTC in December
    assert cron.next_after(T0) == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "expression",
    [
        "cron(0 12 L * ? *)",
        "cron(0 12 15W * ? *)",
        "cron(0 12 ? * 6#3 *)",
        "cron(0 12 * * * *)",  # both day fields set
        "cron(0 12 * *)",
        "at(2026-12-24T18:00:00)",
        "rate(0 minutes)",
        "cron(61 * * * ? *)",
    ],
)
def test_what_cannot_run_locally_is_refused_by_name(expression: str) -> None:
    with pytest.raises(UnsupportedSchedule, match=r"\S"):
        parse(expression)


def test_the_event_is_the_templates_input_or_eventbridges_own() -> None:
    given = Schedule("F", "Nightly", "rate(1 day)", input='{"job": "x"}')
    assert scheduled_event(given, T0) == {"job": "x"}
    plain = scheduled_event(Schedule("F", "Nightly", "rate(1 day)"), T0)
    assert plain["detail-type"] == "Scheduled Event"
    assert plain["source"] == "aws.events"
    assert plain["time"] == "2026-12-01T08:30:00Z"


def test_the_scheduler_fires_a_due_schedule_and_skips_disabled_ones() -> None:
    clock = [T0]
    fired: list[tuple[str, datetime]] = []
    done = threading.Event()

    def fire(schedule: Schedule, when: datetime) -> None:
        fired.append((schedule.name, when))
        done.set()

    def now() -> datetime:
        clock[0] += timedelta(minutes=10)  # time flies: each look at the clock is 10 minutes on
        return clock[0]

    scheduler = Scheduler(
        [
            Schedule("F", "Every", "rate(1 minute)"),
            Schedule("F", "Off", "rate(1 minute)", enabled=False),
        ],
        fire,
        now,
    )
    scheduler.start()
    try:
        assert done.wait(5)
    finally:
        scheduler.stop()
    assert fired[0] == ("Every", T0 + timedelta(minutes=11))  # a minute after it started
    assert {name for name, _ in fired} == {"Every"}


def test_the_notify_function_is_on_the_local_scheduler_like_any_other() -> None:
    from devplatform import template

    schedules = {(s.function, s.name): s for s in template.schedules()}
    notify = schedules[("NotifyFunction", "EveryFiveMinutes")]
    assert notify.enabled
    assert parse(notify.expression) == Rate(timedelta(minutes=5))
    [function] = [f for f in template.functions() if f.logical_id == "NotifyFunction"]
    assert (function.code_uri / "app.py").is_file() and function.handler == "app.handler"
