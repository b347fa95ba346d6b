"""Resolving a signing key over the web: did:key, did:jwk, did:web and https key documents."""

from __future__ import annotations

from urllib.parse import urlsplit

from ...domain.verification.keys import (
    KeyProblem,
    PublicKey,
    ResolvedKey,
    confirm_listed,
    did_jwk_method,
    did_key_method,
    did_method_with_key,
    did_web_url,
    jwks_entry,
    key_document,
    method_from_document,
    same_key,
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


_HEADER_KEY_UNCONFIRMED = ", so we cannot confirm that the key the token carries is the issuer's"


def bind_header_key(
    web: Web, key: PublicKey, issuer_id: str | None
) -> tuple[ResolvedKey, str] | Check:
    """The issuer's own key that equals the one a VC-JWT carries in its header (`jwk`).

    OB 3.0 (§8.2) lets a token carry its public key instead of naming it (`kid`). Anyone can
    write a key into a token, so it proves nothing until the issuer is shown to hold it: the
    issuer's identifier is that key (did:jwk, did:key), its DID document lists it for signing
    (did:web), or the key set on its website does (`/.well-known/jwks.json`, as the OB 3.0
    implementation guide recommends for https issuers).
    """
    try:
        if issuer_id is None:
            return failed("key_resolution", "The badge does not identify its issuer.")
        if issuer_id.startswith(("did:jwk:", "did:key:")):
            return _identifier_key(key, issuer_id)
        if issuer_id.startswith("did:web:"):
            return _did_web_key(web, key, issuer_id)
        if is_web_url(issuer_id):
            return _website_key(web, key, issuer_id)
    except KeyProblem as exc:
        return failed("key_resolution", str(exc))
    return unverifiable(
        "key_resolution",
        "The token carries its signing key, but its issuer's identifier is of a kind this "
        f"verifier cannot look up{_HEADER_KEY_UNCONFIRMED}.",
    )


def _identifier_key(key: PublicKey, issuer_id: str) -> tuple[ResolvedKey, str]:
    kind = issuer_id.split(":", 2)[1]
    own = did_jwk_method(issuer_id) if kind == "jwk" else did_key_method(issuer_id)
    if not same_key(own.key, key):
        raise KeyProblem(
            f"The key in the token's header is not the key its issuer's identifier "
            f"(did:{kind}) holds."
        )
    return own, f"The key in the token's header is the issuer's identifier (did:{kind})."


def _did_web_key(web: Web, key: PublicKey, issuer_id: str) -> tuple[ResolvedKey, str] | Check:
    url = did_web_url(issuer_id)
    document = web.json(url, "key_resolution", "the issuer's DID document", _HEADER_KEY_UNCONFIRMED)
    if isinstance(document, Check):
        return document
    found = did_method_with_key(document, issuer_id, key)
    return (
        found,
        f"The issuer's DID document on {urlsplit(url).netloc} lists the key {found.label}.",
    )


def _website_key(web: Web, key: PublicKey, issuer_id: str) -> tuple[ResolvedKey, str] | Check:
    parts = urlsplit(issuer_id)
    url = f"{parts.scheme}://{parts.netloc}/.well-known/jwks.json"
    jwks = web.json(url, "key_resolution", "the issuer's published keys", _HEADER_KEY_UNCONFIRMED)
    if isinstance(jwks, Check):
        return jwks
    found = jwks_entry(jwks, key, issuer_id)
    return found, f"The issuer's website ({parts.netloc}) lists the key {found.label}."
