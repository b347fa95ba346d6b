"""Is this upload a PDF we are willing to keep and hand out? Checked from its bytes alone.

A Diploma Supplement is downloaded by recruiters who trust it because the issuer attached it,
so it must be a plain document: no encryption (we could not check what it holds), nothing
that runs (JavaScript, actions on open or on events, launch actions) and no files hidden
inside. Every object is parsed and every stream decoded under pypdf's limits plus a total
budget, so a decompression bomb is refused instead of filling the memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType

PDF_MAGIC = b"%PDF-"
_EOF_WINDOW = 2048  # the spec wants %%EOF in the last 1024 bytes; readers tolerate a little junk
MAX_DECODED_BYTES = 64 * 1024 * 1024  # every stream's decoded bytes, together
_MAX_STREAM_BYTES = 32 * 1024 * 1024  # one stream's decoded bytes
_MAX_OBJECTS = 200_000

# Names whose presence means the document can act, not just be read (ISO 32000-2, 12.6 and 7.11).
_ACTIVE = {
    "/JS": "javascript",
    "/JavaScript": "javascript",
    "/OpenAction": "open_action",
    "/AA": "automatic_action",
    "/Launch": "launch_action",
    "/EmbeddedFiles": "embedded_file",
    "/EmbeddedFile": "embedded_file",
    "/RichMedia": "rich_media",
    "/XFA": "xfa_form",
    "/SubmitForm": "submit_action",
    "/ImportData": "import_action",
    "/GoToE": "embedded_go_to",
}
_REASONS = {
    "javascript": "the PDF contains JavaScript",
    "open_action": "the PDF runs an action when it is opened (/OpenAction)",
    "automatic_action": "the PDF runs actions on events (/AA)",
    "launch_action": "the PDF can launch other programs (/Launch)",
    "embedded_file": "the PDF carries embedded files",
    "rich_media": "the PDF embeds rich media",
    "xfa_form": "the PDF holds an XFA form",
    "submit_action": "the PDF can submit data elsewhere",
    "import_action": "the PDF can import data",
    "embedded_go_to": "the PDF links into embedded files",
}


@dataclass(frozen=True)
class CheckedPdf:
    pages: int
    version: str


def refuse(code: str, message: str) -> InvalidInput:
    return InvalidInput(message, field="body", code=code)


def check_pdf(data: bytes, max_bytes: int) -> CheckedPdf:
    """The PDF's page count and header version; raises a 4xx `DomainError` whose `code` names
    what is wrong (`not_a_pdf`, `truncated_pdf`, `encrypted_pdf`, `javascript`...)."""
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"the PDF is over {max_bytes} bytes", field="body")
    if not data.startswith(PDF_MAGIC):
        raise UnsupportedMediaType(
            "the body is not a PDF (it does not start with %PDF-)", field="body", code="not_a_pdf"
        )
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise refuse("truncated_pdf", "the PDF is truncated (no %%EOF at its end)")
    return _parse(data)


def _parse(data: bytes) -> CheckedPdf:
    import io
    import logging

    import pypdf
    from pypdf.errors import LimitReachedError, PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings would log document text
    limits: dict[str, Any] = {
        "maximum_declared_stream_length": _MAX_STREAM_BYTES,
        "zlib_maximum_output_length": _MAX_STREAM_BYTES,
        "lzw_maximum_output_length": _MAX_STREAM_BYTES,
        "run_length_maximum_output_length": _MAX_STREAM_BYTES,
        "array_based_stream_maximum_output_length": _MAX_STREAM_BYTES,
        "image_maximum_buffer_size": _MAX_STREAM_BYTES,
        "stream_decoding_work_maximum_length": _MAX_STREAM_BYTES * 2,
    }
    try:
        with pypdf.apply_configuration(**limits):
            reader = pypdf.PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise refuse("encrypted_pdf", "the PDF is encrypted; attach it without a password")
            pages = len(reader.pages)
            _walk(reader)
            version = reader.pdf_header.removeprefix("%PDF-")
    except LimitReachedError as exc:
        raise refuse("pdf_too_complex", f"the PDF decompresses past our limits ({exc})") from exc
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise refuse("invalid_pdf", "the PDF could not be read (it is damaged)") from exc
    except RecursionError as exc:
        raise refuse("pdf_too_complex", "the PDF nests its objects too deeply") from exc
    if pages < 1:
        raise refuse("invalid_pdf", "the PDF has no pages")
    return CheckedPdf(pages=pages, version=version)


def _walk(reader: Any) -> None:
    """Every indirect object, with every dictionary inside it and every stream decoded."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    decoded = 0
    ids = _object_ids(reader)
    if len(ids) > _MAX_OBJECTS:
        raise refuse("pdf_too_complex", "the PDF holds too many objects")
    for number, generation in ids:
        found = reader.get_object(IndirectObject(number, generation, reader))
        stack: list[Any] = [found]
        while stack:
            value = stack.pop()
            if isinstance(value, DictionaryObject):
                _refuse_active(value)
                if isinstance(value, StreamObject):
                    decoded += len(value.get_data())
                    if decoded > MAX_DECODED_BYTES:
                        raise refuse("pdf_too_complex", "the PDF decompresses to too much data")
                stack.extend(v for v in value.values() if not isinstance(v, IndirectObject))
            elif isinstance(value, ArrayObject):
                stack.extend(v for v in value if not isinstance(v, IndirectObject))


def _refuse_active(dictionary: Any) -> None:
    for name in dictionary:
        reason = _ACTIVE.get(str(name))
        if reason:
            raise refuse(reason, _REASONS[reason])
    kind = dictionary.get("/S")
    if kind is not None and str(kind) in _ACTIVE:
        reason = _ACTIVE[str(kind)]
        raise refuse(reason, _REASONS[reason])


def _object_ids(reader: Any) -> list[tuple[int, int]]:
    """Every object the cross-reference tables name, in object streams too."""
    ids: set[tuple[int, int]] = set()
    for generation, numbers in reader.xref.items():
        ids.update((number, generation) for number in numbers)
    ids.update((number, 0) for number in reader.xref_objStm)
    return sorted(ids)
