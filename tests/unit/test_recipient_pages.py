"""The recipient's pages: escaped everywhere, accessible, CSRF on every form, no scripts."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from badgehub.web import i18n, pages
from badgehub.web.cards import BackpackItem, BadgeCard
from badgehub.web.pages import Page
from badgehub.web.recipient_pages import (
    backpack_page,
    claim_page,
    link_problem_page,
    signin_page,
    with_lang,
)

BASE = "https://badges.example"
VERIFY = BASE + "/verify"
ORIGINS = "https://assets.example"
CSRF = "csrf-token-1"
HOSTILE = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>&amp; 'q' 🎓 \u202egnp.exe"
HOSTILE_EMAIL = '"><img src=x onerror=alert(1)>@example.org'


def a_card(**overrides: object) -> BadgeCard:
    values: dict[str, object] = {
        "name": "Data Science Fundamentals",
        "description": "Completed the 120-hour programme.\n\nStatistics, Python, visualisation.",
        "image_url": "https://assets.example/badges/b1.png",
        "issuer_name": "Università di Esempio",
        "issuer_url": "https://uni.example/",
        "issued_on": datetime(2026, 6, 1, tzinfo=UTC),
        "expires": datetime(2029, 6, 1, tzinfo=UTC),
        "criteria_narrative": "Pass all four modules.",
        "verify_url": BASE + "/assertions/a1",
    }
    return BadgeCard(**{**values, **overrides})  # type: ignore[arg-type]


def an_item(n: int = 1, claim: str = "accepted", **overrides: object) -> BackpackItem:
    values: dict[str, object] = {
        "card": a_card(name=f"Badge {n}", verify_url=f"{BASE}/assertions/a{n}"),
        "assertion_id": f"a{n}",
        "claim": claim,
        "visibility": "public",
        "show_name": False,
        "verdict": "valid",
        "download_png_url": f"{BASE}/me/badges/a{n}/ob2",
        "download_ob3_url": f"{BASE}/me/badges/a{n}/ob3",
        "update_url": f"{BASE}/me/badges/a{n}",
    }
    return BackpackItem(**{**values, **overrides})  # type: ignore[arg-type]


def hostile_card() -> BadgeCard:
    return a_card(
        name=HOSTILE, description=HOSTILE, issuer_name=HOSTILE, criteria_narrative=HOSTILE
    )


def the_claim_page(lang: str, card: BadgeCard | None = None, **kw: object) -> Page:
    return claim_page(
        lang,
        card=card or a_card(),
        recipient_name=kw.pop("recipient_name", "Ana Rossi"),  # type: ignore[arg-type]
        csrf=CSRF,
        action_url=BASE + "/claim/tok",
        verify_url=VERIFY,
        image_origins=ORIGINS,
        **kw,  # type: ignore[arg-type]
    )


def the_signin_page(lang: str, **kw: object) -> Page:
    return signin_page(
        lang,
        csrf=CSRF,
        action_url=BASE + "/signin",
        verify_url=VERIFY,
        image_origins=ORIGINS,
        **kw,  # type: ignore[arg-type]
    )


def the_backpack(lang: str, items: list[BackpackItem], **kw: object) -> Page:
    return backpack_page(
        lang,
        email=kw.pop("email", "ana@example.org"),  # type: ignore[arg-type]
        items=items,
        csrf=CSRF,
        signout_url=BASE + "/signout",
        verify_url=VERIFY,
        image_origins=ORIGINS,
        import_url=BASE + "/backpack/import",
        **kw,  # type: ignore[arg-type]
    )


def a_full_backpack(lang: str, card: BadgeCard | None = None, **kw: object) -> Page:
    card = card or a_card()
    items = [
        an_item(1, "pending", card=card),
        an_item(2, "accepted", card=card, visibility="private", show_name=True),
        an_item(3, "accepted", card=card, verdict="expired"),
        an_item(4, "accepted", card=card, verdict="revoked"),
        an_item(5, "declined", card=card),
    ]
    return the_backpack(lang, items, **kw)


def _link_problem(lang: str) -> Page:
    return link_problem_page(
        lang,
        reason="expired",
        signin_url=BASE + "/signin",
        verify_url=VERIFY,
        image_origins=ORIGINS,
    )


PAGES: dict[str, Callable[[str], Page]] = {
    "claim": lambda lang: the_claim_page(lang, signin_url=BASE + "/signin"),
    "claim-confirm-decline": lambda lang: the_claim_page(lang, confirm_decline=True),
    "link-problem": _link_problem,
    "signin": lambda lang: the_signin_page(lang, next_path="/me"),
    "signin-error": lambda lang: the_signin_page(lang, email="ana@", error="invalid_email"),
    "signin-sent": lambda lang: the_signin_page(lang, sent=True),
    "backpack": lambda lang: a_full_backpack(lang, notice="saved"),
    "backpack-empty": lambda lang: the_backpack(lang, []),
}
HOSTILE_PAGES: dict[str, Callable[[str], Page]] = {
    "claim": lambda lang: the_claim_page(lang, hostile_card(), recipient_name=HOSTILE),
    "claim-confirm-decline": lambda lang: the_claim_page(
        lang, hostile_card(), recipient_name=HOSTILE, confirm_decline=True
    ),
    "signin-error": lambda lang: the_signin_page(
        lang, email=HOSTILE_EMAIL, error=HOSTILE, next_path=HOSTILE
    ),
    "backpack": lambda lang: a_full_backpack(
        lang, hostile_card(), email=HOSTILE_EMAIL, notice=HOSTILE
    ),
    "backpack-empty": lambda lang: the_backpack(lang, [], email=HOSTILE_EMAIL),
}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    form: int | None  # index of the enclosing form
    label: int | None  # index of the enclosing label


@dataclass
class Parsed(HTMLParser):
    """Every element with its attributes, the text, and which form and label it sits in."""

    elements: list[Element] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    stack: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(
            Element(tag, {k: v or "" for k, v in attrs}, self._open("form"), self._open("label"))
        )
        if tag not in ("input", "img", "meta", "br", "link"):
            self.stack.append(len(self.elements) - 1)

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.elements[self.stack.pop()].tag == tag:
                break

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def _open(self, tag: str) -> int | None:
        return next((i for i in reversed(self.stack) if self.elements[i].tag == tag), None)

    def all(self, tag: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag]

    def inside(self, form: int, tag: str) -> list[Element]:
        return [e for e in self.elements if e.form == form and e.tag == tag]

    @property
    def words(self) -> str:
        return " ".join("".join(self.text).split())


def parse(html: str) -> Parsed:
    parsed = Parsed()
    parsed.feed(html)
    parsed.close()
    return parsed


LANGS = pytest.mark.parametrize("lang", i18n.LANGUAGES)
EACH_PAGE = pytest.mark.parametrize("name", sorted(PAGES))


@LANGS
@EACH_PAGE
def test_every_page_renders_in_both_languages_under_the_strict_csp(name: str, lang: str) -> None:
    page = PAGES[name](lang)
    doc = parse(page.html)

    assert doc.all("html")[0].attrs["lang"] == lang
    assert doc.all("script") == []
    [style] = doc.all("style")
    csp = page.headers["Content-Security-Policy"]
    assert f"style-src 'nonce-{style.attrs['nonce']}'" in csp
    assert "default-src 'none'" in csp
    assert "script-src" not in csp  # nothing may run: default-src 'none' covers scripts
    assert page.headers == pages.security_headers(style.attrs["nonce"], ORIGINS)
    assert not [e for e in doc.elements if "style" in e.attrs]


@EACH_PAGE
def test_the_italian_page_speaks_italian(name: str) -> None:
    english, italian = parse(PAGES[name]("en").html).words, parse(PAGES[name]("it").html).words
    assert english != italian
    assert i18n.MESSAGES["it"]["verify_a_badge"] in italian


@LANGS
@pytest.mark.parametrize("name", sorted(HOSTILE_PAGES))
def test_hostile_values_are_shown_as_text_never_as_markup(name: str, lang: str) -> None:
    doc = parse(HOSTILE_PAGES[name](lang).html)

    assert doc.all("script") == []
    assert {e.attrs["src"] for e in doc.all("img")} <= {"https://assets.example/badges/b1.png"}
    assert not [(e.tag, a) for e in doc.elements for a in e.attrs if a.startswith("on")]
    assert {e.tag for e in doc.elements} <= ALLOWED_TAGS
    for element in doc.elements:  # a hostile value only ever inside a quoted attribute value
        for attribute, value in element.attrs.items():
            if "alert(1)" in value:
                assert attribute in ("alt", "value", "aria-label"), (element.tag, attribute)
    assert "<script>alert(1)</script>" in doc.words or "<img src=x onerror=alert(1)>" in doc.words


ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "span", "nav", "a", "main",
    "footer", "h1", "h2", "h3", "p", "section", "article", "div", "img", "dl", "dt", "dd",
    "time", "form", "input", "button", "label", "fieldset", "legend", "ul", "li", "strong",
    "bdi", "details", "summary", "textarea",
}  # fmt: skip


@LANGS
@EACH_PAGE
def test_every_form_posts_with_its_csrf_token(name: str, lang: str) -> None:
    doc = parse(PAGES[name](lang).html)
    for index, element in enumerate(doc.elements):
        if element.tag != "form":
            continue
        assert element.attrs["method"] == "post"
        assert element.attrs["action"].startswith(BASE)
        assert f"lang={lang}" in element.attrs["action"]
        hidden = {
            i.attrs["name"]: i.attrs["value"]
            for i in doc.inside(index, "input")
            if i.attrs["type"] == "hidden"
        }
        assert hidden["csrf"] == CSRF


@LANGS
@EACH_PAGE
def test_every_input_has_a_label_and_every_button_a_name(name: str, lang: str) -> None:
    doc = parse(PAGES[name](lang).html)
    labelled = {e.attrs.get("for") for e in doc.all("label")}
    for element in doc.all("input"):
        if element.attrs["type"] != "hidden":
            assert element.attrs["id"] in labelled or element.label is not None
    ids = [e.attrs["id"] for e in doc.elements if "id" in e.attrs]
    assert len(ids) == len(set(ids))
    for reference in (e.attrs.get("aria-describedby", "") for e in doc.elements):
        assert set(reference.split()) <= set(ids)
    assert '<button type="submit"></button>' not in PAGES[name](lang).html


@LANGS
@EACH_PAGE
def test_one_h1_and_headings_in_order(name: str, lang: str) -> None:
    levels = [
        int(e.tag[1])
        for e in parse(PAGES[name](lang).html).elements
        if re.fullmatch(r"h[1-6]", e.tag)
    ]
    assert levels[0] == 1
    assert levels.count(1) == 1
    assert all(later - earlier <= 1 for earlier, later in itertools.pairwise(levels))


@LANGS
@pytest.mark.parametrize("name", ["claim", "claim-confirm-decline", "backpack"])
def test_badge_images_are_described_by_the_badge_name(name: str, lang: str) -> None:
    doc = parse(HOSTILE_PAGES[name](lang).html)
    assert doc.all("img")
    assert {e.attrs["alt"] for e in doc.all("img")} == {HOSTILE}


def test_the_claim_page_shows_the_badge_and_asks_accept_or_decline() -> None:
    doc = parse(the_claim_page("en", signin_url=BASE + "/signin").html)

    assert [h1.tag for h1 in doc.all("h1")] == ["h1"]
    assert "Data Science Fundamentals" in doc.words
    assert "Congratulations, Ana Rossi!" in doc.words
    assert "Università di Esempio awarded you this badge." in doc.words
    assert "Completed the 120-hour programme." in doc.words
    assert "Pass all four modules." in doc.words
    assert "1 June 2026" in doc.words and "1 June 2029" in doc.words
    buttons = {(b.attrs["name"], b.attrs["value"]) for b in doc.all("button")}
    assert buttons == {("action", "accept"), ("action", "decline")}
    assert {a.attrs["href"] for a in doc.all("a")} >= {BASE + "/signin?lang=en"}


def test_the_claim_page_greets_without_a_name_and_names_no_third_party() -> None:
    page = the_claim_page("it", recipient_name=None)
    doc = parse(page.html)

    assert "Congratulazioni!" in doc.words
    assert "https://uni.example/" not in page.html  # the issuer's site is not linked
    hrefs = {a.attrs["href"] for a in doc.all("a")}
    assert all(href.startswith(("?lang=", BASE)) for href in hrefs)


def test_declining_asks_first_and_keeping_goes_back_to_the_badge() -> None:
    doc = parse(the_claim_page("en", confirm_decline=True).html)

    assert "Decline this badge?" in doc.words
    assert "hidden from every page that lists or shares badges" in doc.words
    assert [(b.attrs["name"], b.attrs["value"]) for b in doc.all("button")] == [
        ("action", "decline-confirmed")
    ]
    keep = [a for a in doc.all("a") if a.attrs["href"] == BASE + "/claim/tok?lang=en"]
    assert keep  # "Keep it" is a plain GET back to the claim page


@pytest.mark.parametrize(
    ("reason", "lang", "message"),
    [
        ("used", "en", "This link was already used"),
        ("expired", "en", "This link has expired"),
        ("unknown", "en", "This link is not valid"),
        ("used", "it", "Questo link è già stato usato"),
        ("expired", "it", "Questo link è scaduto"),
        ("unknown", "it", "Questo link non è valido"),
        ("something-else", "en", "This link is not valid"),
    ],
)
def test_a_link_that_no_longer_works_says_why_and_offers_sign_in(
    reason: str, lang: str, message: str
) -> None:
    page = link_problem_page(
        lang, reason=reason, signin_url=BASE + "/signin", verify_url=VERIFY, image_origins=ORIGINS
    )
    doc = parse(page.html)

    assert len(doc.all("h1")) == 1
    assert message in doc.words
    assert BASE + f"/signin?lang={lang}" in {a.attrs["href"] for a in doc.all("a")}


def test_the_signin_form_asks_for_an_email_address() -> None:
    doc = parse(the_signin_page("en", next_path="/me/badges").html)

    [email] = [i for i in doc.all("input") if i.attrs.get("name") == "email"]
    assert email.attrs["type"] == "email"
    assert email.attrs["autocomplete"] == "email"
    assert "required" in email.attrs
    assert "aria-invalid" not in email.attrs
    hidden = {
        i.attrs["name"]: i.attrs["value"] for i in doc.all("input") if i.attrs["type"] == "hidden"
    }
    assert hidden == {"csrf": CSRF, "next": "/me/badges"}
    assert doc.all("form")[0].attrs["action"] == BASE + "/signin?lang=en"


@LANGS
def test_a_signin_error_is_announced_and_tied_to_the_field(lang: str) -> None:
    doc = parse(the_signin_page(lang, email="ana@", error="invalid_email").html)

    [alert] = [e for e in doc.elements if e.attrs.get("role") == "alert"]
    [email] = [i for i in doc.all("input") if i.attrs.get("name") == "email"]
    assert alert.attrs["id"] in email.attrs["aria-describedby"].split()
    assert email.attrs["aria-invalid"] == "true"
    assert email.attrs["value"] == "ana@"
    assert i18n.MESSAGES[lang]["signin.error.invalid_email"] in doc.words


def test_an_error_the_page_has_no_words_for_is_shown_as_given() -> None:
    doc = parse(the_signin_page("en", error="Something else went wrong").html)
    assert "Something else went wrong" in doc.words


def _without_nonce(html: str) -> str:
    return re.sub(r'nonce="[^"]*"', 'nonce=""', html)


def test_the_sent_page_is_the_same_whoever_asked() -> None:
    one = the_signin_page("en", email="ana@example.org", sent=True, next_path="/me")
    other = the_signin_page("en", email="nobody@elsewhere.example", sent=True)

    assert _without_nonce(one.html) == _without_nonce(other.html)
    doc = parse(one.html)
    [status] = [e for e in doc.elements if e.attrs.get("role") == "status"]
    assert status
    assert (
        "If this address has badges here, we have sent it a sign-in link. "
        "It works once, for 15 minutes."
    ) in doc.words
    assert "ana@example.org" not in one.html


def _group_headings(html: str) -> list[str]:
    return re.findall(r'<h2 id="group-(\w+)"', html)


def test_the_backpack_groups_pending_then_accepted_then_declined_newest_first() -> None:
    items = [
        an_item(1, "declined"),
        an_item(2, "accepted"),
        an_item(3, "pending"),
        an_item(4, "accepted"),
    ]
    page = the_backpack("en", items)

    assert _group_headings(page.html) == ["pending", "accepted", "declined"]
    names = re.findall(r"<h3 [^>]*>(Badge \d)</h3>", page.html)
    assert names == ["Badge 3", "Badge 2", "Badge 4", "Badge 1"]


def test_empty_groups_are_left_out_and_an_empty_backpack_says_so() -> None:
    assert _group_headings(the_backpack("en", [an_item(1, "accepted")]).html) == ["accepted"]
    doc = parse(the_backpack("en", [], email="ana@example.org").html)
    assert "No badges yet" in doc.words
    assert "ana@example.org" in doc.words


def test_the_backpack_names_who_is_signed_in_and_signs_out_by_post() -> None:
    doc = parse(the_backpack("en", [], notice="saved").html)

    assert "Signed in as ana@example.org" in doc.words
    [signout] = [f for f in doc.all("form") if f.attrs["action"].startswith(BASE + "/signout")]
    assert signout.attrs["method"] == "post"
    [status] = [e for e in doc.elements if e.attrs.get("role") == "status"]
    assert status and "Saved." in doc.words


def _forms_of(html: str, assertion: str) -> list[dict[str, set[str]]]:
    """The fields each form posting to one badge's update URL offers."""
    doc = parse(html)
    found = []
    for index, element in enumerate(doc.elements):
        if (
            element.tag == "form"
            and element.attrs["action"] == f"{BASE}/me/badges/{assertion}?lang=en"
        ):
            fields: dict[str, set[str]] = {}
            for control in doc.inside(index, "input") + doc.inside(index, "button"):
                if "name" in control.attrs and control.attrs["name"] != "csrf":
                    fields.setdefault(control.attrs["name"], set()).add(control.attrs["value"])
            found.append(fields)
    return found


