"""The API reference: `/openapi.json` is docs/openapi.yaml; `/docs` serves only its own files."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from badgehub.web import api_docs
from functions.verify import app as verify_app

ROOT = Path(__file__).resolve().parents[2]


def _get(path: str, **headers: str) -> dict[str, Any]:
    event = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"host": "badges.example", **headers},
        "requestContext": {
            "http": {"method": "GET", "path": path, "sourceIp": "203.0.113.9"},
            "requestId": "r1",
            "domainName": "badges.example",
            "stage": "$default",
        },
        "isBase64Encoded": False,
    }
    response: dict[str, Any] = verify_app.app.resolve(event, {})
    return response


def test_openapi_json_is_the_yaml_document_parsed() -> None:
    reply = _get("/openapi.json")
    assert reply["statusCode"] == 200
    assert reply["headers"]["Content-Type"] == "application/json"
    assert json.loads(reply["body"]) == yaml.safe_load((ROOT / "docs/openapi.yaml").read_text())


def test_the_layer_ships_the_document_itself_not_a_stale_copy() -> None:
    shipped = ROOT / "layers/common/badgehub/data/openapi.yaml"
    assert shipped.read_bytes() == (ROOT / "docs/openapi.yaml").read_bytes()


def test_the_page_names_each_file_by_digest_with_its_integrity() -> None:
    reply = _get("/docs")
    assert reply["statusCode"] == 200
    html = reply["body"]
    for asset in api_docs.assets().values():
        assert f'"{asset.path}" integrity="{asset.integrity}"' in html
        digest = hashlib.sha384(asset.body.encode()).digest()
        assert asset.integrity == "sha384-" + base64.b64encode(digest).decode()
    assert "<script>" not in html and "style=" not in html  # nothing inline for the CSP to allow


def test_the_page_csp_allows_scripts_from_our_origin_only_and_no_inline_code() -> None:
    csp = _get("/docs")["headers"]["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe" not in csp


def test_the_page_is_in_italian_too() -> None:
    html = _get("/docs", **{"accept-language": "it"})["body"]
    assert '<html lang="it">' in html and "Riferimento dell&#39;API" in html
    assert '<div id="swagger-ui" data-spec="/openapi.json" lang="en">' in html


def test_each_asset_is_served_with_its_type_and_cached_for_good() -> None:
    for asset in api_docs.assets().values():
        reply = _get(asset.path)
        assert reply["statusCode"] == 200, asset.name
        assert reply["body"] == asset.body
        assert reply["headers"]["Content-Type"] == asset.media_type
        assert "immutable" in reply["headers"]["Cache-Control"]


@pytest.mark.parametrize(
    "name",
    [
        "swagger-ui-bundle.js",  # the file, but not under its digest name
        "swagger-ui-bundle.000000000000.js",
        "..%2F..%2Fdata%2Fopenapi.yaml",
        "oauth2-redirect.html",  # shipped by the package, never served
        "index.css",
    ],
)
def test_nothing_else_is_reachable_under_the_assets_path(name: str) -> None:
    reply = _get(api_docs.ASSETS_PREFIX + name)
    assert reply["statusCode"] == 404
    assert json.loads(reply["body"])["error"]["field"] == "name"


def test_the_init_script_turns_off_what_would_reach_out() -> None:
    script = api_docs.assets()["init"].body
    assert re.search(r"validatorUrl:\s*null", script)
    assert re.search(r"supportedSubmitMethods:\s*\[\]", script)
    assert re.search(r"queryConfigEnabled:\s*false", script)
