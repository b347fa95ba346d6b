"""Sharing through the real handlers on moto: who sees the share page, its pictures, QR codes,
embed card, oEmbed and print view, and that hostile names survive every tag and link."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image

from badgehub.domain import previews
from badgehub.domain.recipients import ClaimState, Visibility
from badgehub.runtime import wiring
from tests.integration.conftest import (
    ADMIN_KEY,
    Api,
    Tenant,
    bucket_keys,
    issue,
    make_tenant,
)
from tests.integration.test_recipients import accept, claim_token, me
from tests.support.builders import a_badge, an_issuer

HTML = {"accept": "text/html"}
HOSTILE = 'Tom & "Jerry" #1 </script><script>alert(1)</script> <b>café</b> ünï 🎓 +50%'


class Tags(HTMLParser):
    """Every tag's attributes, and the JSON-LD block's text, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.json_ld: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_json_ld = tag == "script" and dict(attrs).get("type") == "application/ld+json"

    def handle_endtag(self, tag: str) -> None:
        self._in_json_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_json_ld:
            self.json_ld.append(data)

    def meta(self, key: str) -> str | None:
        for tag, attrs in self.tags:
            if tag == "meta" and key in (attrs.get("property"), attrs.get("name")):
                return attrs.get("content")
        return None

    def hrefs(self) -> list[str]:
        return [str(a["href"]) for t, a in self.tags if t in ("a", "link") and a.get("href")]

    def scripts(self) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == "script"]


def parsed(body: bytes) -> Tags:
    tags = Tags()
    tags.feed(body.decode())
    return tags


def shared_badge(api: Api, tenant: Tenant, **changes: Any) -> tuple[str, str]:
    """Issued and accepted (public by default): the assertion id and the owner's session."""
    issued = issue(api, tenant, **changes)
    return issued["id"], accept(api, claim_token())


def set_entry(assertion_id: str, **update: Any) -> None:
    store = wiring.ports().recipients
    entry = store.get_entry(assertion_id)
    assert entry is not None
    store.save_entry(entry.model_copy(update=update))


def urls_of(assertion_id: str) -> list[str]:
    share = f"/share/{assertion_id}"
    return [
        share,
        f"{share}/preview.png",
        f"{share}/instagram.png",
        f"{share}/qr.svg",
        f"{share}/qr.png",
        f"{share}/print",
        f"/embed/{assertion_id}",
    ]


def oembed(api: Api, url: str, **extra: str) -> Any:
    from urllib.parse import urlencode

    return api.call("GET", "/oembed?" + urlencode({"url": url, **extra}))


def test_a_shared_badge_has_its_page_with_previews_links_and_no_cookies(
    api: Api, tenant: Tenant
) -> None:
    assertion_id, _ = shared_badge(api, tenant)
    reply = api.call("GET", f"/share/{assertion_id}", headers=HTML)
    assert reply.status == 200, reply.body
    assert reply.headers["content-type"].startswith("text/html")
    assert reply.headers["cache-control"] == "no-store"
    assert "set-cookie" not in reply.headers
    tags = parsed(reply.body)
    share_url = f"https://badges.test/share/{assertion_id}"
    assert tags.meta("og:title") == "Data Literacy"
    assert tags.meta("og:url") == share_url
    assert tags.meta("og:image") == share_url + "/preview.png"
    assert tags.meta("og:image:width") == "1200" and tags.meta("og:image:height") == "630"
    assert tags.meta("twitter:card") == "summary_large_image"
    assert ("link", {"rel": "canonical", "href": share_url}) in tags.tags
    [data] = [json.loads(text) for text in tags.json_ld]
    assert data["@type"] == "EducationalOccupationalCredential"
    assert data["name"] == "Data Literacy"
    assert data["recognizedBy"]["name"] == "University of Examples"
    assert any(h.startswith("https://badges.test/oembed?url=") for h in tags.hrefs())
    # Every script is a data block, and no third party is loaded.
    assert [s.get("type") for s in tags.scripts()] == ["application/ld+json"]
    for tag, attrs in tags.tags:
        if tag in ("img", "link", "script") and (attrs.get("src") or ""):
            assert urlsplit(str(attrs["src"])).netloc in ("badges.test", "assets.test")
    text = reply.body.decode()
    assert "Valid badge" in text
    assert f"https://badges.test/assertions/{assertion_id}" in tags.hrefs() or any(
        h.startswith(f"https://badges.test/assertions/{assertion_id}?") for h in tags.hrefs()
    )
    assert "Ada Lovelace" not in text  # showName is off by default
    assert "ada@example.org" not in text