def test_each_badge_offers_its_choices_as_small_forms() -> None:
    html = the_backpack(
        "en",
        [an_item(1, "pending"), an_item(2, "accepted"), an_item(3, "declined")],
    ).html

    assert _forms_of(html, "a1") == [
        {"claim": {"accepted", "declined"}},
        {"visibility": {"public", "private"}},
        {"show_name": {"on", "off"}},
    ]
    assert {"claim": {"declined"}} in _forms_of(html, "a2")
    assert _forms_of(html, "a3") == [{"claim": {"accepted"}}]  # declined: nothing to share
    assert "Accept it after all" in parse(html).words


def test_the_current_choices_are_the_checked_ones() -> None:
    html = the_backpack("en", [an_item(1, visibility="private", show_name=True), an_item(2)]).html
    checked = {
        (e.attrs["name"], e.attrs["value"], e.attrs["id"].split("-")[1])
        for e in parse(html).all("input")
        if "checked" in e.attrs
    }
    assert checked == {
        ("visibility", "private", "1"),
        ("show_name", "on", "1"),
        ("visibility", "public", "2"),
        ("show_name", "off", "2"),  # off by default
    }


def test_the_visibility_choices_say_what_they_mean() -> None:
    words = parse(the_backpack("en", [an_item(1)]).html).words
    assert "Public: shown on pages that list and share your badges" in words
    assert "Private: only you, and whoever you send it to" in words


