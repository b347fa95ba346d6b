"""PDFs for the supplement tests, built with pypdf: a plain one and the hostile kinds."""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from functools import cache
from typing import Any

import pypdf
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    StreamObject,
    TextStringObject,
)


def a_pdf(change: Callable[[Any], None] | None = None, pages: int = 1) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    if change:
        change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _javascript(writer: Any) -> None:
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hi')"),
        }
    )
    tree = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("x"), writer._add_object(action)])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})


def _launch(writer: Any) -> None:
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
    )
    page = writer.pages[0]
    page[NameObject("/Annots")] = ArrayObject(
        [
            writer._add_object(
                DictionaryObject(
                    {
                        NameObject("/Type"): NameObject("/Annot"),
                        NameObject("/Subtype"): NameObject("/Link"),
                        NameObject("/A"): writer._add_object(action),
                    }
                )
            )
        ]
    )


def _bomb(writer: Any) -> None:
    stream = StreamObject()
    stream._data = zlib.compress(b"\0" * (100 * 1024 * 1024), 1)  # 100 MiB in under 500 KB
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    writer._add_object(stream)


@cache
def hostile() -> dict[str, tuple[bytes, int, str]]:
    """name -> (body, status, error code)."""
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    return {
        "truncated": (a_pdf()[:-120], 400, "truncated_pdf"),
        "encrypted": (a_pdf(lambda w: w.encrypt("secret")), 400, "encrypted_pdf"),
        "javascript": (a_pdf(_javascript), 400, "javascript"),
        "launch": (a_pdf(_launch), 400, "launch_action"),
        "open_action": (
            a_pdf(lambda w: w._root_object.__setitem__(NameObject("/OpenAction"), ArrayObject())),
            400,
            "open_action",
        ),
        "embedded_file": (a_pdf(lambda w: w.add_attachment("x.exe", b"MZ")), 400, "embedded_file"),
        "png_named_pdf": (png, 415, "not_a_pdf"),
        "zip_bomb": (a_pdf(_bomb), 400, "pdf_too_complex"),
        "oversized": (a_pdf() + b"%" + b"0" * (10 * 1024 * 1024), 413, "payload_too_large"),
        "garbage_after_magic": (b"%PDF-1.7\n" + b"x" * 500 + b"\n%%EOF\n", 400, "invalid_pdf"),
    }
