"""Answers the verifier's requests for this platform's own documents straight from the store.

Our own badges are verified against exactly what the public URLs serve (the same use cases
build both), without an HTTP round trip to ourselves. The paths here are the public
documents' routes (a test holds them to the route catalog).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from urllib.parse import parse_qs

from ..domain.errors import DomainError
from ..domain.urls import PublicUrls
from ..ports import Fetched, Fetcher
from . import public
from .public import DocumentPorts

Builder = Callable[..., public.PublicDocument]
ROUTES: dict[str, Builder] = {}
_PARAMETER = re.compile(r"<(\w+)>")


def _route(path: str) -> Callable[[Builder], Builder]:
    def register(build: Builder) -> Builder:
        ROUTES[path] = build
        return build

    return register


def _pattern(path: str) -> re.Pattern[str]:
    parts = _PARAMETER.split(path)
    regex = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>[^/]+)" for i, part in enumerate(parts)
    )
    return re.compile(f"^{regex}$")


@_route("/issuers/<issuer_id>")
def _issuer(
    ports: DocumentPorts, urls: PublicUrls, issuer_id: str, key: str | None = None
) -> public.PublicDocument:
    return public.issuer_document(issuer_id, ports=ports, urls=urls, signing_key=key)


@_route("/issuers/<issuer_id>/keys/<key_id>")
def _key(
    ports: DocumentPorts, urls: PublicUrls, issuer_id: str, key_id: str
) -> public.PublicDocument:
    return public.key_document(issuer_id, key_id, ports=ports, urls=urls)


@_route("/issuers/<issuer_id>/did.json")
def _did(ports: DocumentPorts, urls: PublicUrls, issuer_id: str) -> public.PublicDocument:
    return public.did_document(issuer_id, ports=ports, urls=urls)


@_route("/issuers/<issuer_id>/revocations")
def _revocations(ports: DocumentPorts, urls: PublicUrls, issuer_id: str) -> public.PublicDocument:
    return public.revocation_list_document(issuer_id, ports=ports, urls=urls)


@_route("/issuers/<issuer_id>/status/<list_number>")
def _status(
    ports: DocumentPorts, urls: PublicUrls, issuer_id: str, list_number: str
) -> public.PublicDocument:
    if not list_number.isdigit() or len(list_number) > 6:
        raise DomainError("no status list with this number")
    return public.status_list_document(issuer_id, int(list_number), ports=ports, ttl_seconds=0)


@_route("/badges/<badge_id>")
def _badge(
    ports: DocumentPorts, urls: PublicUrls, badge_id: str, key: str | None = None
) -> public.PublicDocument:
    return public.badge_document(badge_id, ports=ports, urls=urls, signing_key=key)


# The only query the public documents read: which RSA key a Profile or BadgeClass names.
_WITH_KEY = {_issuer, _badge}


@_route("/assertions/<assertion_id>")
def _assertion(ports: DocumentPorts, urls: PublicUrls, assertion_id: str) -> public.PublicDocument:
    return public.assertion_document(assertion_id, ports=ports, urls=urls)


@_route("/assertions/<assertion_id>/jws")
def _jws(ports: DocumentPorts, urls: PublicUrls, assertion_id: str) -> public.PublicDocument:
    return public.signed_form(assertion_id, "ob2_jws", ports=ports)


@_route("/assertions/<assertion_id>/credential")
def _credential(ports: DocumentPorts, urls: PublicUrls, assertion_id: str) -> public.PublicDocument:
    return public.signed_form(assertion_id, "credential", ports=ports)


@_route("/assertions/<assertion_id>/credential/jwt")
def _jwt(ports: DocumentPorts, urls: PublicUrls, assertion_id: str) -> public.PublicDocument:
    return public.signed_form(assertion_id, "credential_jwt", ports=ports)


@_route("/issuers/<issuer_id>/jwks.json")
def _jwks(ports: DocumentPorts, urls: PublicUrls, issuer_id: str) -> public.PublicDocument:
    return public.jwks_document(issuer_id, ports=ports, urls=urls)


_COMPILED = [(_pattern(path), build) for path, build in ROUTES.items()]


class OwnDocumentsFetcher:
    """URLs under our public base come from the store; every other URL goes to `foreign`."""

    def __init__(self, ports: DocumentPorts, urls: PublicUrls, foreign: Fetcher) -> None:
        self._ports = ports
        self._urls = urls
        self._foreign = foreign

    def fetch(self, url: str) -> Fetched:
        base = self._urls.base
        if not url.startswith(base + "/"):
            return self._foreign.fetch(url)
        path, _, query = url[len(base) :].split("#", 1)[0].partition("?")
        for pattern, build in _COMPILED:
            found = pattern.match(path)
            if found:
                params = found.groupdict()
                key = parse_qs(query).get("key")
                if key and build in _WITH_KEY:
                    params["key"] = key[0]
                try:
                    document = build(self._ports, self._urls, **params)
                except DomainError:
                    return Fetched(404, "application/json", b"{}", url)
                body = document.body
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                return Fetched(document.status, document.media_type, data, url)
        return self._foreign.fetch(url)
