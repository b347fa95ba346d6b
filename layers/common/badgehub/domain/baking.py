"""Open Badges baking: embed a badge (OB 2.0 or 3.0) in a PNG or SVG image, and read it back."""

from __future__ import annotations

import json
import re
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType

PNG_OB2_KEYWORD = "openbadges"
PNG_OB3_KEYWORD = "openbadgecredential"
SVG_OB2_NS = "http://openbadges.org"
SVG_OB3_NS = "https://purl.imsglobal.org/ob/v3p0"
PNG = "image/png"
SVG = "image/svg+xml"
# Cap on any image we read or write: an unbake input, a bake input and a bake output.
MAX_IMAGE_BYTES = 4 * 1024 * 1024
# Cap on the badge itself (UTF-8 bytes), and on what a compressed text chunk may inflate to.
MAX_PAYLOAD_BYTES = 1024 * 1024


class Version(StrEnum):
    """Which spec a badge follows: it picks the PNG keyword and the SVG namespace."""

    OB2 = "ob2"
    OB3 = "ob3"


@dataclass(frozen=True)
class Baked:
    """What an image carries: the payload is a compact JWS, the badge JSON or a hosted URL."""

    version: Version
    payload: str
    content_type: str


_XML_WHITESPACE = " \t\r\n"
# Characters XML 1.0 cannot carry, plus lone surrogates (no UTF-8 form): refused in any payload
# so that a badge round-trips the same through a PNG and an SVG.
_UNCARRIABLE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_URL = re.compile(r"https?://[^\s/?#]+[^\s]*", re.IGNORECASE)


