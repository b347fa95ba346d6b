import pytest
from pydantic import ValidationError

from badgehub.domain.models import AssertionInput, BadgeClassInput, IssuerInput
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