def test_the_share_link_is_in_the_recipients_and_the_issuers_views(
    api: Api, tenant: Tenant
) -> None:
    assertion_id, session = shared_badge(api, tenant)
    [mine] = me(api, session).json()["items"]
    issuer = api.call("GET", f"/v1/assertions/{assertion_id}", token=tenant.key).json()
    share_url = f"https://badges.test/share/{assertion_id}"
    assert mine["links"]["share"] == share_url
    assert issuer["links"]["share"] == share_url


CASES = [
    (claim, visibility, revoked)
    for claim in ClaimState
    for visibility in Visibility
    for revoked in (False, True)
]


def _without_nonce(body: bytes) -> str:
    return re.sub(r'nonce="[^"]+"|nonce-[A-Za-z0-9_-]+', "", body.decode())


def test_the_matrix_of_claim_state_visibility_and_revocation_for_every_viewer(
    api: Api, tenant: Tenant
) -> None:
    """Shown only when accepted, public and not revoked, whoever asks (the owner's cookie and
    the issuer's key change nothing here); every other case is the same 404 page."""
    missing_pages = set()
    unknown = api.call("GET", "/share/no-such-badge", headers=HTML)
    assert unknown.status == 404
    missing_pages.add(_without_nonce(unknown.body))
    for n, (claim, visibility, revoked) in enumerate(CASES):
        issued = issue(api, tenant, recipient={"email": f"m{n}@example.org", "name": "Mia"})
        session = accept(api, claim_token())
        set_entry(issued["id"], claim=claim, visibility=visibility, show_name=True)
        if revoked:
            reason = {"reason": "Issued by mistake"}
            path = f"/v1/assertions/{issued['id']}/revoke"
            assert api.call("POST", path, reason, token=tenant.key).status == 200
        viewers = [
            HTML,
            {**HTML, "cookie": f"__Host-session={session}"},
            {**HTML, "authorization": f"Bearer {tenant.key}"},
        ]
        shown = claim is ClaimState.ACCEPTED and visibility is Visibility.PUBLIC and not revoked
        for headers in viewers:
            for url in urls_of(issued["id"]):
                reply = api.call("GET", url, headers=headers)
                assert reply.status == (200 if shown else 404), (claim, visibility, revoked, url)
                if not shown:
                    assert b"Mia" not in reply.body and issued["id"].encode() not in reply.body
                    missing_pages.add(_without_nonce(reply.body))
            share_url = f"https://badges.test/share/{issued['id']}"
            assert oembed(api, share_url).status == (200 if shown else 404)
    assert len(missing_pages) == 1  # one page, whatever the reason


def test_the_404_page_speaks_the_visitors_language(api: Api, tenant: Tenant) -> None:
    reply = api.call("GET", "/share/nothing", headers={"accept-language": "it-IT,it;q=0.9"})
    assert reply.status == 404
    assert reply.headers["content-type"].startswith("text/html")
    assert '<html lang="it">' in reply.body.decode()
    assert "Questo badge non è condiviso" in reply.body.decode()


def test_the_name_shows_only_when_the_recipient_chose_to_show_it(api: Api, tenant: Tenant) -> None:
    assertion_id, session = shared_badge(api, tenant)
    for path in (
        f"/share/{assertion_id}",
        f"/share/{assertion_id}/print",
        f"/embed/{assertion_id}",
    ):
        assert b"Ada Lovelace" not in api.call("GET", path).body
    [mine] = me(api, session).json()["items"]
    csrf = me(api, session).json()["csrfToken"]
    path = f"/v1/me/assertions/{assertion_id}"
    assert me(api, session, "PATCH", path, {"showName": True}, csrf).status == 200
    for path in (
        f"/share/{assertion_id}",
        f"/share/{assertion_id}/print",
        f"/embed/{assertion_id}",
    ):
        assert b"Ada Lovelace" in api.call("GET", path).body
    assert mine["showName"] is False


def test_switching_private_makes_every_share_url_404_at_once(api: Api, tenant: Tenant) -> None:
    assertion_id, session = shared_badge(api, tenant)
    share_url = f"https://badges.test/share/{assertion_id}"
    first = {url: api.call("GET", url) for url in urls_of(assertion_id)}
    assert all(r.status == 200 for r in first.values())
    for url, reply in first.items():
        caching = reply.headers["cache-control"]
        assert caching in ("no-store", "no-cache"), url  # nobody on the way keeps a copy
    assert oembed(api, share_url).status == 200

    csrf = me(api, session).json()["csrfToken"]
    path = f"/v1/me/assertions/{assertion_id}"
    assert me(api, session, "PATCH", path, {"visibility": "private"}, csrf).status == 200
    for url, reply in first.items():
        etag = reply.headers.get("etag")
        again = api.call("GET", url, headers={"if-none-match": etag} if etag else {})
        assert again.status == 404, url  # even revalidating a picture it had
    assert oembed(api, share_url).status == 404

    assert me(api, session, "PATCH", path, {"visibility": "public"}, csrf).status == 200
    assert api.call("GET", f"/share/{assertion_id}").status == 200


