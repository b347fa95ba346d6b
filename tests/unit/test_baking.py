import contextlib
import io
import json
import re
import struct
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

from badgehub.domain import baking
from badgehub.domain.baking import (
    PNG_OB2_KEYWORD,
    PNG_OB3_KEYWORD,
    SVG_OB2_NS,
    SVG_OB3_NS,
    Baked,
    Version,
    bake,
    bake_png,
    bake_svg,
    unbake,
)
from badgehub.domain.errors import DomainError, InvalidInput, PayloadTooLarge, UnsupportedMediaType
from tests.support.builders import SVG, png_bytes

JWS = "eyJhbGciOiJSUzI1NiJ9.eyJpZCI6InVybjp1dWlkOjEyMyJ9.c2lnbmF0dXJlLWJ5dGVzLWhlcmUtX19fLS0t"
HOSTED_URL = "https://badges.example.org/assertions/123"
ASSERTION = json.dumps(
    {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": HOSTED_URL,
        "recipient": {"type": "email", "hashed": False, "identity": "ada@example.org"},
        "badge": "https://badges.example.org/badges/1",
        "verification": {"type": "hosted"},
        "issuedOn": "2026-06-01T12:00:00Z",
        "narrative": "Ünïcode ✓ and a ]]> for good measure",
    }
)
CREDENTIAL = json.dumps(
    {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "id": "urn:uuid:6f1c1a9c-1c77-4b43-9b7e-6f0f5d0b6e0a",
        "name": "Data Literacy ✓",
    },
    ensure_ascii=False,
)
KEYWORDS = {Version.OB2: PNG_OB2_KEYWORD, Version.OB3: PNG_OB3_KEYWORD}
NAMESPACES = {Version.OB2: SVG_OB2_NS, Version.OB3: SVG_OB3_NS}
ELEMENTS = {
    Version.OB2: f"{{{SVG_OB2_NS}}}assertion",
    Version.OB3: f"{{{SVG_OB3_NS}}}credential",
}
XML_SPACE = " \t\r\n"
SVG_TYPE = "image/svg+xml"


