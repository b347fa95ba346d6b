"""The README's pictures: phone-wide, small, and each shown with words for who cannot see it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from tests.support.readme_images import MAX_BYTES

ROOT = Path(__file__).resolve().parents[2]
PICTURES = sorted((ROOT / "docs" / "images").glob("*.png"))
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_there_are_pictures() -> None:
    assert PICTURES


@pytest.mark.parametrize("picture", PICTURES, ids=lambda p: p.name)
def test_each_picture_is_a_small_phone_view_shown_with_alt_text(picture: Path) -> None:
    assert picture.stat().st_size < MAX_BYTES
    with Image.open(picture) as image:
        assert image.format == "PNG" and image.width == 390
    shown = re.findall(rf"!\[([^\]]*)\]\(docs/images/{re.escape(picture.name)}\)", README)
    assert len(shown) == 1, f"{picture.name} is shown once in the README"
    assert len(shown[0].split()) >= 8, "the alt text says what the picture shows"
