"""Baked badge downloads through the verify function, against moto."""

from __future__ import annotations

import base64
import io
import json

import pytest
from PIL import Image

from badgehub.domain import baking
from tests.integration.conftest import Api, Tenant, issue
from tests.support.builders import SVG, a_badge, png_bytes

BASE = "https://badges.test"


def _gateway_bytes(api: Api, url: str) -> tuple[int, dict[str, str], bytes]:
    from devplatform.gateway import HttpRequest

    response = api.gateway.invoke(
        HttpRequest("GET", url.removeprefix(BASE), {"host": "badges.test"}, b"", "badges.test")
    )
    body = response.get("body") or ""
    data = base64.b64decode(body) if response.get("isBase64Encoded") else body.encode()
    return response["statusCode"], {k.lower(): v for k, v in response["headers"].items()}, data


def test_ob2_baked_png_carries_the_signed_jws_and_the_same_pixels(api: Api, tenant: Tenant) -> None:
    issued = issue(api, tenant)
    status, headers, data = _gateway_bytes(api, issued["links"]["baked"])
    assert status == 200
    assert headers["content-type"] == "image/png"
    assert headers["content-disposition"].startswith('attachment; filename="data-literacy-')
    baked = baking.unbake(data)
    assert baked is not None and baked.version is baking.Version.OB2
    jws = api.call("GET", issued["links"]["ob2Signed"].removeprefix(BASE)).body.decode()
    assert baked.payload == jws
    with Image.open(io.BytesIO(data)) as image, Image.open(io.BytesIO(png_bytes())) as source:
        assert image.tobytes() == source.tobytes()  # baked at the byte level: pixels untouched


def test_ob3_baked_png_carries_the_signed_credential(api: Api, tenant: Tenant) -> None:
    issued = issue(api, tenant)
    status, _, data = _gateway_bytes(api, issued["links"]["bakedCredential"])
    assert status == 200
    baked = baking.unbake(data)
    assert baked is not None and baked.version is baking.Version.OB3
    credential = json.loads(api.call("GET", issued["links"]["credential"].removeprefix(BASE)).body)
    assert json.loads(baked.payload) == credential


def test_png_badges_also_download_as_svg_and_svg_badges_only_as_svg(
    api: Api, tenant: Tenant
) -> None:
    issued = issue(api, tenant)
    status, headers, data = _gateway_bytes(api, issued["links"]["baked"] + "?format=svg")
    assert status == 200 and headers["content-type"] == "image/svg+xml"
    assert baking.unbake(data) is not None
    svg_badge = api.call(
        "POST",
        f"/v1/issuers/{tenant.issuer_id}/badges",
        a_badge(image=base64.b64encode(SVG).decode()),
        token=tenant.key,
    ).json()
    svg_issued = issue(api, tenant, svg_badge["id"])
    status, headers, data = _gateway_bytes(api, svg_issued["links"]["bakedCredential"])
    assert status == 200 and headers["content-type"] == "image/svg+xml"
    baked = baking.unbake(data)
    assert baked is not None and baked.version is baking.Version.OB3
    reply = api.call("GET", svg_issued["links"]["baked"].removeprefix(BASE) + "?format=png")
    assert (reply.status, reply.json()["error"]["field"]) == (400, "format")


@pytest.mark.parametrize("link", ["baked", "bakedCredential"])
def test_revoked_badges_cannot_be_downloaded(api: Api, tenant: Tenant, link: str) -> None:
    issued = issue(api, tenant)
    api.call("POST", f"/v1/assertions/{issued['id']}/revoke", {"reason": "fraud"}, token=tenant.key)
    reply = api.call("GET", issued["links"][link].removeprefix(BASE))
    assert reply.status == 410
    assert reply.json()["error"]["code"] == "gone"


@pytest.mark.parametrize("link", ["baked", "bakedCredential"])
def test_a_bad_format_is_a_400_for_any_badge_revoked_or_unknown(
    api: Api, tenant: Tenant, link: str
) -> None:
    """A parameter outside its documented values is refused before the badge is looked at."""
    issued = issue(api, tenant)
    api.call("POST", f"/v1/assertions/{issued['id']}/revoke", {"reason": "fraud"}, token=tenant.key)
    for url in (issued["links"][link], f"{BASE}/assertions/nope/baked"):
        reply = api.call("GET", url.removeprefix(BASE) + "?format=AAA")
        assert (reply.status, reply.json()["error"]["field"]) == (400, "format")


def test_unknown_assertion_downloads_are_404(api: Api) -> None:
    assert api.call("GET", "/assertions/nope/baked").status == 404