@pytest.mark.parametrize(
    ("verdict", "words"),
    [("valid", "✓ Valid badge"), ("revoked", "✗ Revoked by its issuer"), ("expired", "⌛ Expired")],
)
def test_the_verdict_is_in_words_and_a_symbol_not_colour_alone(verdict: str, words: str) -> None:
    assert words in parse(the_backpack("en", [an_item(1, verdict=verdict)]).html).words


def test_a_revoked_badge_keeps_its_verification_link_and_nothing_to_share() -> None:
    html = the_backpack("en", [an_item(1, verdict="revoked")]).html
    hrefs = {a.attrs["href"] for a in parse(html).all("a")}

    assert BASE + "/assertions/a1?lang=en" in hrefs
    assert BASE + "/me/badges/a1/ob2" not in hrefs
    assert BASE + "/me/badges/a1/ob3" not in hrefs
    assert all("visibility" not in f and "show_name" not in f for f in _forms_of(html, "a1"))


def test_a_valid_badge_links_its_page_and_both_downloads() -> None:
    doc = parse(the_backpack("en", [an_item(1)]).html)
    links = {a.attrs["href"] for a in doc.all("a")}

    assert {BASE + "/assertions/a1?lang=en", BASE + "/me/badges/a1/ob2"} <= links
    assert BASE + "/me/badges/a1/ob3" in links
    assert "Download badge (Open Badges 2.0)" in doc.words
    assert "Download badge (Open Badges 3.0)" in doc.words


