"""From a verification report to what the page shows: checks with severity, links for software."""

from __future__ import annotations

from typing import Any

from ..domain.verification.report import Report


def page_report(report: Report) -> dict[str, Any]:
    """The report as the template reads it (with each check's severity, which JSON omits)."""
    data = report.to_json()
    data["checks"] = [
        {"name": c.name, "passed": c.passed, "message": c.message, "severity": c.severity}
        for c in report.checks
    ]
    return data