# --- helpers -----------------------------------------------------------------------------------


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def chunks_of(png: bytes) -> list[tuple[bytes, bytes]]:
    """An independent minimal walk: (type, body) of each chunk."""
    out = []
    pos = 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        out.append((png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return out


def with_chunk_after_ihdr(png: bytes, extra: bytes) -> bytes:
    return png[:33] + extra + png[33:]


def badge_chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    return [
        (kind, body)
        for kind, body in chunks_of(png)
        if kind in (b"tEXt", b"iTXt", b"zTXt")
        and body.split(b"\0", 1)[0] in (b"openbadges", b"openbadgecredential")
    ]


def pixels(png: bytes) -> tuple[str, tuple[int, int], bytes]:
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        return image.mode, image.size, image.tobytes()


def badge_elements(svg: bytes) -> list[ET.Element]:
    root = ET.fromstring(svg)
    return [el for el in root.iter() if el.tag in ELEMENTS.values()]


def root_start_tag(svg: bytes) -> bytes:
    match = re.search(rb"<(\w+:)?svg\b[^>]*>", svg)
    assert match
    return match.group(0)


def is_carriable(char: str) -> bool:
    code = ord(char)
    return (
        char in "\t\n\r"
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def is_json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except (ValueError, RecursionError):
        return False


# --- PNG ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", list(Version))
@pytest.mark.parametrize("payload", [JWS, ASSERTION, CREDENTIAL, HOSTED_URL])
def test_png_round_trip(version: Version, payload: str) -> None:
    baked = bake_png(png_bytes(), payload, version)
    assert unbake(baked) == Baked(version, payload, "image/png")


@pytest.mark.parametrize("version", list(Version))
def test_png_chunk_is_a_plain_itxt_right_after_ihdr(version: Version) -> None:
    baked = bake_png(png_bytes(), CREDENTIAL, version)
    kinds = [kind for kind, _ in chunks_of(baked)]
    assert kinds[:2] == [b"IHDR", b"iTXt"]
    body = chunks_of(baked)[1][1]
    header = KEYWORDS[version].encode() + b"\0\0\0\0\0"
    assert body == header + CREDENTIAL.encode("utf-8")
    with Image.open(io.BytesIO(baked)) as image:  # an independent reader agrees
        assert image.info[KEYWORDS[version]] == CREDENTIAL


def test_png_bake_is_lossless_at_the_byte_level() -> None:
    original = png_bytes((40, 30), "orange")
    baked = bake_png(original, JWS, Version.OB2)
    assert pixels(baked) == pixels(original)
    assert [c for c in chunks_of(baked) if c not in badge_chunks(baked)] == chunks_of(original)
    assert baked.startswith(original[:33]) and baked.endswith(original[33:])


@pytest.mark.parametrize("first", list(Version))
@pytest.mark.parametrize("second", list(Version))
def test_png_rebake_replaces_the_chunk(first: Version, second: Version) -> None:
    once = bake_png(png_bytes(), ASSERTION, first)
    twice = bake_png(once, JWS, second)
    assert len(badge_chunks(twice)) == 1
    assert unbake(twice) == Baked(second, JWS, "image/png")
    assert pixels(twice) == pixels(once)


def test_png_rebake_drops_legacy_text_and_compressed_badge_chunks() -> None:
    legacy = with_chunk_after_ihdr(
        png_bytes(),
        chunk(b"tEXt", b"openbadges\0" + HOSTED_URL.encode())
        + chunk(b"zTXt", b"openbadgecredential\0\0" + zlib.compress(b"{}"))
        + chunk(b"tEXt", b"Comment\0kept"),
    )
    baked = bake_png(legacy, JWS, Version.OB3)
    assert badge_chunks(baked) == [(b"iTXt", b"openbadgecredential\0\0\0\0\0" + JWS.encode())]
    assert (b"tEXt", b"Comment\0kept") in chunks_of(baked)


def test_png_legacy_text_chunk_is_extracted() -> None:
    legacy = with_chunk_after_ihdr(
        png_bytes(), chunk(b"tEXt", b"openbadges\0" + ASSERTION.encode())
    )
    assert unbake(legacy) == Baked(Version.OB2, ASSERTION, "image/png")


def test_png_first_matching_chunk_wins() -> None:
    both = with_chunk_after_ihdr(
        png_bytes(),
        chunk(b"tEXt", b"openbadges\0" + HOSTED_URL.encode())
        + chunk(b"iTXt", b"openbadges\0\0\0\0\0" + JWS.encode()),
    )
    assert unbake(both) == Baked(Version.OB2, HOSTED_URL, "image/png")


def test_png_compressed_itxt_is_read_within_bounds() -> None:
    compressed = chunk(b"iTXt", b"openbadges\0\x01\0en\0\0" + zlib.compress(ASSERTION.encode()))
    assert unbake(with_chunk_after_ihdr(png_bytes(), compressed)).payload == ASSERTION  # type: ignore[union-attr]
    bomb = chunk(b"iTXt", b"openbadges\0\x01\0\0\0" + zlib.compress(b" " * (8 * 1024 * 1024), 9))
    with pytest.raises(PayloadTooLarge):
        unbake(with_chunk_after_ihdr(png_bytes(), bomb))


def test_png_other_text_chunks_are_not_a_badge() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "openbadges")
    info.add_itxt("Title", "a title", lang="en")
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG", pnginfo=info)
    assert unbake(out.getvalue()) is None
    assert unbake(png_bytes()) is None


def _corrupt(png: bytes, offset: int) -> bytes:
    broken = bytearray(png)
    broken[offset] ^= 0x01
    return bytes(broken)


_PNG = png_bytes((32, 32), "teal")
_BAKED = bake_png(_PNG, JWS, Version.OB2)
_IEND = chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        pytest.param(_BAKED[:20], InvalidInput, id="truncated-in-ihdr"),
        pytest.param(_BAKED[:60], InvalidInput, id="truncated-in-badge-chunk"),
        pytest.param(_PNG[: len(_PNG) - 30], InvalidInput, id="truncated-in-idat"),
        pytest.param(_PNG[: -len(_IEND)], InvalidInput, id="no-iend"),
        pytest.param(_corrupt(_BAKED, 30), InvalidInput, id="bad-crc-ihdr"),
        pytest.param(_corrupt(_BAKED, 60), InvalidInput, id="bad-crc-badge-chunk"),
        pytest.param(_corrupt(_PNG, len(_PNG) - 20), InvalidInput, id="bad-crc-idat"),
        pytest.param(
            with_chunk_after_ihdr(_PNG, b"\xff\xff\xff\xffteSt"), InvalidInput, id="length-2^32-1"
        ),
        pytest.param(
            with_chunk_after_ihdr(_PNG, b"\x7f\xff\xff\xffteSt"), InvalidInput, id="length-2^31-1"
        ),
        pytest.param(
            with_chunk_after_ihdr(_PNG, chunk(b"t3St", b"")), InvalidInput, id="bad-chunk-type"
        ),
        pytest.param(
            b"\x89PNG\r\n\x1a\n" + chunk(b"IDAT", b"") + _IEND, InvalidInput, id="no-ihdr"
        ),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\0" * 40, InvalidInput, id="claims-png-is-not"),
        pytest.param(b"\x89PNG\r\n\x1a\n", InvalidInput, id="signature-only"),
        pytest.param(
            with_chunk_after_ihdr(_PNG, chunk(b"iTXt", b"openbadges\0\0\0\0\0\xff\xfe{}")),
            InvalidInput,
            id="itxt-not-utf8",
        ),
        pytest.param(
            with_chunk_after_ihdr(_PNG, chunk(b"tEXt", b"openbadges\0caf\xe9")),
            InvalidInput,
            id="text-not-utf8",
        ),
        pytest.param(
            with_chunk_after_ihdr(_PNG, chunk(b"iTXt", b"openbadges\0\0\0")),
            InvalidInput,
            id="itxt-malformed",
        ),
        pytest.param(
            with_chunk_after_ihdr(_PNG, chunk(b"iTXt", b"openbadges\0\x02\0\0\0x")),
            InvalidInput,
            id="itxt-bad-compression-flag",
        ),
        pytest.param(
            with_chunk_after_ihdr(_PNG, chunk(b"iTXt", b"openbadges\0\x01\0\0\0not zlib")),
            InvalidInput,
            id="itxt-bad-zlib",
        ),
        pytest.param(
            with_chunk_after_ihdr(_PNG, chunk(b"iTXt", b"openbadges\0\0\0\0\0 \n")),
            InvalidInput,
            id="itxt-empty-payload",
        ),
        pytest.param(b"GIF89a" + b"\0" * 20, UnsupportedMediaType, id="gif"),
        pytest.param(b"\xff\xd8\xff\xe0" + b"\0" * 20, UnsupportedMediaType, id="jpeg"),
        pytest.param(b"", UnsupportedMediaType, id="empty"),
        pytest.param(b"hello, world", UnsupportedMediaType, id="text"),
        pytest.param(b"\x89PNG\r", UnsupportedMediaType, id="half-a-signature"),
    ],
)
def test_hostile_png_is_refused_with_a_domain_error(raw: bytes, error: type[DomainError]) -> None:
    with pytest.raises(error) as caught:
        unbake(raw)
    assert caught.value.field == "image"


