"""The pictures a shared badge travels as: a 1200x630 link preview, a 1080x1080 square for
Instagram, and QR codes that open the verification page. Pure: bytes in, PNG/SVG bytes out."""

from __future__ import annotations

import hashlib
import io
import json
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL.Image import Image
    from PIL.ImageFont import FreeTypeFont

# Change when the drawing changes: every cached picture is then drawn again.
LAYOUT_VERSION = 1
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
    platform: str = "Open Badges"


def cache_key(shape: Shape, image_sha256: str, text: CardText) -> str:
    """Named by everything it is drawn from: a renamed badge or a new image is a new picture."""
    source = json.dumps(
        [LAYOUT_VERSION, shape.value, image_sha256, text.badge_name, text.issuer_name],
        ensure_ascii=False,
    )
    return f"previews/{shape.value}/{hashlib.sha256(source.encode()).hexdigest()}.png"


def _printable(text: str) -> str:
    """The font draws letters, not emoji: those (and controls) would be empty boxes."""
    kept = "".join(
        " " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c
        for c in text
        if unicodedata.category(c) not in ("So", "Cs", "Co", "Cn", "Cf", "Sk")
        and not "\ufe00" <= c <= "\ufe0f"  # emoji presentation selectors
    )
    return " ".join(kept.split())


def _font(size: int) -> FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.load_default(size)  # type: ignore[return-value]


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
        name_font, issuer_font, name_lines = _font(64), _font(36), 4
    else:
        side = 480
        canvas.paste(p := _badge_picture(image, side), ((width - side) // 2, 110), p)
        left, text_width, top = 90, width - 180, 650
        name_font, issuer_font, name_lines = _font(68), _font(40), 3
    lines = _wrap(name, name_font, text_width, name_lines)
    y = top
    for line in lines:
        x = left if shape is Shape.PREVIEW else (width - name_font.getlength(line)) / 2
        draw.text((x, y), line, font=name_font, fill=INK)
        y += 78 if shape is Shape.PREVIEW else 82
    y += 20
    for line in _wrap(issuer, issuer_font, text_width, 2):
        x = left if shape is Shape.PREVIEW else (width - issuer_font.getlength(line)) / 2
        draw.text((x, y), line, font=issuer_font, fill=MUTED)
        y += 48
    footer = _font(28)
    label = f"{text.platform} · verified credential"
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
