"""The public pages at the issuer's and the badge class's own URLs, and their 404 page.

Everything shown comes from an issuer's input, so it is escaped by the templates; links made
from it are offered only when they are http(s) (`safe_link`), never `javascript:` or `data:`.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from ..domain.keys import Algorithm, SigningKey
from ..domain.urls import PublicUrls
from ..usecases.public import BadgePage, IssuerPage
from . import i18n
from .pages import Page, _render
from .recipient_pages import fill, paragraphs, with_lang

MAX_URL = 2000


def safe_link(url: str | None) -> str | None:
    """The URL if a browser may follow it from our page: absolute http(s) with a host."""
    if not url or len(url) > MAX_URL or any(c in url for c in "\r\n\t\0"):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url.strip()


@dataclass(frozen=True)
class KeyRow:
    key_id: str
    use: str
    url: str  # its public document: CryptographicKey (RSA) or DID verification method
    since: str
    since_iso: str
    active: bool


@dataclass(frozen=True)
class BadgeRow:
    name: str
    url: str
    image_url: str
    awarded: str


def awarded_words(count: int, lang: str) -> str:
    t = i18n.MESSAGES[lang]
    if count == 0:
        return t["public.awarded.none"]
    return t["public.awarded.one" if count == 1 else "public.awarded.other"].format(count=count)


def _key_row(key: SigningKey, urls: PublicUrls, lang: str) -> KeyRow:
    use = {
        Algorithm.RS256: "public.key_use.rs256",
        Algorithm.ED25519: "public.key_use.ed25519",
        Algorithm.ES256: "public.key_use.es256",
    }[key.algorithm]
    return KeyRow(
        key_id=key.key_id,
        use=i18n.MESSAGES[lang][use],
        url=urls.key(key.issuer_id, key.key_id),
        since=i18n.long_date(key.created_at, lang),
        since_iso=key.created_at.date().isoformat(),
        active=key.active,
    )


def _language(lang: str) -> str:
    return lang if lang in i18n.LANGUAGES else "en"


def issuer_page(
    view: IssuerPage, lang: str, urls: PublicUrls, verify_url: str, image_origins: str
) -> Page:
    lang = _language(lang)
    issuer = view.issuer
    website = safe_link(issuer.url)
    return _render(
        "issuer.html",
        lang,
        image_origins,
        fill=fill,
        paragraphs=paragraphs,
        issuer=issuer,
        image_url=urls.asset(issuer.image.key) if issuer.image else None,
        website=website,
        website_host=urlsplit(website).hostname if website else None,
        did=view.did,
        did_document_url=urls.did_document(issuer.id),
        jwks_url=urls.jwks(issuer.id),
        revocations_url=urls.revocation_list(issuer.id),
        keys=[_key_row(key, urls, lang) for key in view.keys],
        badges=[
            BadgeRow(
                name=entry.badge.name,
                url=with_lang(urls.badge(entry.badge.id), lang),
                image_url=urls.asset(entry.badge.image.key),
                awarded=awarded_words(entry.awarded, lang),
            )
            for entry in view.badges
        ],
        verify_url=verify_url,
    )


def badge_class_page(
    view: BadgePage, lang: str, urls: PublicUrls, verify_url: str, image_origins: str
) -> Page:
    lang = _language(lang)
    badge = view.badge
    alignments = [
        {
            "name": a.target_name,
            "url": safe_link(a.target_url),
            "description": a.target_description,
            "framework": a.target_framework,
            "code": a.target_code,
        }
        for a in badge.alignments
    ]
    return _render(
        "badge_class.html",
        lang,
        image_origins,
        fill=fill,
        paragraphs=paragraphs,
        badge=badge,
        issuer=view.issuer,
        issuer_page_url=with_lang(urls.issuer(view.issuer.id), lang),
        image_url=urls.asset(badge.image.key),
        criteria_url=safe_link(badge.criteria_url),
        alignments=alignments,
        awarded=awarded_words(view.awarded, lang),
        verify_url=verify_url,
    )


def not_found_page(lang: str, what: str, verify_url: str, image_origins: str) -> Page:
    """`what`: "issuer" or "badge"; the same page whether it never existed or was removed."""
    lang = _language(lang)
    return _render("public_not_found.html", lang, image_origins, what=what, verify_url=verify_url)
