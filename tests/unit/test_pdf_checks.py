"""What a Diploma Supplement may be: a plain PDF; every hostile kind is refused by name."""

from __future__ import annotations

import pytest

from badgehub.domain.errors import DomainError
from badgehub.domain.pdf import check_pdf
from badgehub.domain.supplements import MAX_SUPPLEMENT_BYTES
from tests.support.http_status import status_of
from tests.support.pdfs import a_pdf, hostile


def test_a_plain_pdf_passes_with_its_page_count() -> None:
    assert check_pdf(a_pdf(pages=3), MAX_SUPPLEMENT_BYTES).pages == 3


@pytest.mark.parametrize("name", sorted(hostile()))
def test_each_hostile_pdf_is_refused_with_a_code_naming_why(name: str) -> None:
    body, status, code = hostile()[name]
    with pytest.raises(DomainError) as refused:
        check_pdf(body, MAX_SUPPLEMENT_BYTES)
    assert refused.value.code == code
    assert refused.value.field == "body"
    assert status_of(refused.value) == status
