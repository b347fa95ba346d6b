"""From a verification report to what the page shows: checks with severity, links for software."""

from __future__ import annotations

from typing import Any

from ..domain.urls import PublicUrls
from ..domain.verification.report import Report, Verdict


def page_report(report: Report, recorded: dict[str, Any] | None = None) -> dict[str, Any]:
    """The report as the template reads it (with each check's severity, which JSON omits).

    For a revoked badge hosted here, whose documents now say only that it was revoked, the
    facts the verifier could not read come from the platform's `recorded` ones, marked so.
    """
    data = report.to_json()
    data["checks"] = [
        {"name": c.name, "passed": c.passed, "message": c.message, "severity": c.severity}
        for c in report.checks
    ]
    summary = data.get("summary")
    if recorded and summary and report.verdict is Verdict.REVOKED:
        missing = {k: v for k, v in recorded.items() if summary.get(k) is None and v is not None}
        data["summary"] = {**summary, **missing, "from_records": bool(missing)}
    return data


def document_links(urls: PublicUrls, assertion_id: str) -> list[tuple[str, str]]:
    """The badge's standard forms, listed under its verification page."""
    return [
        ("Open Badges 2.0 (JSON-LD)", urls.assertion(assertion_id)),
        ("Open Badges 2.0 signed (JWS)", urls.ob2_signed(assertion_id)),
        ("Open Badges 3.0 credential", urls.credential(assertion_id)),
        ("Open Badges 3.0 VC-JWT", urls.credential_jwt(assertion_id)),
    ]
