"""The local platform's key service: issuer keys made with `cryptography`, kept on local disk.

It stands where KMS stands in AWS, behind the same port, and signs what KMS signs: RS256 is
PKCS#1 v1.5 over SHA-256, ES256 is ECDSA P-256 over SHA-256 as raw r||s (64 bytes), Ed25519
the 64-byte signature of the message. Messages of any size (KMS in AWS is given a digest, so
its limit never applies there either; moto is given RAW messages capped at 4 KiB).

Each private key is one PKCS#8 PEM file, `<ref>.pem`, readable by the owner only (0600, in a
0700 directory), written atomically and fsynced before the key is handed out: the issuer
record that names it is stored afterwards, so it must never name a key a crash lost.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from badgehub.domain.keys import Algorithm, SigningKey
from badgehub.ports import CreatedKey, KeyServiceError

from .files import write_atomically

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
_REF = re.compile(r"[0-9a-f]{32}")
_CACHED = 1024  # loaded keys kept per process: three per issuer, so hundreds of issuers
_KINDS: dict[Algorithm, type[PrivateKey]] = {
    Algorithm.RS256: rsa.RSAPrivateKey,
    Algorithm.ES256: ec.EllipticCurvePrivateKey,
    Algorithm.ED25519: ed25519.Ed25519PrivateKey,
}


class LocalKeyService:
    """Implements `KeyService` on a directory of private keys."""

    provider = "local"

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.directory.chmod(0o700)
        # No lock: single dict operations are atomic, and a lock held by another thread at a
        # fork would stay held forever in the child. Two threads loading one key is harmless.
        self._loaded: dict[str, PrivateKey] = {}

    def create_key(self, algorithm: Algorithm, issuer_id: str) -> CreatedKey:
        private = _generate(algorithm)
        ref = uuid.uuid4().hex
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            write_atomically(self._path(ref), pem, mode=0o600)
        except OSError as exc:
            raise KeyServiceError("the local key store could not save the key") from exc
        public = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return CreatedKey(self.provider, ref, public.decode("ascii"))

    def sign(self, key: SigningKey, message: bytes) -> bytes:
        private = self._private(key.provider_ref)
        if not isinstance(private, _KINDS[key.algorithm]):
            raise KeyServiceError(f"local key {key.provider_ref} is not an {key.algorithm} key")
        if isinstance(private, rsa.RSAPrivateKey):
            return private.sign(message, padding.PKCS1v15(), hashes.SHA256())
        if isinstance(private, ec.EllipticCurvePrivateKey):
            r, s = decode_dss_signature(private.sign(message, ec.ECDSA(hashes.SHA256())))
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")  # JOSE's form, as from KMS
        return private.sign(message)

    def discard_key(self, key: CreatedKey) -> None:
        """Deletes the key file. Another process that loaded it may still hold it, which
        is harmless: discarded keys belong to issuers that were never stored."""
        self._loaded.pop(key.provider_ref, None)
        with contextlib.suppress(FileNotFoundError):
            self._path(key.provider_ref).unlink()

    def _private(self, ref: str) -> PrivateKey:
        cached = self._loaded.get(ref)
        if cached is not None:
            return cached
        try:
            loaded = serialization.load_pem_private_key(self._path(ref).read_bytes(), None)
        except (OSError, ValueError) as exc:
            raise KeyServiceError(f"cannot load local key {ref}") from exc
        if not isinstance(loaded, PrivateKey):
            raise KeyServiceError(f"local key {ref} is of an unknown kind")
        if len(self._loaded) >= _CACHED:
            self._loaded.clear()  # start over: the keys in use load again, once each
        self._loaded[ref] = loaded
        return loaded

    def _path(self, ref: str) -> Path:
        # The ref comes back from the table: never let it name a file outside the directory.
        if not _REF.fullmatch(ref):
            raise KeyServiceError(f"not a local key reference: {ref!r}")
        return self.directory / f"{ref}.pem"


def _generate(algorithm: Algorithm) -> PrivateKey:
    if algorithm is Algorithm.RS256:
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if algorithm is Algorithm.ES256:
        return ec.generate_private_key(ec.SECP256R1())
    return ed25519.Ed25519PrivateKey.generate()
