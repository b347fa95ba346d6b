"""The recipient's e-mails: safe subjects, both parts complete, nothing remote, two languages."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

import pytest

from badgehub.web import i18n
from badgehub.web.cards import BadgeCard
from badgehub.web.mail import RenderedMail, badge_mail, signin_mail
from tests.unit.test_recipient_pages import HOSTILE, a_card, parse

CLAIM = "https://badges.example/claim/tok-123"
SIGNIN = "https://badges.example/signin/tok-456"
VERIFY = "https://badges.example/assertions/a1"
URL = re.compile(r"https?://[^\s\"'<>]+")
REORDERING = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def a_mail(lang: str = "en", card: BadgeCard | None = None, **kw: object) -> RenderedMail:
    return badge_mail(
        lang,
        card=card or a_card(),
        recipient_name=kw.pop("recipient_name", "Ana Rossi"),  # type: ignore[arg-type]
        claim_url=CLAIM,
        platform_name="BadgeHub",
        link_days=kw.pop("link_days", 30),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_badge_mail_carries_the_claim_link_in_both_parts(lang: str) -> None:
    mail = a_mail(lang)

    assert CLAIM in _lines(mail.text)  # on a line of its own
    assert f'href="{CLAIM}"' in mail.html
    assert set(URL.findall(mail.html)) == {CLAIM, VERIFY}
    assert set(URL.findall(mail.text)) == {CLAIM, VERIFY}


def test_the_badge_mail_says_what_the_badge_is_and_what_to_do() -> None:
    mail = a_mail("en")
    words = parse(mail.html).words

    assert mail.subject == "Università di Esempio awarded you “Data Science Fundamentals”"
    for part in (words, " ".join(mail.text.split())):
        assert "Hello Ana Rossi," in part
        assert "Data Science Fundamentals" in part
        assert "Università di Esempio" in part
        assert "Completed the 120-hour programme." in part
        assert "Pass all four modules." in part
        assert "1 June 2026" in part
        assert "View and accept your badge" in part
        assert "The link works once, for 30 days." in part
        assert "ignore this e-mail" in part


def test_the_badge_image_is_the_attached_one_named_after_the_badge() -> None:
    doc = parse(a_mail("en", image_cid="img-1").html)

    [image] = doc.all("img")
    assert image.attrs == {
        "src": "cid:img-1",
        "alt": "Data Science Fundamentals",
        "width": "120",
        "height": "120",
        "style": image.attrs["style"],
    }


def test_the_html_part_loads_nothing_and_runs_nothing() -> None:
    doc = parse(a_mail("en").html)

    assert {e.tag for e in doc.elements} & {"script", "link", "iframe", "object", "style"} == set()
    assert {a.attrs["href"] for a in doc.all("a")} == {CLAIM, VERIFY}
    assert doc.all("html")[0].attrs["lang"] == "en"


def test_italian_mail_is_in_italian() -> None:
    mail = a_mail("it", link_days=1)
    words = parse(mail.html).words

    assert (
        mail.subject == "Università di Esempio ti ha conferito il badge “Data Science Fundamentals”"
    )
    assert parse(mail.html).all("html")[0].attrs["lang"] == "it"
    for part in (words, " ".join(mail.text.split())):
        assert "Ciao Ana Rossi," in part
        assert "Vedi e accetta il tuo badge" in part
        assert "1 giugno 2026" in part
        assert "per 1 giorno." in part


def test_no_name_means_a_plain_greeting() -> None:
    mail = a_mail("en", recipient_name=None)
    assert _lines(mail.text)[0] == "Hello,"
    assert "Hello," in parse(mail.html).words


@pytest.mark.parametrize(
    "name",
    [
        "Data\r\nBcc: victim@example.org",
        "Data\nScience",
        "Data\x00\x1b[31mScience",
        "Data\u2028Science\u0085",
    ],
)
def test_a_subject_is_one_line_whatever_the_badge_name(name: str) -> None:
    subject = a_mail("en", a_card(name=name)).subject

    assert not [c for c in subject if unicodedata.category(c) == "Cc" or c in "\u2028\u2029"]
    assert subject.startswith("Università di Esempio awarded you “Data")


def test_a_long_badge_name_is_cut_with_an_ellipsis() -> None:
    subject = a_mail("en", a_card(name="Advanced " * 40, issuer_name="Uni " * 40)).subject

    assert len(subject) <= 150
    assert subject.endswith("…”")
    assert a_mail("en").subject.endswith("Fundamentals”")


def test_hostile_names_stay_text_in_both_parts() -> None:
    card = a_card(
        name=HOSTILE, description=HOSTILE, issuer_name=HOSTILE, criteria_narrative=HOSTILE
    )
    mail = a_mail("en", card, recipient_name=HOSTILE)
    doc = parse(mail.html)

    assert doc.all("script") == []
    assert [e.attrs["src"] for e in doc.all("img")] == ["cid:badge"]
    assert not [a for e in doc.elements for a in e.attrs if a.startswith("on")]
    assert "<script>alert(1)</script>" in doc.words
    for part in (mail.subject, mail.text, doc.words):
        assert not REORDERING & set(part)
    assert not [c for c in mail.text if unicodedata.category(c) == "Cc" and c != "\n"]
    assert "🎓" in mail.text  # emoji are words, not a threat


def test_a_description_keeps_its_paragraphs_in_the_text_part() -> None:
    mail = a_mail("en", a_card(description="First.\r\n\r\n\r\n\r\nSecond\x07."))
    assert "First.\n\nSecond." in mail.text


def test_an_open_ended_badge_says_it_does_not_expire() -> None:
    mail = a_mail("en", a_card(expires=None, issued_on=datetime(2026, 1, 2, tzinfo=UTC)))
    assert "Does not expire" in mail.text
    assert "2 January 2026" in parse(mail.html).words


SIGNIN_WORDS = {
    "en": (
        "Your sign-in link for BadgeHub",
        "It works once, for 15 minutes.",
        "If you did not ask for this, ignore this e-mail",
    ),
    "it": (
        "Il tuo link di accesso a BadgeHub",
        "Funziona una sola volta, per 15 minuti.",
        "Se non l'hai chiesto tu, ignora questa e-mail",
    ),
}


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_signin_mail(lang: str) -> None:
    subject, lifetime, ignore = SIGNIN_WORDS[lang]
    mail = signin_mail(lang, signin_url=SIGNIN, platform_name="BadgeHub", minutes=15)
    doc = parse(mail.html)

    assert mail.subject == subject
    assert SIGNIN in _lines(mail.text)
    assert {a.attrs["href"] for a in doc.all("a")} == {SIGNIN}
    assert set(URL.findall(mail.html)) == {SIGNIN}
    assert doc.all("html")[0].attrs["lang"] == lang
    for part in (doc.words, " ".join(mail.text.split())):
        assert lifetime in part
        assert ignore in part


def test_the_signin_subject_is_one_line_whatever_the_platform_is_called() -> None:
    mail = signin_mail("en", signin_url=SIGNIN, platform_name="Badge\r\nHub " * 30, minutes=1)
    assert "\n" not in mail.subject and "\r" not in mail.subject
    assert len(mail.subject) <= 150
    assert "for 1 minute." in mail.text
