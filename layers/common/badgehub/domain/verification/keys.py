"""Finding a signing key: Multikey, JWK, PEM, did:key, did:jwk, did:web and key documents."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias
from urllib.parse import quote, unquote, urlsplit

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from .. import multibase
from ..jws import b64url_decode
from .report import Check, failed, passed
from .values import as_list, iri

PublicKey: TypeAlias = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey

MIN_RSA_BITS = 2048
_HOST = re.compile(r"[A-Za-z0-9.-]+(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?")


class KeyProblem(ValueError):
    """The key cannot be found or used; the message is a plain sentence."""


@dataclass(frozen=True)
class ResolvedKey:
    """A public key as its controller published it."""

    id: str
    controller: str
    key: PublicKey

    @property
    def label(self) -> str:
        """Short name for messages: `key-1`, or the start of a long did:key fragment."""
        name = (
            self.id.rsplit("#", 1)[1] if "#" in self.id else self.id.rstrip("/").rsplit("/", 1)[-1]
        )
        return name if len(name) <= 24 else name[:16] + "…"


def _check_key(key: object) -> PublicKey:
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < MIN_RSA_BITS:
        raise KeyProblem("The issuer's key is too short to be trusted.")
    if isinstance(key, ec.EllipticCurvePublicKey) and not isinstance(key.curve, ec.SECP256R1):
        raise KeyProblem("The issuer's key uses an elliptic curve this verifier does not accept.")
    if isinstance(key, ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey):
        return key
    raise KeyProblem("The issuer's key is of a kind this verifier does not accept.")


def key_from_multikey(value: str) -> PublicKey:
    try:
        kind, raw = multibase.decode_multikey(value)
    except (ValueError, TypeError):
        raise KeyProblem("The issuer's key is not a valid Ed25519 or P-256 key.") from None
    if kind == "Ed25519":
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        raise KeyProblem("The issuer's P-256 key is not a point on the curve.") from None


def key_from_jwk(jwk: Mapping[str, Any]) -> PublicKey:
    """A public JWK (OKP Ed25519, EC P-256, RSA); a JWK with private parts is refused."""
    if "d" in jwk or "p" in jwk:
        raise KeyProblem("The issuer published a private key; it cannot be trusted.")
    kty, crv = jwk.get("kty"), jwk.get("crv")
    try:
        if kty == "OKP" and crv == "Ed25519":
            return ed25519.Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"]))
        if kty == "EC" and crv == "P-256":
            x, y = (int.from_bytes(b64url_decode(jwk[n]), "big") for n in ("x", "y"))
            return _check_key(ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key())
        if kty == "RSA":
            n, e = (int.from_bytes(b64url_decode(jwk[k]), "big") for k in ("n", "e"))
            return _check_key(rsa.RSAPublicNumbers(e, n).public_key())
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise KeyProblem("The issuer's key (JWK) is malformed.") from None
    raise KeyProblem("The issuer's key (JWK) is of a kind this verifier does not accept.")


def key_from_pem(pem: object) -> PublicKey:
    if not isinstance(pem, str):
        raise KeyProblem("The issuer's key document holds no key (publicKeyPem).")
    try:
        key = serialization.load_pem_public_key(pem.encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError):
        raise KeyProblem("The issuer's key (publicKeyPem) is malformed.") from None
    return _check_key(key)


def key_from_method(method: Mapping[str, Any]) -> PublicKey:
    """The key of a verification method: Multikey, JWK, base58 (2018 suites) or PEM."""
    if isinstance(method.get("publicKeyMultibase"), str):
        return key_from_multikey(method["publicKeyMultibase"])
    if isinstance(method.get("publicKeyJwk"), dict):
        return key_from_jwk(method["publicKeyJwk"])
    if isinstance(method.get("publicKeyBase58"), str):
        try:
            raw = base58.b58decode(method["publicKeyBase58"])
            return ed25519.Ed25519PublicKey.from_public_bytes(raw)
        except ValueError:
            raise KeyProblem("The issuer's key (publicKeyBase58) is malformed.") from None
    if "publicKeyPem" in method:
        return key_from_pem(method["publicKeyPem"])
    raise KeyProblem("The issuer's key document holds no public key.")


def did_key_method(method_id: str) -> ResolvedKey:
    """did:key needs no fetch: the key is the identifier."""
    did, _, fragment = method_id.partition("#")
    multikey = did.removeprefix("did:key:")
    if fragment and fragment != multikey:
        raise KeyProblem("The did:key key reference does not name the key itself.")
    return ResolvedKey(f"{did}#{multikey}", did, key_from_multikey(multikey))


def did_jwk_method(method_id: str) -> ResolvedKey:
    """did:jwk: the identifier is the base64url JWK; its only method is `#0`."""
    did, _, fragment = method_id.partition("#")
    if fragment not in ("", "0"):
        raise KeyProblem("The did:jwk key reference must end in #0.")
    try:
        jwk = json.loads(b64url_decode(did.removeprefix("did:jwk:")))
    except (ValueError, binascii.Error):
        raise KeyProblem("The did:jwk identifier does not hold a key.") from None
    if not isinstance(jwk, dict):
        raise KeyProblem("The did:jwk identifier does not hold a key.")
    return ResolvedKey(f"{did}#0", did, key_from_jwk(jwk))


def did_web_url(did: str) -> str:
    """did:web:host[%3Aport][:path…] → https://host[:port]/path…/did.json (or .well-known)."""
    parts = did.removeprefix("did:web:").split(":")
    host = unquote(parts[0])
    segments = [unquote(p) for p in parts[1:]]
    if (
        not did.startswith("did:web:")
        or not _HOST.fullmatch(host)
        or any(not s or "/" in s or s in (".", "..") for s in segments)
    ):
        raise KeyProblem(f"The issuer's identifier ({did}) is not a valid did:web.")
    path = "/".join(quote(s, safe="") for s in segments)
    return f"https://{host}/{path}/did.json" if path else f"https://{host}/.well-known/did.json"


