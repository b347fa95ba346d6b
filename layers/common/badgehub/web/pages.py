"""Renders the pages with Jinja2 (autoescape on: every value from a badge is untrusted)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from . import i18n

SYMBOLS = {
    "valid": "✓",
    "revoked": "✗",
    "invalid": "✗",
    "expired": "⌛",
    "not_yet_valid": "…",
    "unverifiable": "?",
}


@dataclass(frozen=True)
class Page:
    html: str
    headers: dict[str, str]


@cache
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("badgehub.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def security_headers(nonce: str, image_origins: str) -> dict[str, str]:
    """A strict CSP: no scripts at all, styles only by nonce, images from known places."""
    return {
        "Content-Security-Policy": (
            "default-src 'none'; "
            f"style-src 'nonce-{nonce}'; "
            f"img-src 'self' https: data: {image_origins}; "
            "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-store",
        "Vary": "Accept, Accept-Language",
    }


# The verifier's own words (each check's message, a form's error) are English only: pages in
# another language mark them so, and screen readers pronounce them as English.
VERIFIER_LANGUAGE = "en"
# Change with the statement's words, whenever they are reviewed.
STATEMENT_REVIEWED = datetime(2026, 12, 1, tzinfo=UTC)


def accessibility_url(verify_url: str, lang: str) -> str:
    """The accessibility statement, beside `/verify` (every page is given the verify URL)."""
    return f"{verify_url.rsplit('/', 1)[0]}/accessibility?lang={lang}"


def _render(template: str, lang: str, image_origins: str, **context: Any) -> Page:
    nonce = secrets.token_urlsafe(16)
    html = (
        _environment()
        .get_template(template)
        .render(
            lang=lang,
            t=i18n.MESSAGES[lang],
            nonce=nonce,
            verifier_lang=VERIFIER_LANGUAGE,
            accessibility_url=accessibility_url(context["verify_url"], lang),
            **context,
        )
    )
    return Page(html, security_headers(nonce, image_origins))


def render(template: str, lang: str, image_origins: str, **context: Any) -> Page:
    """A page of another module's (share pages): the same environment, words and CSP."""
    return _render(template, lang, image_origins, **context)


def report_page(
    report: dict[str, Any],
    lang: str,
    verify_url: str,
    image_origins: str,
    links: list[tuple[str, str]] | None = None,
    recipient_name: str | None = None,
    supplement: Any = None,
) -> Page:
    """`supplement`: the Diploma Supplement section's view, only when the policy allows it."""
    checks = [
        {**check, "title": i18n.check_title(str(check["name"]), lang)}
        for check in report.get("checks", [])
    ]
    return _render(
        "report.html",
        lang,
        image_origins,
        verdict=report["verdict"],
        symbol=SYMBOLS.get(report["verdict"], "?"),
        summary=report.get("summary"),
        checks=checks,
        links=links or [],
        verify_url=verify_url,
        recipient_name=recipient_name,
        supplement=supplement,
    )


def verify_form_page(
    lang: str,
    verify_url: str,
    image_origins: str,
    error: str | None = None,
    text: str | None = None,
    url: str | None = None,
    email: str | None = None,
) -> Page:
    return _render(
        "verify.html",
        lang,
        image_origins,
        verify_url=verify_url,
        error=error,
        text=text,
        url=url,
        email=email,
    )


def accessibility_page(
    lang: str, verify_url: str, image_origins: str, contact: str | None = None
) -> Page:
    """The accessibility statement: what we aim for, how it is checked, its limits, and where
    to report a problem (`contact`, an e-mail address, once the platform has one to give)."""
    lang = lang if lang in i18n.LANGUAGES else "en"
    return _render(
        "accessibility.html",
        lang,
        image_origins,
        verify_url=verify_url,
        contact=contact,
        reviewed=i18n.long_date(STATEMENT_REVIEWED, lang),
        statement_page=True,
    )


def landing_page(lang: str, verify_url: str, image_origins: str, api_docs_url: str) -> Page:
    """`/`: what this platform is, where to verify a badge, where the API is described."""
    return _render(
        "landing.html", lang, image_origins, verify_url=verify_url, api_docs_url=api_docs_url
    )


def not_found_page(lang: str, verify_url: str, image_origins: str, home_url: str) -> Page:
    """What a browser gets for an address with nothing at it (served with 404)."""
    return _render("not_found.html", lang, image_origins, verify_url=verify_url, home_url=home_url)