def test_the_preview_is_a_1200_by_630_png_drawn_once_and_kept_by_what_it_shows(
    api: Api, tenant: Tenant
) -> None:
    assertion_id, _ = shared_badge(api, tenant)
    reply = api.call("GET", f"/share/{assertion_id}/preview.png")
    assert reply.status == 200
    assert reply.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(reply.body)) as image:
        assert image.format == "PNG" and image.size == (1200, 630)
    cached = [k for k in bucket_keys() if k.startswith("previews/")]
    assert len(cached) == 1
    assert api.call("GET", f"/share/{assertion_id}/preview.png").body == reply.body
    assert [k for k in bucket_keys() if k.startswith("previews/")] == cached
    again = api.call(
        "GET",
        f"/share/{assertion_id}/preview.png",
        headers={"if-none-match": reply.headers["etag"]},
    )
    assert again.status == 304 and again.body == b""

    # Named by what it is drawn from: a renamed badge (or a new image) is a new picture.
    badge = wiring.ports().badges.get_badge(tenant.badge_id)
    assert badge is not None
    text = previews.CardText(badge.name, "University of Examples")
    assert cached == [previews.cache_key(previews.Shape.PREVIEW, badge.image.sha256, text)]
    renamed = previews.CardText("Data Literacy II", "University of Examples")
    assert previews.cache_key(previews.Shape.PREVIEW, badge.image.sha256, renamed) != cached[0]

    square = api.call("GET", f"/share/{assertion_id}/instagram.png")
    assert square.headers["content-disposition"].startswith("attachment;")
    with Image.open(io.BytesIO(square.body)) as image:
        assert image.size == (1080, 1080)


def test_the_qr_codes_decode_to_exactly_the_verification_url(api: Api, tenant: Tenant) -> None:
    zxingcpp = pytest.importorskip("zxingcpp", reason="the QR decoder (zxing-cpp) is a dev tool")
    assertion_id, _ = shared_badge(api, tenant)
    png = api.call("GET", f"/share/{assertion_id}/qr.png")
    assert png.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(png.body)) as image:
        [found] = zxingcpp.read_barcodes(image.convert("L"))
    assert found.format == zxingcpp.BarcodeFormat.QRCode
    assert found.text == f"https://badges.test/assertions/{assertion_id}"
    svg = api.call("GET", f"/share/{assertion_id}/qr.svg")
    assert svg.headers["content-type"] == "image/svg+xml"
    assert svg.body.startswith(b"<?xml") and b"<svg" in svg.body
    assert "sandbox" in svg.headers["content-security-policy"]


def test_oembed_answers_for_our_share_urls_only(api: Api, tenant: Tenant) -> None:
    assertion_id, _ = shared_badge(api, tenant)
    share_url = f"https://badges.test/share/{assertion_id}"
    reply = oembed(api, share_url, format="json")
    assert reply.status == 200
    body = reply.json()
    assert body["version"] == "1.0" and body["type"] == "rich"
    assert body["width"] == 400 and body["height"] == 190
    assert body["provider_name"] == "Open Badges"
    assert body["thumbnail_url"] == share_url + "/preview.png"
    assert body["thumbnail_width"] == 1200 and body["thumbnail_height"] == 630
    iframe = parsed(body["html"].encode())
    [(tag, attrs)] = iframe.tags
    assert tag == "iframe"
    assert str(attrs["src"]).startswith(f"https://badges.test/embed/{assertion_id}")
    assert oembed(api, share_url + "?lang=it").status == 200
    assert oembed(api, share_url, maxwidth="300").json()["width"] == 300
    assert oembed(api, share_url, format="xml").status == 501
    assert oembed(api, share_url, format="yaml").json()["error"]["field"] == "format"
    for foreign in (
        f"https://evil.example/share/{assertion_id}",
        f"http://badges.test/share/{assertion_id}",
        f"https://badges.test/assertions/{assertion_id}",
        f"https://badges.test/share/{assertion_id}/print",
        "https://badges.test/share/",
        "javascript:alert(1)",
    ):
        answer = oembed(api, foreign)
        assert answer.status == 404, foreign
        assert answer.json()["error"]["field"] == "url"
    missing = api.call("GET", "/oembed")
    assert missing.status == 400 and missing.json()["error"]["field"] == "url"
    assert oembed(api, share_url, maxwidth="wide").json()["error"]["field"] == "maxwidth"