def test_png_unbake_reads_up_to_the_first_badge_chunk_only() -> None:
    """As the spec says; bake, which copies the whole file, checks every chunk."""
    damaged_after_badge = _corrupt(_BAKED, len(_BAKED) - 20)[:-5]
    assert unbake(damaged_after_badge) == Baked(Version.OB2, JWS, "image/png")
    with pytest.raises(InvalidInput):
        bake_png(damaged_after_badge, JWS, Version.OB2)


def test_bake_png_refuses_what_it_cannot_read() -> None:
    with pytest.raises(UnsupportedMediaType):
        bake_png(SVG, JWS, Version.OB2)
    with pytest.raises(InvalidInput):
        bake_png(_BAKED[:60], JWS, Version.OB2)
    with pytest.raises(InvalidInput):
        bake_png(_corrupt(_PNG, len(_PNG) - 20), JWS, Version.OB2)


def test_size_caps() -> None:
    with pytest.raises(PayloadTooLarge):
        unbake(b"\x89PNG\r\n\x1a\n" + b"\0" * baking.MAX_IMAGE_BYTES)
    with pytest.raises(PayloadTooLarge):
        bake_png(_PNG + b"\0" * baking.MAX_IMAGE_BYTES, JWS, Version.OB2)
    with pytest.raises(PayloadTooLarge) as caught:
        bake_png(_PNG, "x" * (baking.MAX_PAYLOAD_BYTES + 1), Version.OB2)
    assert caught.value.field == "payload"
    with pytest.raises(PayloadTooLarge):
        bake_svg(SVG, "é" * (baking.MAX_PAYLOAD_BYTES // 2 + 1), Version.OB3)
    # the output cap keeps every baked image readable by unbake
    padding = chunk(b"paDd", b"\0" * (baking.MAX_IMAGE_BYTES - len(_PNG) - 100))
    big = with_chunk_after_ihdr(_PNG, padding)
    assert unbake(big) is None
    with pytest.raises(PayloadTooLarge):
        bake_png(big, "x" * 1000, Version.OB2)


@pytest.mark.parametrize(
    "payload", ["", "  \r\n\t ", "a\0b", "a\x1bb", "lone \ud800 surrogate", "\ufffe"]
)
@pytest.mark.parametrize("content_type", ["image/png", "image/svg+xml"])
def test_uncarriable_payloads_are_refused(payload: str, content_type: str) -> None:
    image = _PNG if content_type == "image/png" else SVG
    with pytest.raises(InvalidInput) as caught:
        bake(image, content_type, payload, Version.OB2)
    assert caught.value.field == "payload"


def test_bake_dispatches_on_the_content_type() -> None:
    assert unbake(bake(_PNG, "IMAGE/PNG", JWS, Version.OB3)) == Baked(Version.OB3, JWS, "image/png")
    svg = bake(SVG, "image/svg+xml; charset=utf-8", JWS, Version.OB3)
    assert unbake(svg) == Baked(Version.OB3, JWS, "image/svg+xml")
    with pytest.raises(UnsupportedMediaType):
        bake(_PNG, "image/gif", JWS, Version.OB2)
    with pytest.raises(InvalidInput) as caught:
        bake(_PNG, "image/png", JWS, "ob4")  # type: ignore[arg-type]
    assert caught.value.field == "version"
    assert unbake(bake(_PNG, "image/png", JWS, "ob2")).version is Version.OB2  # type: ignore[arg-type,union-attr]


def test_payload_is_trimmed_of_xml_whitespace_only() -> None:
    baked = bake_png(_PNG, "\r\n  " + JWS + "\n", Version.OB2)
    assert unbake(baked).payload == JWS  # type: ignore[union-attr]
    nbsp = "\u00a0" + JWS
    assert unbake(bake_svg(SVG, nbsp, Version.OB3)).payload == nbsp  # type: ignore[union-attr]


# --- SVG ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", list(Version))
@pytest.mark.parametrize("payload", [JWS, CREDENTIAL, HOSTED_URL])
def test_svg_round_trip(version: Version, payload: str) -> None:
    baked = bake_svg(SVG, payload, version)
    assert unbake(baked) == Baked(version, payload, "image/svg+xml")


@pytest.mark.parametrize("version", list(Version))
def test_svg_badge_is_the_first_child_and_the_prefix_is_bound_on_the_root(
    version: Version,
) -> None:
    baked = bake_svg(SVG, JWS, version)
    root = ET.fromstring(baked)
    first = next(iter(root))
    assert first.tag == ELEMENTS[version]
    assert first.get("verify") == JWS
    assert not first.text and len(first) == 0  # a JWS leaves the content empty
    assert f'xmlns:openbadges="{NAMESPACES[version]}"'.encode() in root_start_tag(baked)
    name = b"openbadges:assertion" if version is Version.OB2 else b"openbadges:credential"
    assert re.search(rb"<svg[^>]*>" + re.escape(b"<" + name + b" "), baked)


def test_svg_existing_content_is_kept_byte_for_byte() -> None:
    original = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- made by hand -->\n'
        b'<svg xmlns="http://www.w3.org/2000/svg"\n     width="10" height="10" >\n'
        b"  <title>T &amp; C</title><![CDATA[raw]]>\n"
        b'  <circle cx="5" cy="5" r="4" fill="teal"/>\n</svg>\n<!-- trailer -->\n'
    )
    baked = bake_svg(original, JWS, Version.OB2)
    element = f'<openbadges:assertion verify="{JWS}"></openbadges:assertion>'.encode()
    declaration = b' xmlns:openbadges="http://openbadges.org"'
    assert baked.count(element) == 1 and baked.count(declaration) == 1
    assert baked.replace(element, b"").replace(declaration, b"") == original


def test_svg_ob2_hosted_json_carries_its_url_in_verify_and_the_json_in_cdata() -> None:
    baked = bake_svg(SVG, ASSERTION, Version.OB2)
    (element,) = badge_elements(baked)
    assert element.get("verify") == HOSTED_URL
    assert json.loads(element.text or "") == json.loads(ASSERTION)  # the ]]> survived
    assert unbake(baked) == Baked(Version.OB2, HOSTED_URL, "image/svg+xml")


def test_svg_ob3_json_goes_in_cdata_without_verify() -> None:
    baked = bake_svg(SVG, CREDENTIAL, Version.OB3)
    (element,) = badge_elements(baked)
    assert element.get("verify") is None
    assert element.text == CREDENTIAL
    assert b"<![CDATA[" in baked


@pytest.mark.parametrize("first", list(Version))
@pytest.mark.parametrize("second", list(Version))
def test_svg_rebake_leaves_exactly_one_element(first: Version, second: Version) -> None:
    once = bake_svg(SVG, ASSERTION, first)
    twice = bake_svg(once, CREDENTIAL, second)
    assert [el.tag for el in badge_elements(twice)] == [ELEMENTS[second]]
    assert root_start_tag(twice).count(b"xmlns:openbadges=") == 1
    assert unbake(twice) == Baked(second, CREDENTIAL, "image/svg+xml")


def test_svg_rebake_removes_every_old_element_wherever_it_is() -> None:
    messy = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
        b'<openbadges:assertion verify="https://a.example/1"/>'
        b'<g><openbadges:assertion verify="https://a.example/2">x<b/>y</openbadges:assertion>'
        b'<rect width="1" height="1"/></g>'
        b'<ob:credential xmlns:ob="https://purl.imsglobal.org/ob/v3p0"><![CDATA[{}]]></ob:credential>'
        b"</svg>"
    )
    baked = bake_svg(messy, JWS, Version.OB2)
    assert len(badge_elements(baked)) == 1
    assert b"<g><rect" in baked
    assert unbake(baked) == Baked(Version.OB2, JWS, "image/svg+xml")


