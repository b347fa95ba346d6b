"""The recipient's pages: claim a badge, a link that no longer works, sign in, the backpack."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from markupsafe import Markup, escape

from . import i18n
from .cards import BackpackItem, BadgeCard, ImportedItem
from .pages import SYMBOLS, Page, _render

LINK_PROBLEMS = ("used", "expired", "unknown")
CLAIM_GROUPS = ("pending", "accepted", "declined")
BLANK_LINE = re.compile(r"\n\s*\n")


def with_lang(url: str, lang: str) -> str:
    """The URL with `lang=` set, keeping whatever query it already has: the language rides
    along on every link and form, as the verification pages do."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("lang", lang)])))


def fill(template: str, **values: object) -> Markup:
    """A translated sentence with values put in, escaped, each isolated in <bdi> so that a
    right-to-left name cannot reorder the words around it."""
    isolated = {name: Markup("<bdi>{}</bdi>").format(value) for name, value in values.items()}
    return escape(template).format(**isolated)


def paragraphs(text: str | None) -> list[str]:
    return [part.strip() for part in BLANK_LINE.split(text or "") if part.strip()]


def _words(lang: str, key_prefix: str, value: str | None) -> str | None:
    """A code we have words for (`saved`, `invalid_email`) in the page's language; any other
    text as given (the caller's own words)."""
    if not value:
        return None
    return i18n.MESSAGES[lang].get(key_prefix + value, value)


def _language(lang: str) -> str:
    return lang if lang in i18n.LANGUAGES else "en"


def _helpers(lang: str) -> dict[str, Any]:
    def date(moment: datetime) -> str:
        return i18n.long_date(moment, lang)

    def iso(moment: datetime) -> str:
        return moment.date().isoformat()

    def short_day(day: str) -> str:
        """ "1 Dec" / "1 dic" from yyyy-mm-dd: a narrow column on a phone."""
        moment = datetime.fromisoformat(day)
        return f"{moment.day} {i18n.MONTHS[lang][moment.month - 1][:3]}"

    return {
        "fill": fill,
        "paragraphs": paragraphs,
        "date": date,
        "iso": iso,
        "short_day": short_day,
        "symbols": SYMBOLS,
    }


def claim_page(
    lang: str,
    *,
    card: BadgeCard,
    recipient_name: str | None,
    csrf: str,
    action_url: str,
    verify_url: str,
    image_origins: str,
    confirm_decline: bool = False,
    signin_url: str | None = None,
) -> Page:
    """The page a claim link opens: the badge, then Accept / Decline (`action=accept|decline`);
    with `confirm_decline`, the question before declining (`action=decline-confirmed`, or back
    to the badge by GET). `signin_url`, when given, is offered in the footer."""
    lang = _language(lang)
    return _render(
        "claim.html",
        lang,
        image_origins,
        **_helpers(lang),
        card=card,
        recipient_name=recipient_name,
        csrf=csrf,
        action_url=with_lang(action_url, lang),
        confirm_decline=confirm_decline,
        verify_url=verify_url,
        signin_url=with_lang(signin_url, lang) if signin_url else None,
    )


def link_problem_page(
    lang: str, *, reason: str, signin_url: str, verify_url: str, image_origins: str
) -> Page:
    """A claim or sign-in link that no longer opens anything (`used`, `expired`, `unknown`)."""
    lang = _language(lang)
    return _render(
        "link_problem.html",
        lang,
        image_origins,
        reason=reason if reason in LINK_PROBLEMS else "unknown",
        signin_url=with_lang(signin_url, lang),
        verify_url=verify_url,
    )


def signin_page(
    lang: str,
    *,
    csrf: str,
    action_url: str,
    verify_url: str,
    image_origins: str,
    email: str | None = None,
    error: str | None = None,
    sent: bool = False,
    next_path: str | None = None,
) -> Page:
    """Ask for a sign-in link. Once `sent`, the page says the same whatever the address (it
    never tells who has badges here), so it shows neither the address nor the form.

    `error` is a code (`invalid_email`, `rate_limited`, `expired_form`) or a message."""
    lang = _language(lang)
    return _render(
        "signin.html",
        lang,
        image_origins,
        csrf=csrf,
        action_url=with_lang(action_url, lang),
        verify_url=verify_url,
        email=None if sent else email,
        error=None if sent else _words(lang, "signin.error.", error),
        sent=sent,
        next_path=None if sent else next_path,
    )


def signin_confirm_page(
    lang: str,
    *,
    csrf: str,
    action_url: str,
    next_path: str,
    verify_url: str,
    image_origins: str,
) -> Page:
    """The e-mailed link's page: one button spends it (mail scanners open links; they don't
    press buttons)."""
    lang = _language(lang)
    return _render(
        "signin_confirm.html",
        lang,
        image_origins,
        csrf=csrf,
        action_url=with_lang(action_url, lang),
        next_path=next_path,
        verify_url=verify_url,
    )


def backpack_page(
    lang: str,
    *,
    email: str,
    items: list[BackpackItem],
    csrf: str,
    signout_url: str,
    verify_url: str,
    image_origins: str,
    notice: str | None = None,
    imports: list[ImportedItem] | None = None,
    import_url: str = "/backpack/import",
    import_error: str | None = None,
) -> Page:
    """Every badge issued to the signed-in address, pending first, then accepted, then
    declined (each in the order given: newest first), with the recipient's choices, and the
    badges they brought from elsewhere with today's verdict.

    `notice` is a code (`saved`, `accepted`, `declined`, `signed_in`) or a message."""
    lang = _language(lang)
    groups = [(claim, [item for item in items if _group(item) == claim]) for claim in CLAIM_GROUPS]
    return _render(
        "backpack.html",
        lang,
        image_origins,
        **_helpers(lang),
        email=email,
        groups=[(claim, members) for claim, members in groups if members],
        csrf=csrf,
        signout_url=with_lang(signout_url, lang),
        verify_url=verify_url,
        notice=_words(lang, "notice.", notice),
        with_lang=with_lang,
        imports=imports or [],
        import_url=with_lang(import_url, lang),
        import_error=import_error,
    )


def _group(item: BackpackItem) -> str:
    return item.claim if item.claim in CLAIM_GROUPS else "pending"
