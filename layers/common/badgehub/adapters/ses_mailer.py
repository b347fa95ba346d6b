"""E-mail through Amazon SES (v2): one MIME message with text, HTML and inline images."""

from __future__ import annotations

import logging
from email.message import EmailMessage
from email.utils import make_msgid

from botocore.exceptions import BotoCoreError, ClientError

from ..ports import Mail, MailerError
from . import aws

log = logging.getLogger(__name__)


def mime_message(mail: Mail, sender: str) -> bytes:
    """multipart/alternative (text, then HTML with its images as multipart/related parts), so
    the badge image shows without the client fetching anything."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip(">") or None)
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    message["Content-Language"] = mail.locale
    html_part = message.get_body(preferencelist=("html",))
    assert isinstance(html_part, EmailMessage)
    for content_id, data, media_type in mail.inline_images:
        maintype, subtype = media_type.split("/", 1)
        html_part.add_related(data, maintype=maintype, subtype=subtype, cid=f"<{content_id}>")
    return message.as_bytes()


class SesMailer:
    def __init__(self, sender: str) -> None:
        self._sender = sender

    def send(self, mail: Mail) -> None:
        try:
            aws.sesv2().send_email(
                FromEmailAddress=self._sender,
                Destination={"ToAddresses": [mail.to]},
                Content={"Raw": {"Data": mime_message(mail, self._sender)}},
            )
        except (ClientError, BotoCoreError) as exc:
            code = (
                exc.response.get("Error", {}).get("Code", "")
                if isinstance(exc, ClientError)
                else type(exc).__name__
            )
            log.warning(
                "dependency failed",
                extra={"dependency": "ses", "operation": "SendEmail", "code": code},
            )
            raise MailerError(code or "SES failed") from exc
