"""Answers the verifier's requests for this platform's own documents straight from the store.

Our own badges are verified against exactly what the public URLs serve (the same use cases
build both), without an HTTP round trip to ourselves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from ..domain.errors import DomainError
from ..domain.urls import PublicUrls
from ..ports import Fetched, Fetcher, Store
from . import public

_ROUTES: list[tuple[re.Pattern[str], Callable[..., public.PublicDocument]]] = []


def _route(pattern: str) -> Callable[[Callable[..., public.PublicDocument]], None]:
    def register(build: Callable[..., public.PublicDocument]) -> None:
        _ROUTES.append((re.compile(f"^{pattern}$"), build))

    return register


@_route(r"/issuers/(?P<issuer_id>[^/]+)")
def _issuer(store: Store, urls: PublicUrls, issuer_id: str) -> public.PublicDocument:
    return public.issuer_document(issuer_id, store, urls)


@_route(r"/issuers/(?P<issuer_id>[^/]+)/keys/(?P<key_id>[^/]+)")
def _key(store: Store, urls: PublicUrls, issuer_id: str, key_id: str) -> public.PublicDocument:
    return public.key_document(issuer_id, key_id, store, urls)


@_route(r"/issuers/(?P<issuer_id>[^/]+)/did\.json")
def _did(store: Store, urls: PublicUrls, issuer_id: str) -> public.PublicDocument:
    return public.did_document(issuer_id, store, urls)


@_route(r"/issuers/(?P<issuer_id>[^/]+)/revocations")
def _revocations(store: Store, urls: PublicUrls, issuer_id: str) -> public.PublicDocument:
    return public.revocation_list_document(issuer_id, store, urls)


@_route(r"/issuers/(?P<issuer_id>[^/]+)/status/(?P<number>[0-9]{1,6})")
def _status(store: Store, urls: PublicUrls, issuer_id: str, number: str) -> public.PublicDocument:
    return public.status_list_document(issuer_id, int(number), store, 0)


@_route(r"/badges/(?P<badge_id>[^/]+)")
def _badge(store: Store, urls: PublicUrls, badge_id: str) -> public.PublicDocument:
    return public.badge_document(badge_id, store, urls)


@_route(r"/assertions/(?P<assertion_id>[^/]+)")
def _assertion(store: Store, urls: PublicUrls, assertion_id: str) -> public.PublicDocument:
    return public.assertion_document(assertion_id, store, urls)


@_route(r"/assertions/(?P<assertion_id>[^/]+)/(?P<form>jws|credential|credential/jwt)")
def _signed(store: Store, urls: PublicUrls, assertion_id: str, form: str) -> public.PublicDocument:
    name = {"jws": "ob2_jws", "credential": "credential", "credential/jwt": "credential_jwt"}
    return public.signed_form(assertion_id, name[form], store)


@_route(r"/\.well-known/jwks\.json")
def _jwks(store: Store, urls: PublicUrls) -> public.PublicDocument:
    return public.jwks_document(store, urls)


class OwnDocumentsFetcher:
    """URLs under our public base come from the store; every other URL goes to `foreign`."""

    def __init__(self, store: Store, urls: PublicUrls, foreign: Fetcher) -> None:
        self._store = store
        self._urls = urls
        self._foreign = foreign

    def fetch(self, url: str) -> Fetched:
        base = self._urls.base
        if not url.startswith(base + "/"):
            return self._foreign.fetch(url)
        path = url[len(base) :].split("?", 1)[0].split("#", 1)[0]
        for pattern, build in _ROUTES:
            found = pattern.match(path)
            if found:
                try:
                    document = build(self._store, self._urls, **found.groupdict())
                except DomainError:
                    return Fetched(404, "application/json", b"{}", url)
                body = document.body
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                return Fetched(document.status, document.media_type, data, url)
        return self._foreign.fetch(url)
