"""Signing an issued assertion into its OB 2.0 JWS, OB 3.0 Data Integrity credential and VC-JWT."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from ..domain import dataintegrity, jws, ob2, ob3
from ..domain.errors import ServiceUnavailable
from ..domain.keys import ALGORITHMS_AT_CREATION, Algorithm, SigningKey, key_id
from ..domain.models import Assertion, BadgeClass, Issuer
from ..domain.urls import PublicUrls
from ..ports import Clock, CreatedKey, KeyService, KeyServiceError, KeyStore


@dataclass(frozen=True)
class IssuerKeys:
    keys: list[SigningKey]

    def active(self, algorithm: Algorithm) -> SigningKey:
        for key in self.keys:
            if key.active and key.algorithm is algorithm:
                return key
        raise ServiceUnavailable(f"the issuer has no active {algorithm.value} key")


def load_keys(issuer_id: str, keys: KeyStore) -> IssuerKeys:
    return IssuerKeys(keys.list_keys(issuer_id))


@contextmanager
def key_service_errors() -> Iterator[None]:
    """A key-service failure is a clear 503, never a half-signed badge."""
    try:
        yield
    except KeyServiceError as exc:
        raise ServiceUnavailable(
            "the key service is unavailable; nothing was stored, please retry"
        ) from exc


def signer(key_service: KeyService, key: SigningKey) -> Callable[[bytes], bytes]:
    return lambda message: key_service.sign(key, message)


def create_key_set(
    issuer: Issuer, key_service: KeyService, now: datetime
) -> tuple[list[SigningKey], list[CreatedKey]]:
    """One new key per algorithm, numbered after the issuer's existing keys."""
    created: list[CreatedKey] = []
    keys: list[SigningKey] = []
    try:
        with key_service_errors():
            for offset, algorithm in enumerate(ALGORITHMS_AT_CREATION, start=1):
                made = key_service.create_key(algorithm, issuer.id)
                created.append(made)
                keys.append(
                    SigningKey(
                        issuer_id=issuer.id,
                        key_id=key_id(issuer.key_count + offset),
                        algorithm=algorithm,
                        provider=made.provider,
                        provider_ref=made.provider_ref,
                        public_key_pem=made.public_key_pem,
                        created_at=now,
                    )
                )
    except ServiceUnavailable:
        discard(created, key_service)
        raise
    return keys, created


def discard(created: list[CreatedKey], key_service: KeyService) -> None:
    for made in created:
        key_service.discard_key(made)


def sign_assertion(
    assertion: Assertion,
    badge: BadgeClass,
    issuer: Issuer,
    keys: IssuerKeys,
    credential_status: ob3.JsonDict,
    urls: PublicUrls,
    key_service: KeyService,
    clock: Clock,
) -> Assertion:
    """Returns a copy of the assertion carrying all three signed forms."""
    rsa = keys.active(Algorithm.RS256)
    ed25519 = keys.active(Algorithm.ED25519)
    p256 = keys.active(Algorithm.ES256)
    did = urls.did(issuer.id)
    payload = ob2.signed_assertion(assertion, badge, urls, rsa.key_id)
    unsigned = ob3.open_badge_credential(assertion, badge, issuer, urls, credential_status)
    with key_service_errors():
        ob2_jws = jws.sign_compact({"alg": "RS256"}, payload, signer(key_service, rsa))
        credential = dataintegrity.add_proof(
            unsigned,
            verification_method=f"{did}#{ed25519.key_id}",
            created=clock.now(),
            sign=signer(key_service, ed25519),
        )
        credential_jwt = jws.sign_compact(
            ob3.jwt_header(did, p256), ob3.jwt_claims(unsigned), signer(key_service, p256)
        )
    return assertion.model_copy(
        update={"ob2_jws": ob2_jws, "credential": credential, "credential_jwt": credential_jwt}
    )
