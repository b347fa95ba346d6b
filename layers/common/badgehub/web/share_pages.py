"""The share page, its embed card, its print view and the one 404 they all answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

from ..domain import sharing
from ..domain.images import SVG
from ..domain.sharing import SharedBadge
from ..domain.urls import PublicUrls
from ..usecases.share import Shared
from ..usecases.supplements import SupplementView
from . import i18n
from .pages import SYMBOLS, Page, render

EMBED_WIDTH = 400
EMBED_HEIGHT = 190
PREVIEW_WIDTH = 1200
PREVIEW_HEIGHT = 630


def shared_badge(found: Shared, urls: PublicUrls) -> SharedBadge:
    badge, assertion = found.badge, found.assertion
    return SharedBadge(
        assertion_id=assertion.id,
        name=badge.name,
        description=badge.description,
        issuer_name=found.issuer.name,
        issuer_url=found.issuer.url,
        linkedin_organization_id=found.issuer.linkedin_organization_id,
        issued_on=assertion.issued_on,
        expires=assertion.expires,
        share_url=urls.share(assertion.id),
        verify_url=urls.assertion(assertion.id),
        preview_url=urls.share_preview(assertion.id),
        image_url=urls.asset(badge.image.key),
        criteria_narrative=badge.criteria_narrative,
        criteria_url=badge.criteria_url,
    )


def embed_snippet(badge: SharedBadge, embed_url: str, lang: str) -> str:
    """The iframe other sites paste (and oEmbed returns): every value attribute-escaped."""
    title = f"{badge.name} · Open Badge"
    return (
        f'<iframe src="{escape(embed_url)}?lang={lang}" title="{escape(title)}" '
        f'width="{EMBED_WIDTH}" height="{EMBED_HEIGHT}" loading="lazy" '
        'style="border:0;max-width:100%"></iframe>'
    )


@dataclass(frozen=True)
class ShareLink:
    key: str  # names the service, for styling and tests
    label: str
    href: str
    download: bool = False


@dataclass(frozen=True)
class ShareView:
    badge: SharedBadge
    verdict: str
    recipient_name: str | None
    description: str  # for previews
    share_links: list[ShareLink]
    downloads: list[ShareLink]
    qr_svg_url: str
    print_url: str
    embed_url: str
    embed_code: str
    oembed_url: str
    json_ld: str
    # The Diploma Supplement's section, when `disclose` lets anyone see it (the graduate
    # switched it on); `share.html` renders it only then.
    supplement: SupplementView | None = None


def _fill(template: str, **values: str) -> str:
    return template.format(**values)


def share_view(
    found: Shared,
    urls: PublicUrls,
    verdict: str,
    lang: str,
    supplement: SupplementView | None = None,
) -> ShareView:
    badge = shared_badge(found, urls)
    t = i18n.MESSAGES[lang]
    names = {"badge": badge.name, "issuer": badge.issuer_name}
    mail_body = _fill(t["share.mail_body"], url=badge.share_url, **names)
    image_kind = "SVG" if found.badge.image.content_type == SVG else "PNG"
    aid = badge.assertion_id
    baked, baked_ob3 = urls.baked(aid), urls.baked_credential(aid)
    files = [("ob2", t["share.baked_ob2"], image_kind, baked)]
    if image_kind == "PNG":  # a PNG badge also comes as SVG; an SVG one only as SVG
        files.append(("ob2-svg", t["share.baked_ob2"], "SVG", baked + "?format=svg"))
    files.append(("ob3", t["share.baked_ob3"], image_kind, baked_ob3))
    if image_kind == "PNG":
        files.append(("ob3-svg", t["share.baked_ob3"], "SVG", baked_ob3 + "?format=svg"))
    files += [
        ("qr-svg", t["share.qr"], "SVG", urls.share_qr_svg(aid)),
        ("qr-png", t["share.qr"], "PNG", urls.share_qr_png(aid)),
    ]
    downloads = [
        ShareLink(key, _fill(label, kind=kind), href, True) for key, label, kind, href in files
    ]
    downloads.append(ShareLink("preview", t["share.preview"], badge.preview_url, True))
    links = [
        ShareLink("linkedin-add", t["share.linkedin_add"], sharing.linkedin_add_to_profile(badge)),
        ShareLink("linkedin", t["share.linkedin"], sharing.linkedin_share(badge)),
        ShareLink("x", t["share.x"], sharing.x_post(badge, _fill(t["share.x_text"], **names))),
        ShareLink("facebook", t["share.facebook"], sharing.facebook_share(badge)),
        ShareLink(
            "pinterest",
            t["share.pinterest"],
            sharing.pinterest_pin(badge, _fill(t["share.pin_text"], **names)),
        ),
        ShareLink(
            "email",
            t["share.email"],
            sharing.mailto(_fill(t["share.mail_subject"], **names), mail_body),
        ),
        ShareLink("instagram", t["share.instagram"], urls.share_square(badge.assertion_id), True),
    ]
    embed_url = urls.embed(badge.assertion_id)
    description = _fill(
        t["share.description"],
        issuer=badge.issuer_name,
        date=i18n.long_date(badge.issued_on, lang),
    )
    return ShareView(
        badge=badge,
        verdict=verdict,
        recipient_name=found.recipient_name,
        description=description,
        share_links=links,
        downloads=downloads,
        qr_svg_url=urls.share_qr_svg(badge.assertion_id),
        print_url=urls.share_print(badge.assertion_id),
        embed_url=embed_url,
        embed_code=embed_snippet(badge, embed_url, lang),
        oembed_url=urls.oembed()
        + "?"
        + sharing.query([("url", badge.share_url), ("format", "json")]),
        json_ld=sharing.json_ld_script_body(sharing.credential_json_ld(badge)),
        supplement=supplement,
    )


def _dates(lang: str) -> dict[str, Any]:
    def date(moment: datetime) -> str:
        return i18n.long_date(moment, lang)

    def iso(moment: datetime) -> str:
        return moment.isoformat()

    return {"date": date, "iso": iso}


def _page(template: str, view: ShareView, lang: str, verify_url: str, origins: str) -> Page:
    return render(
        template,
        lang,
        origins,
        view=view,
        badge=view.badge,
        symbol=SYMBOLS.get(view.verdict, "?"),
        verify_url=verify_url,
        preview_size=(PREVIEW_WIDTH, PREVIEW_HEIGHT),
        **_dates(lang),
    )


def share_page(view: ShareView, lang: str, verify_url: str, image_origins: str) -> Page:
    return _page("share.html", view, lang, verify_url, image_origins)


def print_page(view: ShareView, lang: str, verify_url: str, image_origins: str) -> Page:
    return _page("share_print.html", view, lang, verify_url, image_origins)


def embed_page(view: ShareView, lang: str, verify_url: str, image_origins: str) -> Page:
    """The compact card other sites frame: the only page that may be framed, by anyone."""
    page = _page("share_embed.html", view, lang, verify_url, image_origins)
    headers = dict(page.headers)
    headers.pop("X-Frame-Options", None)
    headers["Content-Security-Policy"] = headers["Content-Security-Policy"].replace(
        "frame-ancestors 'none'", "frame-ancestors *"
    )
    return Page(page.html, headers)


def missing_page(lang: str, verify_url: str, image_origins: str) -> Page:
    """The same page for private, declined, pending, revoked and unknown badges."""
    return render("share_missing.html", lang, image_origins, verify_url=verify_url)