def did_web_of(base_url: str) -> str:
    """The did:web prefix for a base URL, as PublicUrls.did writes it."""
    parts = urlsplit(base_url)
    segments = [quote(parts.netloc, safe="")]
    segments += [quote(s, safe="") for s in parts.path.split("/") if s]
    return "did:web:" + ":".join(segments)


def _absolute(method_id: str, base: str) -> str:
    return base + method_id if method_id.startswith("#") else method_id


def method_from_document(
    document: Mapping[str, Any], controller: str, method_id: str
) -> ResolvedKey:
    """The method in a DID (or controller) document, authorised for assertions by `controller`."""
    if document.get("id") != controller:
        raise KeyProblem(
            f"The issuer's key document describes {document.get('id')!r} instead of {controller}."
        )
    wanted = _absolute(method_id, controller)
    purposes = as_list(document.get("assertionMethod"))
    embedded = [m for m in purposes if isinstance(m, dict)]
    methods = [m for m in as_list(document.get("verificationMethod")) if isinstance(m, dict)]
    method = next(
        (m for m in [*methods, *embedded] if _absolute(str(m.get("id")), controller) == wanted),
        None,
    )
    if method is None:
        raise KeyProblem(f"The issuer's key document does not publish the key {wanted}.")
    authorised = {
        _absolute(ref, controller) for ref in (iri(p) for p in purposes) if ref is not None
    }
    if wanted not in authorised:
        raise KeyProblem(
            f"The issuer has not authorised the key {wanted} to sign badges (assertionMethod)."
        )
    if method.get("controller") != controller:
        raise KeyProblem(f"The key {wanted} is controlled by someone other than {controller}.")
    return ResolvedKey(wanted, controller, key_from_method(method))


def key_document(document: Mapping[str, Any], method_id: str) -> ResolvedKey:
    """A key at an https URL: the key itself (naming its `controller`), or the controller's
    document listing it under a fragment."""
    base = method_id.split("#", 1)[0]
    if "#" in method_id and document.get("id") == base and "verificationMethod" in document:
        return method_from_document(document, base, method_id)
    if document.get("id") != method_id:
        raise KeyProblem(f"The key published at {base} describes another key.")
    controller = document.get("controller")
    if not isinstance(controller, str):
        raise KeyProblem(f"The key published at {base} does not say who controls it.")
    return ResolvedKey(method_id, controller, key_from_method(document))


