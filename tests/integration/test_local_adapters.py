"""The real handlers on the local adapters (SQLite, files, local keys), across a restart.

No moto here: AWS_ENDPOINT_URL points at a closed port, so any call that slipped past the
local ports would fail loudly instead of reaching some AWS.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from badgehub.domain import baking
from badgehub.domain.apikeys import hash_secret
from badgehub.runtime import wiring
from devplatform import local
from devplatform.gateway import Gateway, HttpRequest
from tests.integration.conftest import ADMIN_KEY, BASE, Api, Reply
from tests.support.builders import a_badge, an_assertion, an_issuer


def text_of(length: int, sentence: str) -> str:
    """Exactly `length` characters of prose (no trailing space for the models to strip)."""
    return (sentence * (length // len(sentence) + 1))[: length - 1] + "."


NARRATIVE = text_of(3000, "Completed every exercise of the module with distinction. ")
DESCRIPTION = text_of(4900, "Reads, works with and argues from data, in any field. ")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for key, value in {
        "TABLE_NAME": "local",
        "PUBLIC_BUCKET": "local",
        "PUBLIC_BASE_URL": BASE,
        "ASSETS_BASE_URL": f"{BASE}/assets",
        "ADMIN_API_KEY_HASH": hash_secret(ADMIN_KEY),
        "POWERTOOLS_SERVICE_NAME": "tests",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_ACCESS_KEY_ID": "none",
        "AWS_SECRET_ACCESS_KEY": "none",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("APP_SECRET", raising=False)
    directory = tmp_path / "data"
    yield directory
    wiring.reset()
    wiring.install(wiring.aws_ports)


def start(data_dir: Path) -> Api:
    """What the local platform does when it starts: fresh caches, local ports, handlers."""
    wiring.reset()
    local.install(data_dir)
    return Api(Gateway())


def get(api: Api, url: str) -> Reply:
    return api.call("GET", url.removeprefix(BASE))


def raw_get(api: Api, url: str) -> tuple[int, bytes]:
    response = api.gateway.invoke(
        HttpRequest("GET", url.removeprefix(BASE), {"host": "badges.test"}, b"", "badges.test")
    )
    body = response.get("body") or ""
    data = base64.b64decode(body) if response.get("isBase64Encoded") else body.encode()
    return response["statusCode"], data


def created(reply: Reply) -> Any:
    assert reply.status == 201, reply.body
    return reply.json()


def test_badges_issued_on_local_storage_survive_a_restart(data_dir: Path) -> None:
    assert (len(NARRATIVE), len(DESCRIPTION)) == (3000, 4900)
    api = start(data_dir)
    issuer = created(api.call("POST", "/v1/issuers", an_issuer(), token=ADMIN_KEY))
    key = created(api.call("POST", f"/v1/issuers/{issuer['id']}/api-keys", {}, token=ADMIN_KEY))
    token = key["key"]
    badge = created(
        api.call(
            "POST",
            f"/v1/issuers/{issuer['id']}/badges",
            a_badge(description=DESCRIPTION),
            token=token,
        )
    )
    kept = created(
        api.call(
            "POST",
            f"/v1/badges/{badge['id']}/assertions",
            an_assertion(narrative=NARRATIVE),
            token=token,
            headers={"Idempotency-Key": "first-of-the-cohort"},
        )
    )
    revoked = created(
        api.call("POST", f"/v1/badges/{badge['id']}/assertions", an_assertion(), token=token)
    )
    reply = api.call(
        "POST", f"/v1/assertions/{revoked['id']}/revoke", {"reason": "fraud"}, token=token
    )
    assert reply.status == 200, reply.body

    api = start(data_dir)  # a restart: nothing of the first run is left in memory

    hosted = get(api, kept["links"]["assertion"])
    assert hosted.status == 200, hosted.body
    assert "json" in hosted.headers["content-type"]
    assert hosted.json()["id"] == kept["links"]["assertion"]
    assert get(api, revoked["links"]["assertion"]).status == 410
    replay = api.call(
        "POST",
        f"/v1/badges/{badge['id']}/assertions",
        an_assertion(narrative=NARRATIVE),
        token=token,
        headers={"Idempotency-Key": "first-of-the-cohort"},
    )
    assert created(replay)["id"] == kept["id"]
    assert replay.headers.get("idempotent-replayed") == "true"
    again = created(
        api.call("POST", f"/v1/badges/{badge['id']}/assertions", an_assertion(), token=token)
    )
    assert again["id"] != kept["id"]  # the issuer's keys still sign after the restart

    verified = api.call("POST", "/v1/verify", {"url": kept["links"]["assertion"]})
    assert verified.status == 200, verified.body
    assert verified.json()["verdict"] == "valid", verified.json()["errors"]

    status, baked = raw_get(api, kept["links"]["baked"])
    assert status == 200
    unbaked = baking.unbake(baked)
    assert unbaked is not None
    assert unbaked.payload == get(api, kept["links"]["ob2Signed"]).body.decode()
    status, image = raw_get(api, kept["links"]["bakedCredential"])
    assert status == 200
    credential = baking.unbake(image)
    assert credential is not None
    assert (
        json.loads(credential.payload)["credentialSubject"]["achievement"]["description"]
        == DESCRIPTION
    )


def test_the_image_a_badge_links_to_is_served_from_the_blob_store(data_dir: Path) -> None:
    api = start(data_dir)
    issuer = created(api.call("POST", "/v1/issuers", an_issuer(), token=ADMIN_KEY))
    token = created(api.call("POST", f"/v1/issuers/{issuer['id']}/api-keys", {}, token=ADMIN_KEY))[
        "key"
    ]
    badge = created(api.call("POST", f"/v1/issuers/{issuer['id']}/badges", a_badge(), token=token))
    image_url = created(
        api.call("POST", f"/v1/badges/{badge['id']}/assertions", an_assertion(), token=token)
    )["links"]["image"]
    key = image_url.removeprefix(f"{BASE}/assets/")
    store = local.blob_store(data_dir)
    assert store.content_type_of(key) == "image/png"
    assert store.path_of(key).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_reset_starts_from_empty(data_dir: Path) -> None:
    api = start(data_dir)
    issuer = created(api.call("POST", "/v1/issuers", an_issuer(), token=ADMIN_KEY))
    local.reset(data_dir)
    api = start(data_dir)
    assert api.call("GET", f"/issuers/{issuer['id']}").status == 404
    assert created(api.call("POST", "/v1/issuers", an_issuer(), token=ADMIN_KEY))["id"]
