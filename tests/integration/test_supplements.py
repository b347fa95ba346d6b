"""The Diploma Supplement through the real handlers on moto: attach, versions, the switch,
the pages, the download links, and who may do or see what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import boto3
import pytest
import requests

from badgehub.domain.supplements import sri_sha384
from badgehub.runtime import wiring
from devplatform import resources
from tests.integration.conftest import NAMES, Api, Reply, Tenant, issue, make_tenant, table_items
from tests.integration.test_recipients import accept, claim_token, me
from tests.support.builders import FixedClock
from tests.support.pdfs import a_pdf, hostile

BUCKET = NAMES.ref("SupplementBucket")
PDF = {"content-type": "application/pdf"}
HTML = {"accept": "text/html"}


@pytest.fixture(autouse=True)
def supplement_bucket(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPLEMENT_BUCKET", BUCKET)
    wiring.reset()


def attach(
    api: Api, key: str, assertion_id: str, body: bytes, headers: dict[str, str] = PDF
) -> Reply:
    return api.call(
        "PUT", f"/v1/assertions/{assertion_id}/supplement", raw=body, headers=headers, token=key
    )


def stored_pdfs() -> list[str]:
    listing = boto3.client("s3").list_objects_v2(Bucket=BUCKET)
    return [o["Key"] for o in listing.get("Contents", [])]


def event_types() -> list[str]:
    import json

    events = [i for i in table_items() if i["PK"]["S"].startswith("EVENT#")]
    return sorted(json.loads(i["doc"]["S"])["type"] for i in events)


def fetch(url: str) -> requests.Response:
    return requests.get(url, timeout=10)


def graduate(api: Api, tenant: Tenant) -> tuple[dict[str, Any], str]:
    issued = issue(api, tenant)
    return issued, accept(api, claim_token())


def switch(api: Api, session: str, assertion_id: str, on: bool) -> Reply:
    csrf = me(api, session).json()["csrfToken"]
    return me(
        api, session, "PATCH", f"/v1/me/assertions/{assertion_id}", {"supplementVisible": on}, csrf
    )


def download_link(html: str) -> str | None:
    import re

    found = re.search(r'href="([^"]+/supplement/download\?[^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_hostile_pdfs_are_refused_by_name_and_nothing_is_stored(api: Api, tenant: Tenant) -> None:
    issued = issue(api, tenant)
    for name, (body, status, code) in hostile().items():
        reply = attach(api, tenant.key, issued["id"], body)
        assert reply.status == status, (name, reply.body)
        assert reply.json()["error"]["code"] == code, name
        assert reply.json()["error"]["field"] == "body", name
    wrong_type = attach(api, tenant.key, issued["id"], a_pdf(), {"content-type": "image/png"})
    assert wrong_type.status == 415
    assert wrong_type.json()["error"]["field"] == "Content-Type"
    assert stored_pdfs() == []
    assert not [i for i in table_items() if i["SK"]["S"].startswith("SUPPLEMENT#")]


def test_attach_correct_withdraw_keeps_the_audit_and_announces_each_step(
    api: Api, tenant: Tenant
) -> None:
    issued = issue(api, tenant)
    first, second = a_pdf(pages=1), a_pdf(pages=2)
    one = attach(api, tenant.key, issued["id"], first)
    assert one.status == 201, one.body
    assert one.json()["digest"] == sri_sha384(first)
    assert one.json()["version"] == 1
    two = attach(api, tenant.key, issued["id"], second)
    assert (two.status, two.json()["version"]) == (200, 2)
    [key_one, key_two] = sorted(stored_pdfs())
    for key in (key_one, key_two):  # random keys: nothing of the badge, graduate or issuer
        assert issued["id"] not in key and tenant.issuer_id not in key
        head = boto3.client("s3").head_object(Bucket=BUCKET, Key=key)
        assert head["ServerSideEncryption"] == "aws:kms"

    got = api.call("GET", f"/v1/assertions/{issued['id']}/supplement", token=tenant.key)
    assert got.status == 303
    to_storage = api.call("GET", got.headers["location"].removeprefix("https://badges.test"))
    assert to_storage.status == 302
    assert fetch(to_storage.headers["location"]).content == second

    listing = api.call(
        "GET", f"/v1/assertions/{issued['id']}/supplement/versions", token=tenant.key
    )
    assert [(v["version"], v["current"]) for v in listing.json()["items"]] == [
        (1, False),
        (2, True),
    ]
    gone = api.call("DELETE", f"/v1/assertions/{issued['id']}/supplement", token=tenant.key)
    assert gone.status == 200 and gone.json()["withdrawnAt"]
    again = api.call("DELETE", f"/v1/assertions/{issued['id']}/supplement", token=tenant.key)
    assert again.status == 404
    assert (
        api.call("GET", f"/v1/assertions/{issued['id']}/supplement", token=tenant.key).status == 404
    )
    audit = api.call("GET", f"/v1/assertions/{issued['id']}/supplement?version=1", token=tenant.key)
    assert audit.status == 303  # the issuer keeps every version
    notices = [i for i in table_items() if i["PK"]["S"].startswith("EVENT#notice.supplement:")]
    assert len(notices) == 2  # one e-mail per version, for the notify job
    types = event_types()
    assert types.count("supplement.attached") == 2 and types.count("supplement.withdrawn") == 1


def test_the_switch_shows_it_to_anyone_then_hides_it_everywhere(api: Api, tenant: Tenant) -> None:
    issued, session = graduate(api, tenant)
    pdf = a_pdf(pages=2)
    attach(api, tenant.key, issued["id"], pdf)
    page = f"/assertions/{issued['id']}"
    before = api.call("GET", page, headers=HTML).body.decode()
    assert "Supplement" not in before and "supplement" not in before
    assert "supplement" not in api.call("GET", page).body.decode()  # nor the JSON-LD
    share = f"/share/{issued['id']}"
    assert "upplement" not in api.call("GET", share).body.decode()
    assert api.call("GET", f"{page}/supplement/statement").status == 404

    backpack = api.call("GET", "/backpack", headers={"cookie": f"__Host-session={session}"})
    assert "Make the Diploma Supplement visible to other users" in backpack.body.decode()
    mine = download_link(backpack.body.decode())
    assert mine and "for=owner" in mine

    on = switch(api, session, issued["id"], True)
    assert on.status == 200 and on.json()["supplementVisible"] is True
    shown = api.call("GET", page, headers=HTML).body.decode()
    assert "Diploma Supplement" in shown and sri_sha384(pdf) in shown
    assert "matches what the issuer signed" in shown
    on_share = api.call("GET", share).body.decode()
    assert "Diploma Supplement" in on_share and sri_sha384(pdf) in on_share
    assert "for=anyone" in (download_link(on_share) or "")
    link = download_link(shown)
    assert link and "for=anyone" in link
    hop = api.call("GET", link.removeprefix("https://badges.test"))
    assert hop.status == 302
    assert hop.headers["cache-control"] == "no-store"
    assert (
        "attachment"
        in parse_qs(urlsplit(hop.headers["location"]).query)["response-content-disposition"][0]
    )
    assert sri_sha384(fetch(hop.headers["location"]).content) == sri_sha384(pdf)
    statement = api.call("GET", f"{page}/supplement/statement")
    assert statement.status == 200 and statement.body.count(b".") == 2

    off = switch(api, session, issued["id"], False)
    assert off.status == 200
    hidden = api.call("GET", page, headers=HTML).body.decode()
    assert "upplement" not in hidden
    assert "upplement" not in api.call("GET", share).body.decode()
    assert api.call("GET", link.removeprefix("https://badges.test")).status == 404  # at once
    assert api.call("GET", f"{page}/supplement/statement").status == 404
    assert event_types().count("supplement.visible") == 1
    assert event_types().count("supplement.hidden") == 1


def test_the_switch_needs_a_supplement_and_a_backpack_form_moves_it(
    api: Api, tenant: Tenant
) -> None:
    issued, session = graduate(api, tenant)
    refused = switch(api, session, issued["id"], True)
    assert refused.status == 409
    assert refused.json()["error"]["field"] == "supplementVisible"
    attach(api, tenant.key, issued["id"], a_pdf())
    csrf = me(api, session).json()["csrfToken"]
    form = api.call(
        "POST",
        f"/backpack/{issued['id']}",
        raw=urlencode({"csrf": csrf, "supplement_visible": "on"}).encode(),
        headers={
            "content-type": "application/x-www-form-urlencoded",
            "cookie": f"__Host-session={session}",
        },
    )
    assert form.status == 303
    assert me(api, session).json()["items"][0]["supplementVisible"] is True


def test_who_may_do_and_see_what(api: Api, tenant: Tenant) -> None:
    """Anonymous, another recipient, another issuer, the owner, the issuer."""
    issued, owner = graduate(api, tenant)
    other_issuer = make_tenant(api, "Another University")
    path = f"/v1/assertions/{issued['id']}/supplement"
    # Only the badge's issuer may attach, read, list or withdraw.
    assert attach(api, other_issuer.key, issued["id"], a_pdf()).status == 403
    assert api.call("PUT", path, raw=a_pdf(), headers=PDF).status == 401
    assert attach(api, tenant.key, issued["id"], a_pdf()).status == 201
    for method, route in (("GET", path), ("GET", f"{path}/versions"), ("DELETE", path)):
        assert api.call(method, route, token=other_issuer.key).status == 403, route
        assert api.call(method, route).status == 401, route
    # Another recipient's session cannot move the switch nor see the badge.
    issue(api, tenant, email="bob@example.org")
    stranger = accept(api, claim_token())
    assert switch(api, stranger, issued["id"], True).status == 404
    backpack = api.call("GET", "/backpack", headers={"cookie": f"__Host-session={stranger}"})
    assert download_link(backpack.body.decode()) is None
    # The owner's own link works; with the switch off, nobody else's page has one.
    owner_page = api.call("GET", "/backpack", headers={"cookie": f"__Host-session={owner}"})
    owner_link = download_link(owner_page.body.decode())
    assert owner_link
    assert api.call("GET", owner_link.removeprefix("https://badges.test")).status == 302
    assert (
        download_link(api.call("GET", f"/assertions/{issued['id']}", headers=HTML).body.decode())
        is None
    )
    # Tampered links: another audience, another version, another badge, no signature.
    query = parse_qs(urlsplit(owner_link).query)
    base = f"/assertions/{issued['id']}/supplement/download"
    for changed in (
        {"for": "issuer"},
        {"v": "2"},
        {"exp": str(int(query["exp"][0]) + 60)},
        {"sig": "x"},
    ):
        forged = {k: v[0] for k, v in query.items()} | changed
        assert api.call("GET", f"{base}?{urlencode(forged)}").status == 403, changed
    other = issue(api, tenant, email="carol@example.org")
    moved = f"/assertions/{other['id']}/supplement/download?{urlsplit(owner_link).query}"
    assert api.call("GET", moved).status == 403
    # Expired: eleven minutes later the same link is refused.
    wiring.ports().clock = FixedClock(datetime.now(UTC) + timedelta(minutes=11))
    assert api.call("GET", owner_link.removeprefix("https://badges.test")).status == 403


def test_revoked_or_declined_shows_it_to_nobody_but_the_issuer(api: Api, tenant: Tenant) -> None:
    issued, session = graduate(api, tenant)
    attach(api, tenant.key, issued["id"], a_pdf())
    assert switch(api, session, issued["id"], True).status == 200
    page = f"/assertions/{issued['id']}"
    link = download_link(api.call("GET", page, headers=HTML).body.decode())
    assert link
    revoked = api.call(
        "POST", f"/v1/assertions/{issued['id']}/revoke", {"reason": "error"}, token=tenant.key
    )
    assert revoked.status == 200
    assert "upplement" not in api.call("GET", page, headers=HTML).body.decode()
    assert api.call("GET", link.removeprefix("https://badges.test")).status == 404
    backpack = api.call("GET", "/backpack", headers={"cookie": f"__Host-session={session}"})
    assert download_link(backpack.body.decode()) is None
    assert (
        api.call("GET", f"/v1/assertions/{issued['id']}/supplement", token=tenant.key).status == 303
    )


def test_the_private_bucket_is_built_from_the_template(aws: None) -> None:
    assert BUCKET in [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]]
    assert resources.LocalNames().ref("SupplementBucket").endswith("supplementbucket")