def test_only_the_embed_card_may_be_framed(api: Api, tenant: Tenant) -> None:
    assertion_id, _ = shared_badge(api, tenant)
    embed = api.call("GET", f"/embed/{assertion_id}")
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    assert "x-frame-options" not in embed.headers
    for path in (f"/share/{assertion_id}", f"/share/{assertion_id}/print", "/share/nothing"):
        reply = api.call("GET", path)
        assert "frame-ancestors 'none'" in reply.headers["content-security-policy"]
        assert reply.headers["x-frame-options"] == "DENY"


def test_a_hostile_badge_name_survives_every_tag_and_link(api: Api) -> None:
    tenant = make_tenant(api, name='Uni "A&B" <i>#1</i> ✓')
    badge = api.call(
        "POST",
        f"/v1/issuers/{tenant.issuer_id}/badges",
        a_badge(name=HOSTILE, description=HOSTILE),
        token=tenant.key,
    ).json()
    assertion_id, _ = shared_badge(api, tenant, badge_id=badge["id"])
    for path in (
        f"/share/{assertion_id}",
        f"/share/{assertion_id}/print",
        f"/embed/{assertion_id}",
    ):
        body = api.call("GET", path).body
        assert b"<script>alert" not in body and b"<b>caf" not in body and b"<i>#1" not in body
    tags = parsed(api.call("GET", f"/share/{assertion_id}").body)
    assert tags.meta("og:title") == HOSTILE
    assert tags.meta("twitter:title") == HOSTILE
    [data] = [json.loads(text) for text in tags.json_ld]
    assert data["name"] == HOSTILE
    assert data["recognizedBy"]["name"] == 'Uni "A&B" <i>#1</i> ✓'
    links = {
        urlsplit(h).netloc or urlsplit(h).scheme: h
        for h in tags.hrefs()
        if "sharing/share-offsite" not in h
    }
    add = parse_qs(urlsplit(links["www.linkedin.com"]).query)
    assert add["name"] == [HOSTILE]
    assert add["organizationName"] == ['Uni "A&B" <i>#1</i> ✓']
    tweet = parse_qs(urlsplit(links["twitter.com"]).query)
    assert HOSTILE in tweet["text"][0]
    mail = parse_qs(urlsplit(links["mailto"]).query)
    assert HOSTILE in mail["subject"][0] and HOSTILE in mail["body"][0]
    pin = parse_qs(urlsplit(links["pinterest.com"]).query)
    assert HOSTILE in pin["description"][0]


def test_the_linkedin_organization_id_is_set_on_create_and_used(api: Api) -> None:
    bad = api.call("POST", "/v1/issuers", an_issuer(linkedinOrganizationId="12a4"), token=ADMIN_KEY)
    assert bad.status == 400
    assert bad.json()["error"]["field"] == "linkedinOrganizationId"
    issuer = api.call(
        "POST", "/v1/issuers", an_issuer(linkedinOrganizationId="1337"), token=ADMIN_KEY
    )
    assert issuer.status == 201 and issuer.json()["linkedinOrganizationId"] == "1337"
    key = api.call("POST", f"/v1/issuers/{issuer.json()['id']}/api-keys", {}, token=ADMIN_KEY)
    badge = api.call(
        "POST", f"/v1/issuers/{issuer.json()['id']}/badges", a_badge(), token=key.json()["key"]
    )
    tenant = Tenant(issuer.json()["id"], key.json()["key"], badge.json()["id"])
    assertion_id, _ = shared_badge(api, tenant)
    tags = parsed(api.call("GET", f"/share/{assertion_id}").body)
    [add] = [h for h in tags.hrefs() if h.startswith("https://www.linkedin.com/profile/add?")]
    query = parse_qs(urlsplit(add).query)
    assert query["organizationId"] == ["1337"]
    assert "organizationName" not in query


def test_hostile_ids_get_the_same_404_page_and_are_never_echoed(api: Api, tenant: Tenant) -> None:
    assertion_id, _ = shared_badge(api, tenant)
    plain = _without_nonce(api.call("GET", "/share/unknown").body)
    # As browsers send them: percent-encoded (a raw "/" would make another route's path).
    for hostile in ("x%22%3E%3Cimg%20src%3Dx%3E", "..%2F..%2Fetc", "a" * 300, "%00", "%C3%A9"):
        for path in (f"/share/{hostile}", f"/embed/{hostile}", f"/share/{hostile}/qr.png"):
            reply = api.call("GET", path)
            assert reply.status == 404, path
            assert _without_nonce(reply.body) == plain, path
    # Someone else's badge id in the oEmbed url of our host still needs to be shared.
    assert oembed(api, f"https://badges.test/share/{assertion_id}x").status == 404
