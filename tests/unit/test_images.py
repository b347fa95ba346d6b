import base64
import struct
import zlib

import pytest

from badgehub.domain import images
from badgehub.domain.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType
from tests.support.builders import SVG, data_uri, png_bytes


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_png_is_sniffed_from_its_bytes_whatever_the_declared_type() -> None:
    image = images.read_badge_image(data_uri(png_bytes(), "image/svg+xml"))
    assert image.content_type == images.PNG
    assert image.extension == "png"


def test_bare_base64_and_svg_are_accepted() -> None:
    image = images.read_badge_image(base64.b64encode(SVG).decode())
    assert image.content_type == images.SVG


def test_url_encoded_svg_data_uri_is_accepted() -> None:
    from urllib.parse import quote

    image = images.read_badge_image("data:image/svg+xml," + quote(SVG.decode()))
    assert image.data == SVG


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (b"GIF89a" + b"\0" * 20, UnsupportedMediaType),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 30, InvalidInput),  # claims PNG, is not
        (png_bytes()[:60], InvalidInput),  # truncated
        (b"<html><body>hi</body></html>", UnsupportedMediaType),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><g>", InvalidInput),  # not well-formed
        (
            b"<!DOCTYPE svg [<!ENTITY a 'b'>]><svg xmlns='http://www.w3.org/2000/svg'/>",
            InvalidInput,
        ),
    ],
)
def test_hostile_or_broken_images_are_refused(raw: bytes, error: type[Exception]) -> None:
    with pytest.raises(error) as caught:
        images.sniff_image(raw)
    assert caught.value.field == "image"  # type: ignore[attr-defined]


def test_billion_laughs_svg_is_refused_without_expanding() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&lol3;</text></svg>'
    )
    with pytest.raises(InvalidInput):
        images.sniff_image(laughs)


def test_png_with_huge_declared_dimensions_is_refused() -> None:
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 10)
    raw = (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )
    with pytest.raises((PayloadTooLarge, InvalidInput)):
        images.sniff_image(raw)


def test_png_with_a_wrong_crc_is_refused() -> None:
    good = png_bytes()
    broken = bytearray(good)
    broken[29] ^= 0xFF  # inside the IHDR CRC
    with pytest.raises(InvalidInput):
        images.sniff_image(bytes(broken))


def test_oversized_and_empty_uploads_are_refused() -> None:
    with pytest.raises(PayloadTooLarge):
        images.read_badge_image(base64.b64encode(b"\0" * (images.MAX_IMAGE_BYTES + 1)).decode())
    with pytest.raises(InvalidInput):
        images.read_badge_image("")
    with pytest.raises(InvalidInput):
        images.read_badge_image("data:image/png;base64,***not base64***")


def test_large_pngs_are_scaled_down_once_and_small_ones_kept_byte_for_byte() -> None:
    import io

    from PIL import Image

    large = images.read_badge_image(data_uri(png_bytes((3000, 1500))))
    with Image.open(io.BytesIO(large.data)) as img:
        assert img.size == (1024, 512)
    small = png_bytes((300, 300))
    assert images.read_badge_image(data_uri(small)).data == small
    assert images.read_badge_image(data_uri(SVG)).data == SVG


@pytest.mark.parametrize(
    "hostile",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script><circle r='4'/></svg>",
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'><circle r='4'/></svg>",
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<a xlink:href="javascript:alert(1)"><circle r="4"/></a></svg>',
    ],
)
def test_active_svg_content_is_removed_and_the_drawing_kept(hostile: bytes) -> None:
    image = images.sniff_image(hostile)
    assert image.content_type == images.SVG
    assert b"alert" not in image.data and b"script" not in image.data
    assert b'<circle r="4"/>' in image.data


def test_svg_with_the_standard_doctype_is_taken_and_stored_without_it() -> None:
    raw = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"'
        b' "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n' + SVG
    )
    assert images.read_badge_image(data_uri(raw, images.SVG)).data == SVG