def test_svg_unbake_prefers_verify_then_trimmed_cdata() -> None:
    hosted = (
        b'<svg version="1.1" xmlns="http://www.w3.org/2000/svg"'
        b' xmlns:openbadges="http://openbadges.org">\n'
        b'  <openbadges:assertion verify="https://example.org/assertion.json">\n'
        b'    <![CDATA[\n  {"uid": "abc"}\n  ]]>\n  </openbadges:assertion>\n</svg>'
    )
    assert unbake(hosted) == Baked(Version.OB2, "https://example.org/assertion.json", SVG_TYPE)
    content_only = hosted.replace(b' verify="https://example.org/assertion.json"', b"")
    assert unbake(content_only) == Baked(Version.OB2, '{"uid": "abc"}', SVG_TYPE)
    empty_verify = hosted.replace(b"https://example.org/assertion.json", b" ")
    assert unbake(empty_verify) == Baked(Version.OB2, '{"uid": "abc"}', SVG_TYPE)
    assert unbake(SVG) is None


@pytest.mark.parametrize(
    "image",
    [
        pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg" width="1"/>', id="self-closing"),
        pytest.param(
            b'<s:svg xmlns:s="http://www.w3.org/2000/svg" a=">"\n/>', id="prefixed-self-closing"
        ),
        pytest.param(
            b'\xef\xbb\xbf<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>', id="utf8-bom"
        ),
        pytest.param(
            b'<?xml version="1.0" encoding="ISO-8859-1"?>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>caf\xe9</text></svg>',
            id="latin-1",
        ),
    ],
)
@pytest.mark.parametrize(
    "payload",
    [JWS, CREDENTIAL, 'https://x.example/a?b=1&c="2"', "é ]]> \r\n ✓ 😀 <&>"],
)
def test_svg_shapes_and_encodings_round_trip(image: bytes, payload: str) -> None:
    baked = bake_svg(image, payload, Version.OB3)
    assert unbake(baked) == Baked(Version.OB3, payload, SVG_TYPE)
    ET.fromstring(baked)  # still well-formed, in its declared encoding