def bake(image: bytes, content_type: str, payload: str, version: Version) -> bytes:
    """One entry point for the HTTP layer; the content type picks the format."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == PNG:
        return bake_png(image, payload, version)
    if kind == SVG:
        return bake_svg(image, payload, version)
    raise UnsupportedMediaType("badges can be baked into PNG and SVG images only", field="image")


def unbake(data: bytes) -> Baked | None:
    """The badge an image carries, or None; the format is sniffed from the bytes."""
    _check_image_size(data)
    if data.startswith(_PNG_SIGNATURE):
        return _unbake_png(data)
    if _looks_like_xml(data):
        return _unbake_svg(data)
    raise UnsupportedMediaType("image must be a PNG or an SVG file", field="image")


def _version(version: Version) -> Version:
    try:
        return Version(version)
    except ValueError:
        raise InvalidInput("version must be ob2 or ob3", field="version") from None


def _clean_payload(payload: str) -> str:
    """Trims XML whitespace (an SVG reader trims it too) and refuses what cannot round-trip."""
    if not isinstance(payload, str):
        raise InvalidInput("payload must be text", field="payload")
    if len(payload) > MAX_PAYLOAD_BYTES * 2:
        raise PayloadTooLarge(f"payload is over {MAX_PAYLOAD_BYTES} bytes", field="payload")
    text = payload.strip(_XML_WHITESPACE)
    if not text:
        raise InvalidInput("payload is empty", field="payload")
    bad = _UNCARRIABLE.search(text)
    if bad:
        raise InvalidInput(
            f"payload holds a character an image cannot carry (U+{ord(bad.group()):04X})",
            field="payload",
        )
    if len(text.encode("utf-8")) > MAX_PAYLOAD_BYTES:
        raise PayloadTooLarge(f"payload is over {MAX_PAYLOAD_BYTES} bytes", field="payload")
    return text


def _check_image_size(data: bytes) -> None:
    if len(data) > MAX_IMAGE_BYTES:
        raise PayloadTooLarge(f"image is over {MAX_IMAGE_BYTES} bytes", field="image")


def _check_output_size(data: bytes) -> bytes:
    """A baked image must stay readable by our own unbake."""
    if len(data) > MAX_IMAGE_BYTES:
        raise PayloadTooLarge(
            f"the baked image would be over {MAX_IMAGE_BYTES} bytes", field="payload"
        )
    return data


def _is_jws(text: str) -> bool:
    return _JWS.fullmatch(text) is not None


def _is_url(text: str) -> bool:
    return _URL.fullmatch(text) is not None


# --- PNG ---------------------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_MAX_CHUNK_LENGTH = 2**31 - 1
_TEXT_CHUNKS = frozenset({b"tEXt", b"zTXt", b"iTXt"})
_PNG_KEYWORDS = {
    PNG_OB2_KEYWORD.encode("ascii"): Version.OB2,
    PNG_OB3_KEYWORD.encode("ascii"): Version.OB3,
}
# Keyword terminator, then compression flag 0, method 0, empty language tag, empty translation.
_ITXT_PLAIN_HEADER = b"\x00\x00\x00\x00\x00"


@dataclass(frozen=True)
class _Chunk:
    kind: bytes
    start: int  # offset of the length field
    end: int  # offset just past the CRC

    @property
    def body(self) -> slice:
        return slice(self.start + 8, self.end - 4)


def bake_png(image: bytes, payload: str, version: Version) -> bytes:
    """Splices one iTXt chunk in after IHDR, drops any earlier badge chunk and bytes after IEND.

    Every other chunk is copied byte for byte: no decoding, so pixels and metadata are intact.
    """
    version = _version(version)
    text = _clean_payload(payload)
    _check_image_size(image)
    if not image.startswith(_PNG_SIGNATURE):
        raise UnsupportedMediaType("image is not a PNG file", field="image")
    chunks = list(_walk_png(image))
    keyword = (PNG_OB2_KEYWORD if version is Version.OB2 else PNG_OB3_KEYWORD).encode("ascii")
    body = keyword + _ITXT_PLAIN_HEADER + text.encode("utf-8")
    parts = [image[: chunks[0].end], _png_chunk(b"iTXt", body)]
    run_start = chunks[0].end
    for chunk in chunks[1:]:
        if _badge_keyword(image, chunk) is not None:
            parts.append(image[run_start : chunk.start])
            run_start = chunk.end
    parts.append(image[run_start : chunks[-1].end])
    return _check_output_size(b"".join(parts))


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(body, zlib.crc32(kind))
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def _walk_png(data: bytes) -> Iterator[_Chunk]:
    """Chunks in order up to IEND, each checked (length, type, CRC) before it is yielded."""
    view = memoryview(data)
    pos = len(_PNG_SIGNATURE)
    first = True
    while True:
        if pos + 12 > len(data):
            raise InvalidInput("PNG file is truncated", field="image")
        length, kind = struct.unpack_from(">I4s", data, pos)
        if length > _MAX_CHUNK_LENGTH:
            raise InvalidInput("PNG chunk length is out of range", field="image")
        end = pos + 12 + length
        if end > len(data):
            raise InvalidInput("PNG file is truncated", field="image")
        if not kind.isalpha():
            raise InvalidInput("PNG file has an invalid chunk type", field="image")
        (crc,) = struct.unpack_from(">I", data, end - 4)
        if zlib.crc32(view[pos + 4 : end - 4]) != crc:
            raise InvalidInput(f"PNG chunk {kind.decode('ascii')} has a bad CRC", field="image")
        if first and (kind != b"IHDR" or length != 13):
            raise InvalidInput("PNG file does not start with an IHDR chunk", field="image")
        first = False
        yield _Chunk(kind, pos, end)
        if kind == b"IEND":
            return
        pos = end


def _badge_keyword(data: bytes, chunk: _Chunk) -> Version | None:
    """The badge version a text chunk is keyed for, whatever the state of the rest of it."""
    if chunk.kind not in _TEXT_CHUNKS:
        return None
    body = chunk.body
    nul = data.find(b"\x00", body.start, min(body.stop, body.start + 80))
    if nul < 0:
        return None
    return _PNG_KEYWORDS.get(data[body.start : nul])


def _unbake_png(data: bytes) -> Baked | None:
    """Reads up to the first badge chunk (as the spec says); without one, checks the whole file."""
    for chunk in _walk_png(data):
        version = _badge_keyword(data, chunk)
        if version is not None:
            text = _png_text(chunk.kind, data[chunk.body])
            return Baked(version, _payload_from_image(text), PNG)
    return None


def _png_text(kind: bytes, body: bytes) -> str:
    """The text of a tEXt, zTXt or iTXt chunk (keyword already matched), as UTF-8."""
    rest = body[body.index(b"\x00") + 1 :]
    if kind == b"tEXt":
        raw = rest
    elif kind == b"zTXt":
        if rest[:1] != b"\x00":
            raise InvalidInput("badge text chunk has an unknown compression method", field="image")
        raw = _inflate(rest[1:])
    else:
        raw = _itxt_text(rest)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("badge text chunk is not valid UTF-8", field="image") from None


def _itxt_text(rest: bytes) -> bytes:
    """iTXt after its keyword: flag, method, language tag NUL, translated keyword NUL, text."""
    if len(rest) < 4:
        raise InvalidInput("badge iTXt chunk is malformed", field="image")
    flag, method = rest[0], rest[1]
    lang_end = rest.find(b"\x00", 2)
    translated_end = rest.find(b"\x00", lang_end + 1) if lang_end >= 0 else -1
    if translated_end < 0:
        raise InvalidInput("badge iTXt chunk is malformed", field="image")
    text = rest[translated_end + 1 :]
    if flag == 0:
        return text
    if flag == 1 and method == 0:
        return _inflate(text)
    raise InvalidInput("badge iTXt chunk has an unknown compression setting", field="image")


def _inflate(data: bytes) -> bytes:
    """Bounded zlib inflate: a compressed chunk must not become a decompression bomb."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_PAYLOAD_BYTES + 1)
    except zlib.error:
        raise InvalidInput("badge text chunk is not valid zlib data", field="image") from None
    if len(out) > MAX_PAYLOAD_BYTES:
        raise PayloadTooLarge(f"badge text is over {MAX_PAYLOAD_BYTES} bytes", field="image")
    if not inflater.eof:
        raise InvalidInput("badge text chunk is truncated", field="image")
    return out


