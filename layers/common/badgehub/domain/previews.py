"""The pictures a shared badge travels as: a 1200x630 link preview, a 1080x1080 square for
Instagram, and QR codes that open the verification page. Pure: bytes in, PNG/SVG bytes out."""

from __future__ import annotations

import hashlib
import io
import json
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL.Image import Image
    from PIL.ImageFont import FreeTypeFont

# Change when the drawing changes: every cached picture is then drawn again.
LAYOUT_VERSION = 2
INK = (27, 31, 36)
MUTED = (74, 85, 96)
ACCENT = (11, 79, 156)
PAPER = (246, 248, 250)
WHITE = (255, 255, 255)


class Shape(StrEnum):
    PREVIEW = "preview"  # Open Graph / Twitter large card
    SQUARE = "square"  # Instagram

    @property
    def size(self) -> tuple[int, int]:
        return (1200, 630) if self is Shape.PREVIEW else (1080, 1080)


@dataclass(frozen=True)
class CardText:
    badge_name: str
    issuer_name: str
    platform: str = "Open Badge"


def cache_key(shape: Shape, image_sha256: str, text: CardText) -> str:
    """Named by everything it is drawn from: a renamed badge or a new image is a new picture."""
    source = json.dumps(
        [LAYOUT_VERSION, shape.value, image_sha256, text.badge_name, text.issuer_name],
        ensure_ascii=False,
    )
    return f"previews/{shape.value}/{hashlib.sha256(source.encode()).hexdigest()}.png"


# What the bundled fonts draw (data/fonts/README.md): Latin letters, accents, punctuation.
COVERED = (
    (0x20, 0x7E),
    (0xA0, 0x24F),
    (0x300, 0x36F),
    (0x1E00, 0x1EFF),
    (0x2010, 0x2027),
    (0x2030, 0x203A),
    (0x20AC, 0x20AC),
    (0x2122, 0x2122),
)


def _drawable(c: str) -> bool:
    return any(low <= ord(c) <= high for low, high in COVERED)


def _printable(text: str) -> str:
    """Only what the fonts draw: emoji, controls and other scripts would be empty boxes."""
    text = unicodedata.normalize("NFC", text)
    kept = "".join(
        c if _drawable(c) and unicodedata.category(c) not in ("Cc", "Cf") else " " for c in text
    )
    return " ".join(kept.split())


@cache
def _font(size: int, bold: bool = False) -> FreeTypeFont:
    from PIL import ImageFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    data = (files("badgehub") / "data" / "fonts" / name).read_bytes()
    return ImageFont.truetype(io.BytesIO(data), size)


def _wrap(text: str, font: FreeTypeFont, width: int, max_lines: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for given in text.split():
        word = given
        while font.getlength(word) > width:  # a word wider than the line: cut it
            cut = len(word)
            while cut > 1 and font.getlength(word[:cut]) > width:
                cut -= 1
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{current} {word}".strip()
        if font.getlength(candidate) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while " " in last and font.getlength(last + " …") > width:
            last = last.rsplit(" ", 1)[0]  # whole words only
        while last and font.getlength(last + "…") > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines or [""]


def _badge_picture(data: bytes | None, side: int) -> Image:
    """The badge image fitted in a square; an SVG (no rasteriser here) or an unreadable file
    becomes a plain medal, so a preview is always drawn."""
    from PIL import Image, ImageDraw, UnidentifiedImageError

    square = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    if data is not None:
        try:
            with Image.open(io.BytesIO(data)) as opened:
                picture = opened.convert("RGBA")
            picture.thumbnail((side, side), Image.Resampling.LANCZOS)
            square.paste(picture, ((side - picture.width) // 2, (side - picture.height) // 2))
            return square
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
            pass
    draw = ImageDraw.Draw(square)
    draw.ellipse((0, 0, side - 1, side - 1), fill=ACCENT)
    draw.ellipse((side // 8, side // 8, side * 7 // 8, side * 7 // 8), outline=WHITE, width=8)
    return square


def draw_card(shape: Shape, image: bytes | None, text: CardText) -> bytes:
    """The badge, its name and its issuer on a plain card, as a PNG of `shape.size`."""
    from PIL import Image, ImageDraw

    width, height = shape.size
    canvas = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, 0, width, 16), fill=ACCENT)
    name = _printable(text.badge_name) or "Open Badge"
    issuer = _printable(text.issuer_name)
    if shape is Shape.PREVIEW:
        side = 400
        canvas.paste(p := _badge_picture(image, side), (80, (height - side) // 2 + 8), p)
        left, text_width, top = 540, width - 540 - 70, 120
        name_font, issuer_font, name_lines = _font(58, bold=True), _font(34), 4
    else:
        side = 480
        canvas.paste(p := _badge_picture(image, side), ((width - side) // 2, 110), p)
        left, text_width, top = 90, width - 180, 650
        name_font, issuer_font, name_lines = _font(62, bold=True), _font(38), 3
    lines = _wrap(name, name_font, text_width, name_lines)
    y = top
    for line in lines:
        x = left if shape is Shape.PREVIEW else (width - name_font.getlength(line)) / 2
        draw.text((x, y), line, font=name_font, fill=INK)
        y += 72 if shape is Shape.PREVIEW else 78
    y += 20
    for line in _wrap(issuer, issuer_font, text_width, 2):
        x = left if shape is Shape.PREVIEW else (width - issuer_font.getlength(line)) / 2
        draw.text((x, y), line, font=issuer_font, fill=MUTED)
        y += 48
    footer = _font(26)
    label = text.platform  # the same words in every language: one picture serves them all
    x = left if shape is Shape.PREVIEW else (width - footer.getlength(label)) / 2
    draw.text((x, height - 70), label, font=footer, fill=ACCENT)
    out = io.BytesIO()
    canvas.save(out, "PNG", optimize=True)
    return out.getvalue()


def _qr(url: str) -> Any:
    import segno

    return segno.make_qr(url, error="m")


def qr_svg(url: str, title: str) -> bytes:
    """A QR code as SVG (scales to any print size); `title` names it for screen readers."""
    out = io.BytesIO()
    _qr(url).save(out, kind="svg", scale=8, border=4, title=title, dark="#000", light="#fff")
    return out.getvalue()


def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    _qr(url).save(out, kind="png", scale=10, border=4)
    return out.getvalue()
