"""A web address with any whitespace in it is no web address, whichever whitespace it is."""

from __future__ import annotations

import sys

from badgehub.domain.verification.values import is_web_url


def test_every_character_python_calls_whitespace_makes_an_address_no_web_url() -> None:
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert len(spaces) > 20
    for space in spaces:
        assert not is_web_url(f"https://badges.example/a{space}b"), repr(space)


def test_an_address_without_whitespace_still_is_one() -> None:
    assert is_web_url("https://badges.example/assertions/1?x=\u00e9")
    assert not is_web_url("mailto:ada@example.org")