def _payload_from_image(text: str) -> str:
    payload = text.strip(_XML_WHITESPACE)
    if not payload:
        raise InvalidInput("the image's badge data is empty", field="image")
    return payload


# --- SVG ---------------------------------------------------------------------------------------

_SVG_ROOT = "{http://www.w3.org/2000/svg}svg"
_SVG_ELEMENTS = {
    f"{{{SVG_OB2_NS}}}assertion": Version.OB2,
    f"{{{SVG_OB3_NS}}}credential": Version.OB3,
}
_SVG_NAMESPACES = {Version.OB2: SVG_OB2_NS, Version.OB3: SVG_OB3_NS}
_SVG_QNAMES = {Version.OB2: "openbadges:assertion", Version.OB3: "openbadges:credential"}
_PREFIX = "openbadges"
_PREFIX_ATTRIBUTE = b"xmlns:openbadges"
# A start tag of a well-formed document (expat has already checked it): name, attributes, end.
_START_TAG = re.compile(
    rb"<(?P<name>[^\s/>]+)(?P<attrs>(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)"
    rb"(?P<space>\s*)(?P<close>/?)>"
)
_ATTRIBUTE = re.compile(rb"\s+(?P<name>[^\s=/>]+)\s*=\s*(?:\"[^\"]*\"|'[^']*')")
_UTF8_NAMES = frozenset({"utf-8", "utf8"})
_CDATA_UNSAFE = re.compile("\r+")
_CDATA_UNSAFE_ASCII = re.compile("[\r\x80-\U0010ffff]+")


@dataclass
class _SvgElement:
    version: Version
    start: int
    depth: int
    verify: str | None
    end_event: int = -1
    text: list[str] = field(default_factory=list)


@dataclass
class _SvgScan:
    """Parser target: where the root and the badge elements sit in the bytes, and their text."""

    position: Callable[[], int] = lambda: -1
    root_tag: str | None = None
    root_start: int = -1
    prefix_binding: str | None = None
    encoding: str | None = None
    elements: list[_SvgElement] = field(default_factory=list)
    depth: int = 0
    open_elements: list[_SvgElement] = field(default_factory=list)

    def start_ns(self, prefix: str, uri: str) -> None:
        if self.depth == 0 and prefix == _PREFIX:
            self.prefix_binding = uri

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if self.depth == 0:
            self.root_tag, self.root_start = tag, self.position()
        version = _SVG_ELEMENTS.get(tag)
        if version is not None:
            element = _SvgElement(version, self.position(), self.depth, attrib.get("verify"))
            self.elements.append(element)
            self.open_elements.append(element)
        self.depth += 1

    def end(self, tag: str) -> None:
        self.depth -= 1
        if self.open_elements and self.open_elements[-1].depth == self.depth:
            self.open_elements.pop().end_event = self.position()

    def data(self, text: str) -> None:
        for element in self.open_elements:
            element.text.append(text)

    def xml_declaration(self, version: str | None, encoding: str | None, standalone: int) -> None:
        self.encoding = encoding

    def close(self) -> None:
        return None


