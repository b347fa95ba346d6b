import pytest

from badgehub.domain.errors import UnsupportedMediaType
from badgehub.runtime.forms import parse_multipart


def test_fields_and_files_are_separated() -> None:
    body = (
        b'--XyZ\r\nContent-Disposition: form-data; name="email"\r\n\r\nada@example.org\r\n'
        b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="b.png"\r\n'
        b"Content-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n\x00\xff\r\n"
        b'--XyZ\r\nContent-Disposition: form-data; name="text"\r\n\r\n\r\n--XyZ--\r\n'
    )
    form = parse_multipart(body, "multipart/form-data; boundary=XyZ")
    assert form.fields == {"email": "ada@example.org", "text": ""}
    assert form.files == {"file": b"\x89PNG\r\n\x1a\n\x00\xff"}


def test_other_content_types_are_refused() -> None:
    with pytest.raises(UnsupportedMediaType):
        parse_multipart(b"a=b", "application/x-www-form-urlencoded")
