"""Image intake: decode, sniff and check the PNG/SVG files issuers upload; SVGs are rewritten.

Stored images are served publicly, so an SVG is never stored as uploaded: `svg.sanitise` keeps
only static drawing content (see its module for what is kept and what is refused), and
`stored_image_headers` gives the headers that stop a stored file from running or fetching
anything even if opened on its own.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType

PNG = "image/png"
SVG = "image/svg+xml"
EXTENSIONS = {PNG: "png", SVG: "svg"}
MAX_IMAGE_BYTES = 1024 * 1024
MAX_IMAGE_PIXELS = 4096 * 4096
NORMAL_SIDE = 1024  # larger PNGs are scaled down once, at upload: badges are shown small
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_DATA_URI = re.compile(
    r"^data:(?P<type>[\w/+.-]+)?(?:;[\w-]+=[\w.-]+)*(?P<b64>;base64)?,(?P<data>.*)$", re.S
)
# Served with every stored image: nothing runs (sandbox, no script source), nothing is fetched
# but data: images, inline styles still apply, and the browser keeps the type we sniffed.
STORED_IMAGE_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"
STORED_IMAGE_HEADERS: Mapping[str, str] = MappingProxyType(
    {"Content-Security-Policy": STORED_IMAGE_CSP, "X-Content-Type-Options": "nosniff"}
)


@dataclass(frozen=True)
class BadgeImage:
    data: bytes
    content_type: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def decode_image_field(value: str, field: str) -> bytes:
    """Accepts a data: URI or bare base64; the size cap applies to the decoded bytes."""
    if len(value) > (MAX_IMAGE_BYTES * 4) // 3 + 1024:
        raise PayloadTooLarge(f"image is over {MAX_IMAGE_BYTES} bytes", field=field)
    text = value.strip()
    match = _DATA_URI.match(text)
    if match:
        if not match.group("b64"):
            from urllib.parse import unquote_to_bytes

            raw = unquote_to_bytes(match.group("data"))
            return _cap(raw, field)
        text = match.group("data")
    try:
        raw = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput("image must be base64 or a data: URI", field=field) from exc
    return _cap(raw, field)


def _cap(raw: bytes, field: str) -> bytes:
    if len(raw) > MAX_IMAGE_BYTES:
        raise PayloadTooLarge(f"image is over {MAX_IMAGE_BYTES} bytes", field=field)
    if not raw:
        raise InvalidInput("image is empty", field=field)
    return raw


def sniff_image(raw: bytes, field: str = "image") -> BadgeImage:
    """Trusts the bytes, never a name or a declared type: PNG by signature, SVG by its root.

    A PNG is checked and kept as it is; an SVG comes back rewritten by the sanitiser.
    """
    if raw.startswith(_PNG_SIGNATURE):
        _check_png(raw, field)
        return BadgeImage(raw, PNG)
    if _looks_like_xml(raw):
        return BadgeImage(_sanitise_svg(raw, field), SVG)
    raise UnsupportedMediaType("image must be a PNG or an SVG file", field=field)


def _check_png(raw: bytes, field: str) -> None:
    from PIL import Image, UnidentifiedImageError  # only the functions that take images pay

    try:
        with Image.open(io.BytesIO(raw)) as img:
            width, height = img.size
            if width * height > MAX_IMAGE_PIXELS:
                raise PayloadTooLarge(
                    f"image is {width}x{height} pixels; the limit is {MAX_IMAGE_PIXELS} pixels",
                    field=field,
                )
            img.verify()
    except PayloadTooLarge:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise InvalidInput("image is not a readable PNG file", field=field) from exc


def _looks_like_xml(raw: bytes) -> bool:
    head = raw[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<")


def _sanitise_svg(raw: bytes, field: str) -> bytes:
    from . import svg  # defusedxml and tinycss2 load only where an SVG is taken

    return svg.sanitise(raw, field)


def normalise(image: BadgeImage) -> BadgeImage:
    """PNGs over NORMAL_SIDE are scaled down and re-encoded without their text chunks.

    Smaller PNGs, and SVGs as the sanitiser wrote them, keep their exact bytes (baking later
    works on those bytes).
    """
    if image.content_type != PNG:
        return image
    from PIL import Image

    with Image.open(io.BytesIO(image.data)) as img:
        if max(img.size) <= NORMAL_SIDE:
            return image
        img.load()
        converted = img.convert("RGBA") if img.mode not in ("RGB", "RGBA") else img.copy()
    converted.thumbnail((NORMAL_SIDE, NORMAL_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    converted.save(out, format="PNG", optimize=True)
    return BadgeImage(out.getvalue(), PNG)


def read_badge_image(value: str, field: str = "image") -> BadgeImage:
    return normalise(sniff_image(decode_image_field(value, field), field))


def stored_image_headers(content_type: str) -> dict[str, str]:
    """The HTTP headers to serve a stored badge or issuer image with, whoever serves it."""
    if content_type not in EXTENSIONS:
        raise ValueError(f"not a stored image type: {content_type}")
    return {"Content-Type": content_type, **STORED_IMAGE_HEADERS}
