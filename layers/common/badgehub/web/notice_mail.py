"""The notifier's e-mails: a Diploma Supplement is here, a badge still waits, a badge expires.

One template pair serves all three: a greeting, what happened, what it means, one button, the
link written out. Badge and issuer names are untrusted, handled as in `mail`: one line, no
control or reordering characters, escaped in the HTML part.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import i18n
from .mail import ISSUER_IN_SUBJECT_MAX, SUBJECT_MAX, RenderedMail, one_line, render, shorten

LAST_REMINDER_DAYS = 30  # the reminder that says it is the last


@dataclass(frozen=True)
class NoticeBadge:
    """What a notice says of its badge, already plain values."""

    name: str
    issuer_name: str
    recipient_name: str | None
    verify_url: str
    expires: datetime | None = None


def supplement_notice(
    lang: str, *, badge: NoticeBadge, backpack_url: str, corrected: bool, platform_name: str
) -> RenderedMail:
    kind = "corrected" if corrected else "new"
    return _notice(
        lang,
        badge,
        platform_name,
        subject_key=f"notice.supplement.subject.{kind}",
        lines=[
            f"notice.supplement.intro.{kind}",
            "notice.supplement.what",
            "notice.supplement.private",
        ],
        after=["notice.signin_first"],
        button="notice.backpack_button",
        url=backpack_url,
    )


def reminder_notice(
    lang: str,
    *,
    badge: NoticeBadge,
    claim_url: str,
    age_days: int,
    link_days: int,
    platform_name: str,
) -> RenderedMail:
    lifetime = "mail.badge.lifetime." + ("one" if link_days == 1 else "other")
    return _notice(
        lang,
        badge,
        platform_name,
        subject_key="notice.reminder.subject",
        lines=["notice.reminder.intro"],
        after=[lifetime, "notice.reminder.replaces", "mail.badge.ignore"]
        + (["notice.reminder.last"] if age_days >= LAST_REMINDER_DAYS else []),
        button="mail.badge.button",
        url=claim_url,
        age_days=age_days,
        link_days=link_days,
    )


def expiring_notice(
    lang: str, *, badge: NoticeBadge, backpack_url: str, platform_name: str
) -> RenderedMail:
    return _notice(
        lang,
        badge,
        platform_name,
        subject_key="notice.expiring.subject",
        lines=["notice.expiring.intro", "notice.expiring.renew"],
        after=["notice.signin_first"],
        button="notice.backpack_button",
        url=backpack_url,
    )


def _language(lang: str) -> str:
    return lang if lang in i18n.LANGUAGES else "en"


def _notice(
    lang: str,
    badge: NoticeBadge,
    platform_name: str,
    *,
    subject_key: str,
    lines: list[str],
    after: list[str],
    button: str,
    url: str,
    age_days: int = 0,
    link_days: int = 0,
) -> RenderedMail:
    """`lines` (before the button) and `after` are message keys, each filled with the badge's
    values: escaped in the HTML part by the template's `fill`."""
    lang = _language(lang)
    t = i18n.MESSAGES[lang]
    issuer, name = one_line(badge.issuer_name), one_line(badge.name)
    date = i18n.long_date(badge.expires, lang) if badge.expires else ""
    values = {"issuer": issuer, "badge": name, "age": age_days, "days": link_days, "date": date}
    return render(
        "mail_notice",
        {
            "lang": lang,
            "t": t,
            "subject": _subject(t[subject_key], issuer, name, date),
            "name": one_line(badge.recipient_name) or None,
            "issuer": issuer,
            "platform": one_line(platform_name),
            "lines": [t[key] for key in lines],
            "after": [t[key] for key in after],
            "values": values,
            "button": t[button],
            "url": url,
            "verify_url": badge.verify_url,
        },
    )


def _subject(template: str, issuer: str, badge: str, date: str) -> str:
    """At most SUBJECT_MAX characters: a long issuer name is cut first, then the badge name
    takes the room left."""
    issuer = shorten(issuer, ISSUER_IN_SUBJECT_MAX)
    room = SUBJECT_MAX - len(template.format(issuer=issuer, badge="", date=date))
    return template.format(issuer=issuer, badge=shorten(badge, room), date=date)
