"""When a badge is valid: reading its dates, and checking them against now."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from .report import Check, Verdict, failed, passed
from .values import aware

CLOCK_SKEW = timedelta(minutes=5)  # issuers' clocks drift; a badge issued "now" must verify now
UNIX_TIME = re.compile(r"\d{10}")


def from_epoch(value: object) -> datetime | None:
    """A JWT NumericDate; None when absent or out of any calendar's range."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def parse_datetime(value: object) -> datetime | None:
    """An ISO 8601 date-time (or OB 2.0's 10-digit Unix time); naive if it names no zone."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**10:
        return datetime.fromtimestamp(value, UTC)
    if not isinstance(value, str):
        return None
    if UNIX_TIME.fullmatch(value):
        return datetime.fromtimestamp(int(value), UTC)
    try:
        moment = datetime.fromisoformat(value.replace("z", "Z"))
        return moment.astimezone(UTC) if moment.tzinfo else moment
    except (ValueError, OverflowError):  # year 1 east of UTC has no UTC form
        return None


def human_date(moment: datetime) -> str:
    """ "5 March 2025", with the time (UTC) only when it is not midnight."""
    utc = aware(moment).astimezone(UTC)
    day = f"{utc.day} {utc:%B %Y}"
    return day if utc.time() == datetime.min.time() else f"{day} at {utc:%H:%M} UTC"


def date_checks(issued: datetime | None, expires: datetime | None, now: datetime) -> list[Check]:
    """Not before its start (5 minutes' grace), not after its end, ending after it starts."""
    checks: list[Check] = []
    if issued is not None and aware(issued) > now + CLOCK_SKEW:
        checks.append(
            failed(
                "dates",
                f"This badge only becomes valid on {human_date(issued)}.",
                Verdict.NOT_YET_VALID,
            )
        )
    if expires is not None and issued is not None and aware(expires) < aware(issued):
        checks.append(failed("dates", "The badge says it expires before it was issued."))
    if expires is not None and aware(expires) <= now:
        checks.append(
            failed("dates", f"This badge expired on {human_date(expires)}.", Verdict.EXPIRED)
        )
    if checks:
        return checks
    issued_text = (
        f"This badge was issued on {human_date(issued)}"
        if issued
        else "This badge has no issue date"
    )
    if expires is None:
        return [passed("dates", f"{issued_text} and does not expire.")]
    return [passed("dates", f"{issued_text} and is valid until {human_date(expires)}.")]


def ob2_dates(assertion: Mapping[str, Any]) -> tuple[datetime | None, datetime | None]:
    return parse_datetime(assertion.get("issuedOn")), parse_datetime(assertion.get("expires"))


def ob3_dates(
    credential: Mapping[str, Any], claims: Mapping[str, Any] | None = None
) -> tuple[datetime | None, datetime | None]:
    """(start, end); a VC-JWT's `nbf`/`exp` narrow them, as JWT verifiers would."""
    start = parse_datetime(credential.get("validFrom", credential.get("issuanceDate")))
    end = parse_datetime(credential.get("validUntil", credential.get("expirationDate")))
    if claims is not None:
        nbf, exp = from_epoch(claims.get("nbf")), from_epoch(claims.get("exp"))
        if nbf is not None:
            start = nbf if start is None else max(aware(start), nbf)
        if exp is not None:
            end = exp if end is None else min(aware(end), exp)
    return start, end
