import base64
import json
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from jwcrypto import jwk, jws

from badgehub.domain import keys
from badgehub.domain.jws import b64url_decode, sign_compact
from badgehub.domain.urls import PublicUrls


def _pem(private: object) -> str:
    public = private.public_key()  # type: ignore[attr-defined]
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def _key(algorithm: keys.Algorithm, pem: str) -> keys.SigningKey:
    return keys.SigningKey(
        issuer_id="i1",
        key_id="key-1",
        algorithm=algorithm,
        provider="test",
        provider_ref="ref",
        public_key_pem=pem,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("base", "did"),
    [
        ("https://badges.example.org", "did:web:badges.example.org:issuers:i1"),
        ("https://127.0.0.1:3000", "did:web:127.0.0.1%3A3000:issuers:i1"),
        ("https://example.org/ob", "did:web:example.org:ob:issuers:i1"),
    ],
)
def test_did_web_encodes_port_and_path(base: str, did: str) -> None:
    urls = PublicUrls(base=base, assets="https://cdn")
    assert urls.did("i1") == did
    assert urls.did_document("i1") == f"{base}/issuers/i1/did.json"


def test_rs256_jws_from_a_signing_callback_verifies_with_jwcrypto() -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def sign(message: bytes) -> bytes:
        return private.sign(message, padding.PKCS1v15(), hashes.SHA256())

    token = sign_compact({"alg": "RS256"}, {"id": "urn:uuid:1", "name": "Ünïcode"}, sign)
    verifier = jws.JWS()
    verifier.deserialize(token)
    verifier.verify(jwk.JWK.from_pem(_pem(private).encode()))
    assert json.loads(verifier.payload) == {"id": "urn:uuid:1", "name": "Ünïcode"}


def test_es256_jwk_verifies_a_raw_r_s_signature() -> None:
    private = ec.generate_private_key(ec.SECP256R1())

    def sign(message: bytes) -> bytes:
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

        r, s = decode_dss_signature(private.sign(message, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    token = sign_compact({"alg": "ES256", "typ": "JWT"}, {"iss": "did:web:x"}, sign)
    public = keys.public_jwk(_key(keys.Algorithm.ES256, _pem(private)))
    assert public["kty"] == "EC" and public["alg"] == "ES256"
    verifier = jws.JWS()
    verifier.deserialize(token)
    verifier.verify(jwk.JWK(**public))
    header, _, signature = token.split(".")
    assert json.loads(b64url_decode(header))["typ"] == "JWT"
    assert len(b64url_decode(signature)) == 64
    r = int.from_bytes(b64url_decode(signature)[:32], "big")
    s = int.from_bytes(b64url_decode(signature)[32:], "big")
    private.public_key().verify(
        encode_dss_signature(r, s),
        f"{token.rsplit('.', 1)[0]}".encode(),
        ec.ECDSA(hashes.SHA256()),
    )


def test_public_forms_of_each_key_type() -> None:
    ed = ed25519.Ed25519PrivateKey.generate()
    ed_key = _key(keys.Algorithm.ED25519, _pem(ed))
    raw = keys.raw_ed25519(ed_key.public_key_pem)
    assert len(raw) == 32
    assert keys.public_jwk(ed_key) == {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": base64.urlsafe_b64encode(raw).decode().rstrip("="),
        "alg": "EdDSA",
        "use": "sig",
    }
    rsa_key = _key(keys.Algorithm.RS256, _pem(rsa.generate_private_key(65537, 2048)))
    assert keys.public_jwk(rsa_key)["kty"] == "RSA"
    p256 = _key(keys.Algorithm.ES256, _pem(ec.generate_private_key(ec.SECP256R1())))
    assert len(keys.compressed_p256(p256.public_key_pem)) == 33
    with pytest.raises(ValueError, match="Ed25519"):
        keys.raw_ed25519(rsa_key.public_key_pem)