def test_svg_foreign_openbadges_prefix_is_refused() -> None:
    foreign = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="urn:other"/>'
    with pytest.raises(InvalidInput):
        bake_svg(foreign, JWS, Version.OB2)


_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg"><text>&lol3;</text></svg>'
)
_XXE = (
    b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>'
)
_DOCTYPE = (
    b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"'
    b' "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"'
)
_PUBLIC_DTD = _DOCTYPE + b'><svg xmlns="http://www.w3.org/2000/svg"/>'
_PUBLIC_DTD_SUBSET = _DOCTYPE + b' []><svg xmlns="http://www.w3.org/2000/svg"/>'
_PUBLIC_DTD_ATTLIST = (
    _DOCTYPE + b' [<!ATTLIST svg onload CDATA "alert(1)">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg"/>'
)
_PUBLIC_DTD_ENTITY = (
    _DOCTYPE + b' [<!ENTITY badge "https://a.example/1">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
    b'<openbadges:assertion verify="&badge;"/></svg>'
)
_PUBLIC_DTD_UNDEFINED = (
    _DOCTYPE + b'><svg xmlns="http://www.w3.org/2000/svg"><text>&nbsp;</text></svg>'
)


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        pytest.param(_LAUGHS, InvalidInput, id="billion-laughs"),
        pytest.param(_XXE, InvalidInput, id="external-entity"),
        pytest.param(_PUBLIC_DTD_SUBSET, InvalidInput, id="doctype-with-internal-subset"),
        pytest.param(_PUBLIC_DTD_ATTLIST, InvalidInput, id="doctype-with-default-attribute"),
        pytest.param(_PUBLIC_DTD_ENTITY, InvalidInput, id="doctype-with-entity"),
        pytest.param(_PUBLIC_DTD_UNDEFINED, InvalidInput, id="doctype-undefined-entity"),
        pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg"><g>', InvalidInput, id="unclosed"),
        pytest.param(
            b'<svg xmlns="http://www.w3.org/2000/svg"/><svg/>', InvalidInput, id="junk-after-root"
        ),
        pytest.param(
            b'<svg xmlns="http://www.w3.org/2000/svg"><openbadges:assertion/></svg>',
            InvalidInput,
            id="unbound-prefix",
        ),
        pytest.param(
            b'<?xml version="1.0" encoding="x-unknown"?><svg xmlns="http://www.w3.org/2000/svg"/>',
            InvalidInput,
            id="unknown-encoding",
        ),
        pytest.param(
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>\xff\xfe</text></svg>',
            InvalidInput,
            id="not-utf8",
        ),
        pytest.param(
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
            b"<openbadges:assertion> </openbadges:assertion></svg>",
            InvalidInput,
            id="empty-badge",
        ),
        pytest.param(b"<svg><g/></svg>", UnsupportedMediaType, id="no-svg-namespace"),
        pytest.param(b"<html><body>hi</body></html>", UnsupportedMediaType, id="html"),
        pytest.param(b"<" + b"\0" * 100, InvalidInput, id="garbage-after-lt"),
        pytest.param(b"\xfe\xff\0<\0s\0v\0g", UnsupportedMediaType, id="utf-16"),
        pytest.param(
            b"<svg>" + b" " * baking.MAX_IMAGE_BYTES + b"</svg>", PayloadTooLarge, id="too-big"
        ),
    ],
)
def test_hostile_svg_is_refused_with_a_domain_error(raw: bytes, error: type[DomainError]) -> None:
    with pytest.raises(error) as caught:
        unbake(raw)
    assert caught.value.field == "image"
    if b"</openbadges:assertion>" not in raw:  # baking over an empty badge replaces it
        with pytest.raises(error):
            bake_svg(raw, JWS, Version.OB2)