def test_italian_dates_are_spelled_in_italian() -> None:
    words = parse(the_claim_page("it").html).words
    assert "1 giugno 2026" in words and "1 giugno 2029" in words


def test_with_lang_keeps_the_query_and_replaces_any_language() -> None:
    assert with_lang("https://x.example/a", "it") == "https://x.example/a?lang=it"
    assert with_lang("https://x.example/a?t=1&lang=en", "it") == "https://x.example/a?t=1&lang=it"


def test_the_verification_pages_keep_their_footer() -> None:
    html = pages.verify_form_page("en", VERIFY, ORIGINS).html
    footer = html.split("<footer>")[1].split("</footer>")[0]
    assert f'<a href="{VERIFY}?lang=en">Verify another badge</a>' in footer
    assert f'<a href="{BASE}/accessibility?lang=en">Accessibility</a>' in footer


def test_both_languages_have_the_same_words() -> None:
    assert set(i18n.MESSAGES["en"]) == set(i18n.MESSAGES["it"])


def test_long_dates_read_the_day_in_utc() -> None:
    assert i18n.long_date(datetime(2026, 6, 1), "en") == "1 June 2026"
    assert i18n.long_date(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "it") == "31 dicembre 2026"
    assert i18n.long_date(datetime(2026, 3, 5), "xx") == "5 March 2026"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_supplement_is_dated_like_the_badge_beside_it(lang: str) -> None:
    """In the backpack and on the share page the badge says "1 June 2026": so does its
    supplement, not a bare 2026-09-15 next to it."""
    from tests.support.people_pages import PAGES

    for name in ("backpack-supplement",):
        html = PAGES[name].render(lang).html
        assert f">{i18n.long_date(datetime(2026, 9, 15, tzinfo=UTC), lang)}</time>" in html
        assert ">2026-09-15</time>" not in html
    verification = PAGES["badge-with-supplement"].render(lang).html
    assert ">2026-09-15</time>" in verification, "the verification page keeps its ISO dates"
