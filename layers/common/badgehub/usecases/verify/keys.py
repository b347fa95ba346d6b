"""Resolving a signing key over the web: did:key, did:jwk, did:web and https key documents."""

from __future__ import annotations

from urllib.parse import urlsplit

from ...domain.verification.keys import (
    KeyProblem,
    ResolvedKey,
    confirm_listed,
    did_jwk_method,
    did_key_method,
    did_web_url,
    key_document,
    method_from_document,
)
from ...domain.verification.report import Check, failed, unverifiable
from ...domain.verification.values import is_web_url
from .web import Web


def resolve_key(web: Web, method_id: str) -> tuple[ResolvedKey, str] | Check:
    """The key a verification method names, with a sentence saying where it was found."""
    try:
        if method_id.startswith(("did:key:", "did:jwk:")):
            key = (
                did_key_method(method_id) if "did:key:" in method_id else did_jwk_method(method_id)
            )
            method = method_id.split(":", 2)[1]
            return key, f"The signing key is written into the issuer's identifier (did:{method})."
        if method_id.startswith("did:web:"):
            return _resolve_did_web(web, method_id)
        if method_id.startswith("did:"):
            return unverifiable(
                "key_resolution",
                "The badge was signed with a key from a kind of identifier this verifier "
                f"cannot look up ({':'.join(method_id.split(':', 2)[:2])}).",
            )
        if is_web_url(method_id):
            return _resolve_web_key(web, method_id)
    except KeyProblem as exc:
        return failed("key_resolution", str(exc))
    return failed("key_resolution", "The badge does not say where to find the key that signed it.")


def _resolve_did_web(web: Web, method_id: str) -> tuple[ResolvedKey, str] | Check:
    did = method_id.split("#", 1)[0]
    url = did_web_url(did)
    document = web.json(url, "key_resolution", "the issuer's DID document")
    if isinstance(document, Check):
        return document
    key = method_from_document(document, did, method_id)
    host = urlsplit(url).netloc
    return key, f"The issuer's DID document on {host} publishes the signing key {key.label}."


def _resolve_web_key(web: Web, method_id: str) -> tuple[ResolvedKey, str] | Check:
    """A key at an https URL; a key document on its own must be listed by its controller."""
    document = web.json(method_id, "key_resolution", "the issuer's signing key")
    if isinstance(document, Check):
        return document
    key = key_document(document, method_id)
    where = f"The signing key {key.label} is published on {urlsplit(method_id).netloc}."
    if key.controller == method_id.split("#", 1)[0]:
        return key, where  # found in its controller's own document
    if not is_web_url(key.controller):
        return unverifiable(
            "key_resolution",
            f"The signing key names a controller this verifier cannot look up ({key.controller}).",
        )
    controller = web.json(key.controller, "key_resolution", "the key controller's document")
    if isinstance(controller, Check):
        return controller
    confirm_listed(controller, key)
    return key, where