_FOREIGN = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "foreign-badges"
_FOREIGN_SVG = _FOREIGN / "1et-ob30-simple-json-svg.svg"


@pytest.mark.skipif(not _FOREIGN_SVG.exists(), reason=f"foreign badge fixtures not at {_FOREIGN}")
def test_a_baked_svg_with_the_svg_11_doctype_unbakes() -> None:
    raw = _FOREIGN_SVG.read_bytes()
    assert b"<!DOCTYPE svg PUBLIC" in raw
    baked = unbake(raw)
    assert baked is not None and baked.version is Version.OB3 and baked.content_type == SVG_TYPE
    credential = json.loads(baked.payload)
    assert credential["name"] == "Teamwork Badge" and credential["proof"][0]["proofValue"]
    rebaked = bake_svg(raw, JWS, Version.OB2)
    assert unbake(rebaked) == Baked(Version.OB2, JWS, SVG_TYPE)
    assert rebaked.startswith(raw[: raw.index(b"<svg")])  # prologue and DOCTYPE kept as they were


@pytest.mark.parametrize("version", list(Version))
def test_a_doctype_without_internal_subset_is_read_past_and_kept_when_baking(
    version: Version,
) -> None:
    image = _DOCTYPE + b">\n" + SVG
    assert unbake(image) is None
    baked = bake_svg(image, CREDENTIAL, version)
    assert baked.startswith(_DOCTYPE + b">\n<svg ")
    assert unbake(baked) == Baked(version, CREDENTIAL, SVG_TYPE)