def _looks_like_xml(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<")


def _scan_svg(data: bytes) -> _SvgScan:
    """Parses with defusedxml and records offsets instead of a tree.

    A DOCTYPE line without an internal subset is read past (never fetched); internal subsets,
    entities and external references are refused, as at image intake.
    """
    from defusedxml import DefusedXmlException

    from .svg import xml_parser  # defusedxml loads only where an image is read

    scan = _SvgScan()
    parser = xml_parser(scan)
    expat: Any = parser.parser
    scan.position = lambda: int(expat.CurrentByteIndex)
    expat.XmlDeclHandler = scan.xml_declaration
    try:
        parser.feed(data)
        parser.close()
    except (DefusedXmlException, SyntaxError, ValueError, LookupError) as exc:
        raise InvalidInput("image is not a well-formed, safe SVG file", field="image") from exc
    if scan.root_tag != _SVG_ROOT:
        raise UnsupportedMediaType("image must be a PNG or an SVG file", field="image")
    return scan


def _unbake_svg(data: bytes) -> Baked | None:
    scan = _scan_svg(data)
    if not scan.elements:
        return None
    element = scan.elements[0]
    verify = (element.verify or "").strip(_XML_WHITESPACE)
    return Baked(element.version, verify or _payload_from_image("".join(element.text)), SVG)


def bake_svg(image: bytes, payload: str, version: Version) -> bytes:
    """Writes the badge element as the root's first child; every other byte stays as it was."""
    version = _version(version)
    text = _clean_payload(payload)
    _check_image_size(image)
    if not _looks_like_xml(image):
        raise UnsupportedMediaType("image is not an SVG file", field="image")
    scan = _scan_svg(image)
    namespace = _SVG_NAMESPACES[version]
    if scan.prefix_binding not in (None, *_SVG_NAMESPACES.values()):
        raise InvalidInput(
            "the SVG binds the openbadges prefix to another namespace", field="image"
        )
    root = _START_TAG.match(image, scan.root_start)
    if root is None:  # pragma: no cover - expat accepted the tag, so the pattern matches
        raise InvalidInput("image is not a well-formed SVG file", field="image")
    ascii_only = (scan.encoding or "utf-8").lower() not in _UTF8_NAMES
    element = _badge_markup(text, version, ascii_only)
    parts = [image[: scan.root_start], _root_start_tag(root, namespace, scan.prefix_binding)]
    parts.append(element.encode("ascii" if ascii_only else "utf-8"))
    if root.group("close"):
        parts.append(b"</" + root.group("name") + b">")
    run_start = root.end()
    for start, end in _outermost_spans(image, scan.elements):
        parts.append(image[run_start:start])
        run_start = end
    parts.append(image[run_start:])
    return _check_output_size(b"".join(parts))


def _root_start_tag(root: re.Match[bytes], namespace: str, binding: str | None) -> bytes:
    """The root's start tag binding the prefix to our namespace, always left open."""
    if binding == namespace and not root.group("close"):
        return root.group(0)
    attrs = b"".join(
        match.group(0)
        for match in _ATTRIBUTE.finditer(root.group("attrs"))
        if match.group("name") != _PREFIX_ATTRIBUTE
    )
    declaration = b' xmlns:openbadges="' + namespace.encode("ascii") + b'"'
    return b"<" + root.group("name") + attrs + declaration + root.group("space") + b">"


def _outermost_spans(data: bytes, elements: list[_SvgElement]) -> list[tuple[int, int]]:
    """Byte spans of the badge elements to drop; one nested in another goes with it."""
    spans: list[tuple[int, int]] = []
    for element in elements:
        if spans and element.start < spans[-1][1]:
            continue
        spans.append((element.start, _element_end(data, element)))
    return spans


def _element_end(data: bytes, element: _SvgElement) -> int:
    tag = _START_TAG.match(data, element.start)
    if tag is None:  # pragma: no cover - expat accepted the tag, so the pattern matches
        raise InvalidInput("image is not a well-formed SVG file", field="image")
    if tag.group("close"):
        return tag.end()
    return data.index(b">", element.end_event) + 1


def _badge_markup(text: str, version: Version, ascii_only: bool) -> str:
    """A JWS or a URL goes in `verify`; JSON goes in CDATA (OB 2.0 hosted: with its URL)."""
    verify: str | None
    content: str
    if _is_jws(text) or _is_url(text):
        verify, content = text, ""
    else:
        verify = _hosted_url(text) if version is Version.OB2 else None
        content = text
    name = _SVG_QNAMES[version]
    attribute = "" if verify is None else f' verify="{_escape_attribute(verify, ascii_only)}"'
    return f"<{name}{attribute}>{_cdata(content, ascii_only)}</{name}>"


def _hosted_url(text: str) -> str | None:
    """An OB 2.0 hosted assertion's URL: its `id`, or the 1.x `verify.url`."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(document, dict):
        return None
    verify = document.get("verify")
    for candidate in (document.get("id"), verify.get("url") if isinstance(verify, dict) else None):
        if isinstance(candidate, str) and _is_url(candidate):
            return candidate
    return None


def _escape_attribute(value: str, ascii_only: bool) -> str:
    """Escapes markup and whitespace (a parser would fold tabs and newlines into spaces)."""
    escaped = (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\t", "&#9;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
    )
    if ascii_only:
        return escaped.encode("ascii", "xmlcharrefreplace").decode("ascii")
    return escaped


def _cdata(text: str, ascii_only: bool) -> str:
    """CDATA sections split at `]]>`; CR (and, in a non-UTF-8 file, non-ASCII) as references."""
    unsafe = _CDATA_UNSAFE_ASCII if ascii_only else _CDATA_UNSAFE
    parts: list[str] = []
    pos = 0
    for match in unsafe.finditer(text):
        parts.append(_cdata_section(text[pos : match.start()]))
        parts.append("".join(f"&#{ord(char)};" for char in match.group()))
        pos = match.end()
    parts.append(_cdata_section(text[pos:]))
    return "".join(parts)


def _cdata_section(text: str) -> str:
    if not text:
        return ""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
