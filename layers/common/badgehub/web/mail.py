"""The e-mails a recipient gets: a badge with its claim link, and a sign-in link.

Every value from a badge is untrusted: the HTML part is autoescaped, and both parts lose
control and bidirectional-override characters first, so a name can neither break a header
nor make the text around it read differently from what it says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from . import i18n
from .cards import BadgeCard
from .recipient_pages import fill, paragraphs

SUBJECT_MAX = 150
ISSUER_IN_SUBJECT_MAX = 60
# C0 and C1 controls, and the characters that reorder text (embeddings, overrides, isolates,
# marks): none has a place in a name, a subject or a plain-text body.
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


@cache
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("badgehub.web", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def one_line(value: str | None) -> str:
    """A name or a subject: one line, unsafe characters gone, whitespace runs as one space."""
    return " ".join(UNSAFE.sub("", " ".join((value or "").split())).split())


def text_block(value: str | None) -> str:
    """A description: its line breaks kept (at most one blank line in a row), nothing else."""
    lines = [one_line(line) for line in LINE_BREAKS.split(value or "")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def shorten(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: max(limit - 1, 0)].rstrip() + "…"


def badge_mail(
    lang: str,
    *,
    card: BadgeCard,
    recipient_name: str | None,
    claim_url: str,
    platform_name: str,
    link_days: int,
    image_cid: str = "badge",
) -> RenderedMail:
    """The e-mail announcing a badge, with its single-use claim link; the badge image is the
    attachment named by `image_cid`, never a remote one."""
    lang = lang if lang in i18n.LANGUAGES else "en"
    t = i18n.MESSAGES[lang]
    issuer, badge = one_line(card.issuer_name), one_line(card.name)
    context = {
        "lang": lang,
        "t": t,
        "subject": _badge_subject(t["mail.badge.subject"], issuer, badge),
        "name": one_line(recipient_name) or None,
        "badge": badge,
        "issuer": issuer,
        "platform": one_line(platform_name),
        "description": paragraphs(text_block(card.description)),
        "criteria": paragraphs(text_block(card.criteria_narrative)),
        "issued_on": i18n.long_date(card.issued_on, lang),
        "expires": i18n.long_date(card.expires, lang) if card.expires else None,
        "claim_url": claim_url,
        "verify_url": card.verify_url,
        "lifetime": _plural(t, "mail.badge.lifetime", link_days).format(days=link_days),
        "image_cid": image_cid,
    }
    return render("mail_badge", context)


def signin_mail(lang: str, *, signin_url: str, platform_name: str, minutes: int) -> RenderedMail:
    lang = lang if lang in i18n.LANGUAGES else "en"
    t = i18n.MESSAGES[lang]
    platform = one_line(platform_name)
    context = {
        "lang": lang,
        "t": t,
        "subject": shorten(t["mail.signin.subject"].format(platform=platform), SUBJECT_MAX),
        "platform": platform,
        "signin_url": signin_url,
        "lifetime": _plural(t, "mail.signin.lifetime", minutes).format(minutes=minutes),
    }
    return render("mail_signin", context)


def _badge_subject(template: str, issuer: str, badge: str) -> str:
    """At most SUBJECT_MAX characters: the issuer's name is cut first if it is long, then the
    badge's name takes whatever room is left."""
    issuer = shorten(issuer, ISSUER_IN_SUBJECT_MAX)
    room = SUBJECT_MAX - len(template.format(issuer=issuer, badge=""))
    return template.format(issuer=issuer, badge=shorten(badge, room))


def _plural(t: dict[str, str], key: str, count: int) -> str:
    return t[key + (".one" if count == 1 else ".other")]


def render(name: str, context: dict[str, Any]) -> RenderedMail:
    environment = _environment()
    return RenderedMail(
        subject=context["subject"],
        text=environment.get_template(name + ".txt").render(**context),
        html=environment.get_template(name + ".html").render(fill=fill, **context),
    )