def test_the_external_dtd_is_never_used(tmp_path: Path) -> None:
    dtd = tmp_path / "badge.dtd"
    dtd.write_text('<!ENTITY badge "https://a.example/1">', encoding="ascii")
    image = (
        f'<!DOCTYPE svg SYSTEM "{dtd.as_uri()}">'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
        "<openbadges:assertion>&badge;</openbadges:assertion></svg>"
    ).encode()
    with pytest.raises(InvalidInput):  # had the DTD been read, &badge; would be defined
        unbake(image)


def test_bake_svg_refuses_a_png() -> None:
    with pytest.raises(UnsupportedMediaType):
        bake_svg(_PNG, JWS, Version.OB2)


# --- properties --------------------------------------------------------------------------------

payloads = st.text(max_size=300) | st.text(alphabet="]>[<&\"' \t\r\n\0xé✓😀\ufffe", max_size=40)
svg_images = st.sampled_from(
    [
        SVG,
        b'<svg xmlns="http://www.w3.org/2000/svg"/>',
        b'<?xml version="1.0" encoding="ISO-8859-1"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        bake_svg(SVG, ASSERTION, Version.OB2),
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    payload=payloads,
    version=st.sampled_from(Version),
    content_type=st.sampled_from(["image/png", "image/svg+xml"]),
    svg=svg_images,
)
def test_any_text_round_trips_or_is_refused(
    payload: str, version: Version, content_type: str, svg: bytes
) -> None:
    image = _PNG if content_type == "image/png" else svg
    expected = payload.strip(XML_SPACE)
    if not expected or not all(is_carriable(char) for char in expected):
        with pytest.raises(InvalidInput):
            bake(image, content_type, payload, version)
        return
    # an OB 2.0 hosted assertion in an SVG unbakes to its URL (tested above)
    assume(not (content_type == SVG_TYPE and version is Version.OB2 and is_json_object(expected)))
    baked = bake(image, content_type, payload, version)
    assert unbake(baked) == Baked(version, expected, content_type)
    assert unbake(bake(baked, content_type, "a.b.c", version)) == Baked(
        version, "a.b.c", content_type
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=100, deadline=None)
@given(
    document=st.dictionaries(st.text(), json_values, max_size=6),
    number=st.integers(min_value=0),
    ascii_only=st.booleans(),
)
def test_json_documents_in_svg(document: dict[str, object], number: int, ascii_only: bool) -> None:
    url = f"https://badges.example.org/assertions/{number}"
    hosted = json.dumps({**document, "id": url}, ensure_ascii=ascii_only)
    ob2 = bake_svg(SVG, hosted, Version.OB2)
    assert unbake(ob2) == Baked(Version.OB2, url, SVG_TYPE)
    assert json.loads(badge_elements(ob2)[0].text or "") == json.loads(hosted)
    ob3 = bake_svg(SVG, hosted, Version.OB3)
    assert json.loads(unbake(ob3).payload) == json.loads(hosted)  # type: ignore[union-attr]


MODES = ["1", "L", "LA", "P", "RGB", "RGBA", "I;16"]


@st.composite
def small_pngs(draw: st.DrawFn) -> bytes:
    mode = draw(st.sampled_from(MODES))
    size = (draw(st.integers(1, 24)), draw(st.integers(1, 24)))
    length = len(Image.new(mode, size).tobytes())
    image = Image.frombytes(mode, size, draw(st.binary(min_size=length, max_size=length)))
    info = PngImagePlugin.PngInfo()
    for key, value, compressed in draw(
        st.lists(st.tuples(st.sampled_from(["Comment", "openbadges"]), st.text(), st.booleans()))
    ):
        info.add_itxt(key, value, zip=compressed)
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info, optimize=draw(st.booleans()))
    return out.getvalue()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(png=small_pngs(), version=st.sampled_from(Version), payload=payloads)
