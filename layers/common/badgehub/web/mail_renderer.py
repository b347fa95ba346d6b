"""The mailer's words: recipient e-mails rendered from the templates, in the entry's language."""

from __future__ import annotations

from ..domain.urls import PublicUrls
from ..usecases.recipients import Held
from .cards import card_of


class TemplateMailRenderer:
    def __init__(self, platform_name: str) -> None:
        self._platform = platform_name

    def badge_mail(
        self, held: Held, urls: PublicUrls, claim_url: str, link_days: int
    ) -> tuple[str, str, str]:
        from .mail import badge_mail

        rendered = badge_mail(
            held.entry.locale,
            card=card_of(held.assertion, held.badge, held.issuer, urls),
            recipient_name=held.assertion.recipient_name,
            claim_url=claim_url,
            platform_name=self._platform,
            link_days=link_days,
        )
        return rendered.subject, rendered.text, rendered.html

    def signin_mail(self, locale: str, signin_url: str, minutes: int) -> tuple[str, str, str]:
        from .mail import signin_mail

        rendered = signin_mail(
            locale, signin_url=signin_url, platform_name=self._platform, minutes=minutes
        )
        return rendered.subject, rendered.text, rendered.html