def confirm_listed(controller_document: Mapping[str, Any], key: ResolvedKey) -> None:
    """A key document's `controller` claim holds only if that controller lists the key for
    assertions; otherwise anyone could publish a key "controlled by" any issuer."""
    if controller_document.get("id") != key.controller:
        raise KeyProblem(f"The document at {key.controller} describes something else.")
    listed = {iri(item) for item in as_list(controller_document.get("assertionMethod"))}
    if key.id not in listed:
        raise KeyProblem(
            f"{key.controller} does not list the key {key.id} for signing badges (assertionMethod)."
        )


def controller_check(key: ResolvedKey, issuer_id: str | None) -> Check:
    if issuer_id is not None and key.controller == issuer_id:
        return passed("key_resolution", f"The signing key {key.label} belongs to the issuer.")
    return failed(
        "key_resolution",
        f"The key that signed this badge belongs to {key.controller}, "
        f"not to its issuer ({issuer_id or 'unnamed'}).",
    )


# --- A key carried in a token's header (`jwk`) --------------------------------------------------

_THUMBPRINT_MEMBERS = {
    "EC": ("crv", "kty", "x", "y"),
    "OKP": ("crv", "kty", "x"),
    "RSA": ("e", "kty", "n"),
}


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """RFC 7638 thumbprint: a short, stable name for a key that came without one."""
    members = _THUMBPRINT_MEMBERS.get(str(jwk.get("kty")), ("kty",))
    canonical = json.dumps({m: jwk.get(m) for m in members}, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def same_key(one: PublicKey, other: PublicKey) -> bool:
    def spki(key: PublicKey) -> bytes:
        return key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    return spki(one) == spki(other)


def did_method_with_key(document: Mapping[str, Any], did: str, key: PublicKey) -> ResolvedKey:
    """The method of a DID document that holds `key` and is authorised for assertions."""
    if document.get("id") != did:
        raise KeyProblem(f"The issuer's DID document describes {document.get('id')!r}, not {did}.")
    for listed in as_list(document.get("assertionMethod")):
        method_id = iri(listed)
        if method_id is None:
            continue
        try:
            found = method_from_document(document, did, method_id)
        except KeyProblem:
            continue
        if same_key(found.key, key):
            return found
    raise KeyProblem(
        "The key in the token's header is not one the issuer's DID document lists for signing "
        "badges (assertionMethod)."
    )


def jwks_entry(jwks: Mapping[str, Any], key: PublicKey, issuer_id: str) -> ResolvedKey:
    """The entry of the issuer's host's key set (JWKS) that is `key`.

    A key set may serve several issuers and say whose each key is (`iss`, as the OB 3.0
    implementation guide recommends); a key listed for another issuer does not count.
    """
    for entry in as_list(jwks.get("keys")):
        if not isinstance(entry, dict):
            continue
        try:
            listed = key_from_jwk(entry)
        except KeyProblem:
            continue
        if not same_key(listed, key):
            continue
        if entry.get("iss") not in (None, issuer_id):
            raise KeyProblem(
                f"The issuer's website lists the key in the token's header for {entry['iss']}, "
                f"not for {issuer_id}."
            )
        kid = entry.get("kid")
        name = kid if isinstance(kid, str) and kid else f"{issuer_id}#{jwk_thumbprint(entry)}"
        return ResolvedKey(name, issuer_id, listed)
    raise KeyProblem("The key in the token's header is not in the issuer's published key set.")


def key_fits(algorithm: str, key: PublicKey) -> bool:
    return (
        (algorithm == "EdDSA" and isinstance(key, ed25519.Ed25519PublicKey))
        or (algorithm == "ES256" and isinstance(key, ec.EllipticCurvePublicKey))
        or (algorithm == "RS256" and isinstance(key, rsa.RSAPublicKey))
    )
