"""Bundled contexts are processed once per process (pyld's `static` tag), with the same output."""

from __future__ import annotations

from typing import Any

from badgehub.domain import jsonld, statuslist
from badgehub.domain.models import AssertionInput, BadgeClassInput, IssuerInput
from badgehub.domain.urls import PublicUrls
from badgehub.usecases import assertions, badges, issuers
from badgehub.usecases.auth import Principal
from tests.support.builders import FIXED_NOW, a_badge, an_assertion, an_issuer
from tests.support.fakes import FakePorts

URLS = PublicUrls(base="https://badges.example", assets="https://assets.example")
UNCACHED = {"urn:example:nothing": {"@context": {}}}  # any extra document: a per-call cache


def shapes() -> list[dict[str, Any]]:
    """Every credential shape the platform signs: a badge with evidence and expiry, a bare
    badge, and a status list."""
    ports = FakePorts()
    issuer = issuers.create_issuer(
        Principal(is_admin=True), IssuerInput(**an_issuer()), URLS, ports=ports
    )
    principal = Principal(issuer_id=issuer.id)
    badge = badges.create_badge(principal, issuer.id, BadgeClassInput(**a_badge()), ports=ports)
    rich = AssertionInput(
        **an_assertion(
            narrative="Defended a thesis",
            evidence=[{"url": "https://uni.example/t/1", "narrative": "The thesis"}],
            expires="2030-01-01T00:00:00Z",
        )
    )
    found = []
    for data in (rich, AssertionInput(**an_assertion())):
        issued = assertions.issue(principal, badge.id, data, None, URLS, ports=ports)
        found.append(issued.assertion.credential)
    found.append(
        statuslist.status_list_credential(
            list_url=URLS.status_list(issuer.id, 1),
            issuer=URLS.did(issuer.id),
            purpose="revocation",
            encoded_list=statuslist.encode_list(frozenset({3})),
            valid_from=FIXED_NOW,
            ttl_ms=statuslist.TTL_MS,
        )
    )
    return [c for c in found if c]


def test_static_contexts_give_the_same_canonical_form_and_terms_as_processing_each_time() -> None:
    for credential in shapes():
        for _ in range(2):  # the second call is answered from the processed cache
            cached = jsonld.canonicalize(credential), jsonld.undefined_terms(credential)
            with jsonld.extra_documents(UNCACHED):
                uncached = jsonld.canonicalize(credential), jsonld.undefined_terms(credential)
            assert cached == uncached
            assert cached[0].count("\n") > 5


def test_the_bundled_contexts_stay_processed_between_calls() -> None:
    credential = shapes()[0]
    jsonld.canonicalize(credential)
    kept = {url for url in jsonld._resolved_contexts if url.startswith("https://")}
    assert set(credential["@context"]) <= kept


def test_extra_documents_never_land_in_the_shared_cache() -> None:
    url = "https://example.org/only-in-this-test/v1"
    with jsonld.extra_documents({url: {"@context": {"name": "https://schema.org/name"}}}):
        jsonld.canonicalize({"@context": url, "@id": "urn:x", "name": "Ada"})
    assert url not in jsonld._resolved_contexts
