"""multipart/form-data bodies (the verify page's upload form), parsed with the standard library."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..domain.errors import InvalidInput, UnsupportedMediaType


@dataclass(frozen=True)
class FormData:
    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)


def parse_multipart(body: bytes, content_type: str | None) -> FormData:
    # The e-mail parser loads only for uploads: every other form is url-encoded.
    from email.parser import BytesParser
    from email.policy import HTTP

    if not content_type or not content_type.lower().startswith("multipart/form-data"):
        raise UnsupportedMediaType("send the form as multipart/form-data", field="Content-Type")
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1") + body
    )
    if not message.is_multipart():
        raise InvalidInput("the form body could not be read", field="body")
    fields: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if part.get_filename() is not None:
            if data:
                files[name] = data
        else:
            try:
                fields[name] = data.decode("utf-8").strip()
            except UnicodeDecodeError as exc:
                raise InvalidInput(f"{name} is not UTF-8 text", field=name) from exc
    return FormData(fields, files)


MAX_FORM_FIELDS = 20


def parse_urlencoded(body: bytes, content_type: str | None) -> dict[str, str]:
    """A plain HTML form (application/x-www-form-urlencoded): the first value of each field."""
    from urllib.parse import parse_qsl

    if not content_type or not content_type.lower().startswith("application/x-www-form-urlencoded"):
        raise UnsupportedMediaType("send the form as a web form", field="Content-Type")
    try:
        pairs = parse_qsl(
            body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput("the form could not be read", field="body") from exc
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields
