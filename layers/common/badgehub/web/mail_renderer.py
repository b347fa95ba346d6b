"""The mailer's and the notifier's words: recipient e-mails rendered from the templates, in
the entry's language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain.urls import PublicUrls
from ..usecases.recipients import Held
from .cards import card_of

if TYPE_CHECKING:
    from .notice_mail import NoticeBadge


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

    # The notifier's e-mails (`usecases.notify.NoticeRenderer`).

    def supplement_mail(
        self, held: Held, urls: PublicUrls, backpack_url: str, corrected: bool
    ) -> tuple[str, str, str]:
        from .notice_mail import supplement_notice

        rendered = supplement_notice(
            held.entry.locale,
            badge=_notice_badge(held, urls),
            backpack_url=backpack_url,
            corrected=corrected,
            platform_name=self._platform,
        )
        return rendered.subject, rendered.text, rendered.html

    def reminder_mail(
        self, held: Held, urls: PublicUrls, claim_url: str, link_days: int, days: int
    ) -> tuple[str, str, str]:
        from .notice_mail import reminder_notice

        rendered = reminder_notice(
            held.entry.locale,
            badge=_notice_badge(held, urls),
            claim_url=claim_url,
            age_days=days,
            link_days=link_days,
            platform_name=self._platform,
        )
        return rendered.subject, rendered.text, rendered.html

    def expiring_mail(
        self, held: Held, urls: PublicUrls, backpack_url: str
    ) -> tuple[str, str, str]:
        from .notice_mail import expiring_notice

        rendered = expiring_notice(
            held.entry.locale,
            badge=_notice_badge(held, urls),
            backpack_url=backpack_url,
            platform_name=self._platform,
        )
        return rendered.subject, rendered.text, rendered.html


def _notice_badge(held: Held, urls: PublicUrls) -> NoticeBadge:
    from .notice_mail import NoticeBadge

    return NoticeBadge(
        name=held.badge.name,
        issuer_name=held.issuer.name,
        recipient_name=held.assertion.recipient_name,
        verify_url=urls.assertion(held.assertion.id),
        expires=held.assertion.expires,
    )
