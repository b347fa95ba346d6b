"""What the user asked to verify: the `/verify` form's fields or the API's body, as a subject."""

from __future__ import annotations

from ..domain.errors import InvalidInput
from ..runtime.forms import FormData
from ..runtime.http import json_object
from ..runtime.views import VerifyRequest
from ..usecases.verify import BakedImage, CompactToken, CredentialJson, Url, VerifySubject


def subject_from_form(form: FormData) -> VerifySubject:
    """An uploaded file wins, then pasted text (JSON or a compact token), then a URL."""
    if form.files.get("file"):
        return BakedImage(form.files["file"])
    text = form.fields.get("text", "")
    if text.startswith("{"):
        return CredentialJson(json_object(text.encode(), "text"))
    if text:
        return CompactToken(text)
    if form.fields.get("url"):
        return Url(form.fields["url"])
    raise InvalidInput("choose an image, paste a badge or give its web address", field="file")


def subject_from_request(body: VerifyRequest) -> VerifySubject:
    if body.credential is not None:
        return CredentialJson(body.credential)
    if body.jws:
        return CompactToken(body.jws)
    if body.url:
        return Url(body.url)
    raise InvalidInput("give one of credential, jws or url", field="credential")
