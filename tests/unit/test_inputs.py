import functools
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from badgehub.domain.models import AssertionInput, BadgeClassInput, IssuerInput, RevokeInput
from tests.support.builders import a_badge, an_assertion, an_issuer


def _field_of(error: ValidationError) -> str:
    return ".".join(str(p) for p in error.errors()[0]["loc"])


def test_valid_builders_parse() -> None:
    IssuerInput.model_validate(an_issuer())
    BadgeClassInput.model_validate(a_badge())
    AssertionInput.model_validate(an_assertion(issuedOn="2026-01-01T00:00:00Z"))


@pytest.mark.parametrize(
    ("model", "body", "field"),
    [
        (IssuerInput, an_issuer(email="not-an-email"), "email"),
        (IssuerInput, an_issuer(url="ftp://x"), "url"),
        (IssuerInput, an_issuer(name=""), "name"),
        (IssuerInput, an_issuer(colour="red"), "colour"),
        (BadgeClassInput, a_badge(criteria={}), "criteria"),
        (BadgeClassInput, {k: v for k, v in a_badge().items() if k != "image"}, "image"),
        (BadgeClassInput, a_badge(alignments=[{"targetName": "x"}]), "alignments.0.targetUrl"),
        (AssertionInput, an_assertion(email="a@b"), "recipient.email"),
        (AssertionInput, an_assertion(issuedOn="2026-01-01T00:00:00"), "issuedOn"),
        (
            AssertionInput,
            an_assertion(issuedOn="2026-02-01T00:00:00Z", expires="2026-01-01T00:00:00Z"),
            "",
        ),
        (AssertionInput, {"recipient": {}}, "recipient.email"),
    ],
)
def test_bad_fields_are_named_in_the_error(model: type, body: dict, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(body)
    assert _field_of(caught.value) == field


# Names and texts: trimmed first, then their length checked; the document's patterns agree.

SPEC = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
ODD_SPACES = "\t\n\x0b\x0c\r\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


@functools.cache
def _name_pattern(limit: int) -> re.Pattern[str]:
    schemas = yaml.safe_load(SPEC.read_text())["components"]["schemas"]
    field = {
        200: schemas["IssuerInput"]["properties"]["name"],
        5000: schemas["IssuerInput"]["properties"]["description"],
        60: schemas["BadgeClassInput"]["properties"]["tags"]["items"],
    }[limit]
    return re.compile(field["pattern"])


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        (" " * 200 + "a", "a"),
        ("  Ada Lovelace \n", "Ada Lovelace"),
        (" " * 50 + "x" * 200 + "\t" * 50, "x" * 200),
        (ODD_SPACES + "Ada" + ODD_SPACES, "Ada"),
    ],
)
def test_names_are_trimmed_before_their_length_is_checked(name: str, stored: str) -> None:
    assert IssuerInput.model_validate(an_issuer(name=name)).name == stored
    assert _name_pattern(200).fullmatch(name)


@pytest.mark.parametrize("name", ["", " ", " " * 201, ODD_SPACES, "x" * 201, " " + "x" * 201 + " "])
def test_whitespace_alone_or_too_long_once_trimmed_is_refused(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        IssuerInput.model_validate(an_issuer(name=name))
    assert _field_of(caught.value) == "name"
    assert not _name_pattern(200).fullmatch(name)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (a_badge(name="\u3000 "), "name"),
        (a_badge(description=" \n"), "description"),
        (a_badge(criteria={"narrative": "\t"}), "criteria.narrative"),
        (a_badge(tags=["  "]), "tags.0"),
        (a_badge(tags=["t" * 61]), "tags.0"),
        (
            a_badge(alignments=[{"targetName": " ", "targetUrl": "https://x.org"}]),
            "alignments.0.targetName",
        ),
    ],
)
def test_every_badge_text_is_trimmed_then_checked(body: dict, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        BadgeClassInput.model_validate(body)
    assert _field_of(caught.value) == field


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"recipient": {"email": "a@example.org", "name": "   "}}, "recipient.name"),
        (an_assertion(narrative="\u2028"), "narrative"),
        (an_assertion(evidence=[{"url": "https://x.org", "name": " "}]), "evidence.0.name"),
    ],
)
def test_every_assertion_text_is_trimmed_then_checked(body: dict, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        AssertionInput.model_validate(body)
    assert _field_of(caught.value) == field
    assert RevokeInput.model_validate({"reason": "  in error "}).reason == "in error"
    with pytest.raises(ValidationError):
        RevokeInput.model_validate({"reason": " \t "})


@pytest.mark.parametrize(
    "name", ["\x1cAda", "Ada\x00", "A\x7fda", "Ada\x85Lovelace", "Ada\tLovelace", "Ada\nLovelace"]
)
def test_a_name_is_one_line_with_no_control_characters(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        IssuerInput.model_validate(an_issuer(name=name))
    assert _field_of(caught.value) == "name"
    assert "control characters" in str(caught.value)
    assert not _name_pattern(200).fullmatch(name)


def test_a_text_keeps_its_line_breaks_and_tabs_and_refuses_other_controls() -> None:
    kept = "First line\r\n\tsecond line\n\nthird"
    assert IssuerInput.model_validate(an_issuer(description=kept)).description == kept
    assert _name_pattern(5000).fullmatch(kept)
    for bad in ("bell\x07", "escape \x1b[31m red", "\x9b C1 CSI"):
        with pytest.raises(ValidationError) as caught:
            IssuerInput.model_validate(an_issuer(description=bad))
        assert _field_of(caught.value) == "description"
        assert not _name_pattern(5000).fullmatch(bad)


CHARACTERS = ODD_SPACES + " \x00\x07\x1c\x7f\x85\x9fab"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(CHARACTERS), max_size=70))
def test_the_document_and_the_server_agree_on_every_tag(tag: str) -> None:
    """Property: for any mix of (odd) whitespace, control characters and letters, the OpenAPI
    pattern accepts exactly what the server accepts."""
    try:
        BadgeClassInput.model_validate(a_badge(tags=[tag]))
        accepted = True
    except ValidationError:
        accepted = False
    assert bool(_name_pattern(60).fullmatch(tag)) == accepted, repr(tag)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(CHARACTERS), max_size=70))
def test_the_document_and_the_server_agree_on_every_text(text: str) -> None:
    try:
        IssuerInput.model_validate(an_issuer(description=text))
        accepted = True
    except ValidationError:
        accepted = False
    assert bool(_name_pattern(5000).fullmatch(text)) == accepted, repr(text)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (an_assertion(issuedOn=2.225073858507e-311), "issuedOn"),  # not seconds since 1970
        (an_assertion(expires=4102444800), "expires"),
        (an_assertion(notify=0), "notify"),  # true or false, as documented
        (an_assertion(notify="yes"), "notify"),
    ],
)
def test_dates_are_text_and_flags_are_booleans(body: dict, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        AssertionInput.model_validate(body)
    assert _field_of(caught.value) == field


@pytest.mark.parametrize("changes", [{"showName": 0}, {"supplementVisible": 1}, {"showName": "on"}])
def test_a_recipients_choices_are_booleans(changes: dict) -> None:
    from badgehub.routers.recipient import MeChanges

    with pytest.raises(ValidationError):
        MeChanges.model_validate(changes)
    assert MeChanges.model_validate({"showName": False, "claim": None}).showName is False
