"""One list of routes: the template, the routers, PublicUrls and the own-documents lookup agree."""

from __future__ import annotations

import importlib
import inspect
import re

import pytest

from badgehub.domain.urls import PublicUrls
from badgehub.routers import catalog
from badgehub.usecases import own_documents
from devplatform import template

URLS = PublicUrls(base="https://badges.example", assets="https://assets.example")


def test_the_template_declares_exactly_the_catalogued_routes() -> None:
    declared = {(r.function, r.method, r.path) for r in template.routes()}
    catalogued = {(r.function, r.method, r.template_path) for r in catalog.ROUTES}
    assert declared == catalogued


def _registered(router_name: str) -> set[tuple[str, str]]:
    router = importlib.import_module(f"badgehub.routers.{router_name}").router
    found = set()
    for key in router._routes:  # (rule, methods, cors, compress, cache_control, ...)
        rule, methods = key[0], key[1]
        for method in methods:
            found.add((method, rule))
    return found


@pytest.mark.parametrize("router_name", sorted({r.router for r in catalog.ROUTES}))
def test_each_router_registers_exactly_its_catalogued_routes(router_name: str) -> None:
    catalogued = {(r.method, r.path) for r in catalog.ROUTES if r.router == router_name}
    assert _registered(router_name) == catalogued


def test_each_function_app_includes_the_routers_of_its_catalogued_routes() -> None:
    for function in template.functions():
        source = (function.code_uri / "app.py").read_text()
        included = set(re.findall(r"include_router\((\w+)\.router\)", source))
        wanted = {r.router for r in catalog.routes_of(function.logical_id)}
        assert included == wanted, function.logical_id


def test_the_verifier_answers_exactly_the_public_documents_from_the_store() -> None:
    assert set(own_documents.ROUTES) == catalog.DOCUMENTS


def _route_patterns() -> list[re.Pattern[str]]:
    patterns = []
    for route in catalog.ROUTES:
        if route.method == "GET":
            parts = re.split(r"<\w+>", route.path)
            regex = "[^/]+".join(re.escape(part) for part in parts)
            patterns.append(re.compile(f"^{regex}$"))
    return patterns


def _public_url_methods() -> list[str]:
    skip = {"asset", "did"}  # images live on the assets host; a DID is not a URL
    return [
        name
        for name, member in inspect.getmembers(PublicUrls, inspect.isfunction)
        if not name.startswith("_") and name not in skip
    ]


@pytest.mark.parametrize("method", _public_url_methods())
def test_every_public_url_is_a_catalogued_route(method: str) -> None:
    build = getattr(URLS, method)
    arguments = ["id-1", "id-2"][: len(inspect.signature(build).parameters)]
    if method == "status_list":
        arguments = ["id-1", 3]  # type: ignore[list-item]
    url = build(*arguments)
    assert url.startswith(URLS.base + "/")
    path = url[len(URLS.base) :]
    assert any(p.match(path) for p in _route_patterns()), path


def test_the_default_route_goes_to_the_function_the_catalog_names() -> None:
    default = template.read().default_route()
    assert default is not None
    assert default.function == catalog.DEFAULT_ROUTE_FUNCTION
    assert default.route_key == "$default"
