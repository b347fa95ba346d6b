"""Share links, parameter by parameter, and the pictures a shared badge travels as."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, parse_qsl, quote, urlsplit

import pytest
from PIL import Image

from badgehub.domain import previews, sharing
from badgehub.domain.previews import CardText, Shape
from badgehub.domain.sharing import SharedBadge
from tests.support.builders import png_bytes

HOSTILE = 'R&D #1: "Tom\'s" café + 50% </script><!-- 🎓👩🏽‍🎓 ünï'
SHARE = "https://badges.example/share/a1"


def a_shared(**overrides: Any) -> SharedBadge:
    values: dict[str, Any] = {
        "assertion_id": "a1",
        "name": "Data Science",
        "description": "Applied data science.",
        "issuer_name": "Università di Esempio",
        "issuer_url": "https://uni.example/",
        "linkedin_organization_id": None,
        "issued_on": datetime(2026, 1, 31, 23, 0, tzinfo=UTC),
        "expires": datetime(2029, 12, 1, tzinfo=UTC),
        "share_url": SHARE,
        "verify_url": "https://badges.example/assertions/a1",
        "preview_url": SHARE + "/preview.png",
        "image_url": "https://assets.example/badges/b1.png",
    }
    return SharedBadge(**{**values, **overrides})


def pairs(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True, strict_parsing=True)


def test_linkedin_add_to_profile_with_the_organization_name() -> None:
    url = sharing.linkedin_add_to_profile(a_shared())
    assert url.startswith("https://www.linkedin.com/profile/add?")
    assert pairs(url) == [
        ("startTask", "CERTIFICATION_NAME"),
        ("name", "Data Science"),
        ("organizationName", "Università di Esempio"),
        ("issueYear", "2026"),
        ("issueMonth", "1"),  # 1-based: January is 1, never 0
        ("expirationYear", "2029"),
        ("expirationMonth", "12"),
        ("certUrl", "https://badges.example/assertions/a1"),
        ("certId", "a1"),
    ]


def test_linkedin_add_to_profile_prefers_the_organization_id_and_omits_no_expiry() -> None:
    url = sharing.linkedin_add_to_profile(a_shared(linkedin_organization_id="1337", expires=None))
    query = parse_qs(urlsplit(url).query)
    assert query["organizationId"] == ["1337"]
    assert "organizationName" not in query  # one or the other, never both
    assert "expirationYear" not in query and "expirationMonth" not in query


@pytest.mark.parametrize("month", range(1, 13))
def test_every_month_is_its_own_number(month: int) -> None:
    badge = a_shared(issued_on=datetime(2026, month, 15, tzinfo=UTC))
    assert parse_qs(urlsplit(sharing.linkedin_add_to_profile(badge)).query)["issueMonth"] == [
        str(month)
    ]


def test_the_share_links_carry_exactly_their_documented_parameters() -> None:
    badge = a_shared()
    assert pairs(sharing.linkedin_share(badge)) == [("url", SHARE)]
    assert sharing.linkedin_share(badge).startswith(
        "https://www.linkedin.com/sharing/share-offsite/?"
    )
    assert pairs(sharing.x_post(badge, "I earned it")) == [("text", "I earned it"), ("url", SHARE)]
    assert sharing.x_post(badge, "x").startswith("https://twitter.com/intent/tweet?")
    assert pairs(sharing.facebook_share(badge)) == [("u", SHARE)]
    assert sharing.facebook_share(badge).startswith("https://www.facebook.com/sharer/sharer.php?")
    assert pairs(sharing.pinterest_pin(badge, "A badge")) == [
        ("url", SHARE),
        ("media", SHARE + "/preview.png"),
        ("description", "A badge"),
    ]
    assert sharing.pinterest_pin(badge, "x").startswith("https://pinterest.com/pin/create/button/?")


def test_mailto_has_no_address_and_encodes_spaces_and_line_breaks() -> None:
    url = sharing.mailto("My badge", "Line one\nLine two")
    assert url == "mailto:?subject=My%20badge&body=Line%20one%0D%0ALine%20two"


def test_a_hostile_name_survives_every_link_round_trip() -> None:
    badge = a_shared(name=HOSTILE, issuer_name=HOSTILE)
    links = [
        sharing.linkedin_add_to_profile(badge),
        sharing.x_post(badge, HOSTILE),
        sharing.pinterest_pin(badge, HOSTILE),
        sharing.mailto(HOSTILE, HOSTILE),
    ]
    for url in links:
        query = urlsplit(url).query
        for char in "#\"'<> ":
            assert char not in query, (char, url)
        values = [v for _, v in parse_qsl(query, strict_parsing=True)]
        assert any(HOSTILE in v for v in values), url
    # "+" is encoded, so no reader turns it into a space.
    assert "%2B" in sharing.x_post(badge, "a+b")
    assert quote("+", safe="") == "%2B"


def test_json_ld_describes_the_credential_and_cannot_close_its_script() -> None:
    data = sharing.credential_json_ld(a_shared(name=HOSTILE))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "EducationalOccupationalCredential"
    assert data["recognizedBy"] == {
        "@type": "Organization",
        "name": "Università di Esempio",
        "url": "https://uni.example/",
    }
    assert data["expires"].startswith("2029-12-01")
    body = sharing.json_ld_script_body(data)
    assert "<" not in body and ">" not in body and "&" not in body
    assert json.loads(body) == data


@pytest.mark.parametrize("shape", list(Shape))
def test_the_pictures_are_pngs_of_their_size_with_any_name(shape: Shape) -> None:
    text = CardText(HOSTILE * 3, "Università di Esempio " * 5)
    drawn = previews.draw_card(shape, png_bytes((300, 200), "#0b4f9c"), text)
    with Image.open(io.BytesIO(drawn)) as image:
        assert image.format == "PNG"
        assert image.size == shape.size
    assert shape.size == ((1200, 630) if shape is Shape.PREVIEW else (1080, 1080))


def test_an_svg_or_unreadable_badge_image_still_gets_a_picture() -> None:
    for image in (b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"not an image", None):
        drawn = previews.draw_card(Shape.PREVIEW, image, CardText("Badge", "Issuer"))
        with Image.open(io.BytesIO(drawn)) as opened:
            assert opened.size == (1200, 630)


def test_the_cache_key_changes_with_everything_the_picture_shows() -> None:
    text = CardText("Badge", "Issuer")
    key = previews.cache_key(Shape.PREVIEW, "sha-1", text)
    assert key.startswith("previews/preview/") and key.endswith(".png")
    assert previews.cache_key(Shape.PREVIEW, "sha-1", CardText("Badge", "Issuer")) == key
    for other in (
        previews.cache_key(Shape.PREVIEW, "sha-2", text),
        previews.cache_key(Shape.SQUARE, "sha-1", text),
        previews.cache_key(Shape.PREVIEW, "sha-1", CardText("Badge II", "Issuer")),
        previews.cache_key(Shape.PREVIEW, "sha-1", CardText("Badge", "Issuer Ltd")),
    ):
        assert other != key


def test_emoji_and_controls_are_left_out_of_the_drawn_text_only() -> None:
    assert (
        previews._printable("Café 🎓\u200d👩🏽 \x00 Pro\ufe0f Università") == "Café Pro Università"
    )
    assert previews._printable("Cafe\u0301 Łódź Ærø") == "Café Łódź Ærø"
    assert previews._printable("数据科学") == ""  # drawn as "Open Badge" rather than boxes


def test_the_qr_png_decodes_to_exactly_the_url() -> None:
    zxingcpp = pytest.importorskip("zxingcpp", reason="the QR decoder (zxing-cpp) is a dev tool")
    url = "https://badges.example/assertions/3f1c9a7e-0d2b-4c55-9e61-8f0a2b7c4d10"
    with Image.open(io.BytesIO(previews.qr_png(url))) as image:
        [found] = zxingcpp.read_barcodes(image.convert("L"))
    assert found.text == url
    svg = previews.qr_svg(url, 'QR <"code">')
    assert b'<title>QR &lt;"code"&gt;</title>' in svg


@pytest.mark.parametrize("bold", [False, True])
def test_the_bundled_fonts_draw_accented_letters_not_empty_boxes(bold: bool) -> None:
    font = previews._font(40, bold=bold)
    missing = bytes(font.getmask("\u4e00"))  # outside the subset: the "no glyph" box

    for char in "àèéìòùÀÈÉÌÒÙçñøåäöüßłźđ\u2019\u2013—€":
        drawn = font.getmask(char)
        assert drawn.getbbox() is not None and bytes(drawn) != missing, char


def _view(found: Any, lang: str = "en", supplement: Any = None) -> Any:
    from badgehub.domain.urls import PublicUrls
    from badgehub.web.share_pages import share_view

    urls = PublicUrls(base="https://badges.example", assets="https://assets.example")
    return share_view(found, urls, "valid", lang, supplement)


def test_the_share_view_offers_every_link_and_the_downloads_the_image_allows() -> None:
    from tests.support.people_pages import a_shared

    found = a_shared()
    view = _view(found)
    assert [link.key for link in view.share_links] == [
        "linkedin-add",
        "linkedin",
        "x",
        "facebook",
        "pinterest",
        "email",
        "instagram",
    ]
    assert [d.key for d in view.downloads] == [
        "ob2",
        "ob2-svg",
        "ob3",
        "ob3-svg",
        "qr-svg",
        "qr-png",
        "preview",
    ]
    svg_image = found.badge.image.model_copy(update={"content_type": "image/svg+xml"})
    svg_badge = found.badge.model_copy(update={"image": svg_image})
    svg_view = _view(type(found)(**{**found.__dict__, "badge": svg_badge}))
    assert [d.key for d in svg_view.downloads][:2] == ["ob2", "ob3"]  # no PNG to offer as SVG
    assert all("format=svg" not in d.href for d in svg_view.downloads)


def test_the_supplement_section_renders_only_when_the_view_gives_one() -> None:
    from badgehub.web.share_pages import share_page
    from tests.support.people_pages import a_shared

    html = share_page(_view(a_shared()), "en", "https://badges.example/verify", "").html
    assert "supplement" not in html.lower()
    assert _view(a_shared()).supplement is None