def test_random_pngs_round_trip_with_identical_pixels(
    png: bytes, version: Version, payload: str
) -> None:
    expected = payload.strip(XML_SPACE)
    assume(expected and all(is_carriable(char) for char in expected))
    baked = bake_png(png, payload, version)
    assert unbake(baked) == Baked(version, expected, "image/png")
    assert pixels(baked) == pixels(png)
    assert len(badge_chunks(baked)) == 1
    with Image.open(io.BytesIO(baked)) as image:
        image.verify()


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    base = draw(st.sampled_from([_BAKED, bake_svg(SVG, ASSERTION, Version.OB2)]))
    edits = draw(
        st.lists(st.tuples(st.integers(0, len(base) - 1), st.integers(0, 255)), max_size=4)
    )
    data = bytearray(base)
    for offset, value in edits:
        data[offset] = value
    return bytes(data[: draw(st.integers(0, len(data)))])


@settings(max_examples=300, deadline=None)
@given(raw=mutated() | st.binary(max_size=200))
def test_damaged_files_fail_only_with_domain_errors(raw: bytes) -> None:
    with contextlib.suppress(DomainError):
        unbake(raw)
    with contextlib.suppress(DomainError):
        bake_png(raw, JWS, Version.OB2)
    with contextlib.suppress(DomainError):
        bake_svg(raw, JWS, Version.OB3)
