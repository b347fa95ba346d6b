"""Key services: AWS KMS for every algorithm it has; Secrets Manager for Ed25519 where KMS lacks it.

moto's KMS has no Ed25519 key spec, so the local platform keeps Ed25519 key material in
Secrets Manager; deployed stacks use KMS `ECC_NIST_EDWARDS25519` and never see a private key.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from functools import lru_cache
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from ..domain.keys import Algorithm, SigningKey, public_pem_from_der
from ..ports import CreatedKey, KeyServiceError
from . import aws

if TYPE_CHECKING:
    from mypy_boto3_kms.literals import KeySpecType, SigningAlgorithmSpecType

_KEY_SPECS: dict[Algorithm, KeySpecType] = {
    Algorithm.RS256: "RSA_2048",
    Algorithm.ES256: "ECC_NIST_P256",
    Algorithm.ED25519: "ECC_NIST_EDWARDS25519",
}
_SIGNING: dict[Algorithm, SigningAlgorithmSpecType] = {
    Algorithm.RS256: "RSASSA_PKCS1_V1_5_SHA_256",
    Algorithm.ES256: "ECDSA_SHA_256",
    Algorithm.ED25519: "ED25519_SHA_512",
}
_RAW_LIMIT = 4096  # KMS signs RAW messages up to 4 KiB


class KmsKeyService:
    """Keys in AWS KMS, tagged with the issuer so IAM can scope who signs with what.

    `sign_digest`: send RS256/ES256 messages as SHA-256 digests (no size limit). True in AWS;
    moto hashes a DIGEST again, so the local platform sends RAW messages instead.
    """

    provider = "kms"

    def __init__(self, sign_digest: bool = True) -> None:
        self._sign_digest = sign_digest

    def create_key(self, algorithm: Algorithm, issuer_id: str) -> CreatedKey:
        try:
            created = aws.kms().create_key(
                KeySpec=_KEY_SPECS[algorithm],
                KeyUsage="SIGN_VERIFY",
                Description=f"badgehub issuer {issuer_id} {algorithm.value}",
                Tags=[
                    {"TagKey": "app", "TagValue": "badgehub"},
                    {"TagKey": "issuer", "TagValue": issuer_id},
                ],
            )
            arn = created["KeyMetadata"]["Arn"]
            der = aws.kms().get_public_key(KeyId=arn)["PublicKey"]
        except (ClientError, BotoCoreError) as exc:
            raise KeyServiceError("KMS could not create the key") from exc
        return CreatedKey(self.provider, arn, public_pem_from_der(der))

    def sign(self, key: SigningKey, message: bytes) -> bytes:
        use_digest = self._sign_digest and key.algorithm is not Algorithm.ED25519
        if not use_digest and len(message) > _RAW_LIMIT:
            raise KeyServiceError(f"message of {len(message)} bytes is over the KMS RAW limit")
        try:
            signature = aws.kms().sign(
                KeyId=key.provider_ref,
                Message=hashlib.sha256(message).digest() if use_digest else message,
                MessageType="DIGEST" if use_digest else "RAW",
                SigningAlgorithm=_SIGNING[key.algorithm],
            )["Signature"]
        except (ClientError, BotoCoreError) as exc:
            raise KeyServiceError("KMS could not sign") from exc
        if key.algorithm is Algorithm.ES256:
            r, s = decode_dss_signature(signature)  # KMS answers DER; JOSE wants r||s
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return signature

    def discard_key(self, key: CreatedKey) -> None:
        aws.kms().schedule_key_deletion(KeyId=key.provider_ref, PendingWindowInDays=7)


class SecretsManagerEd25519:
    """Ed25519 keys whose private half is a Secrets Manager secret, read once per container."""

    provider = "secretsmanager"

    def create_key(self, algorithm: Algorithm, issuer_id: str) -> CreatedKey:
        if algorithm is not Algorithm.ED25519:
            raise KeyServiceError(f"{algorithm} keys belong in KMS")
        private = ed25519.Ed25519PrivateKey.generate()
        seed = private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        try:
            created = aws.secretsmanager().create_secret(
                Name=f"badgehub/issuers/{issuer_id}/ed25519/{uuid.uuid4()}",
                SecretBinary=seed,
                Tags=[{"Key": "app", "Value": "badgehub"}, {"Key": "issuer", "Value": issuer_id}],
            )
        except (ClientError, BotoCoreError) as exc:
            raise KeyServiceError("Secrets Manager could not store the key") from exc
        public = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return CreatedKey(self.provider, created["ARN"], public.decode("ascii"))

    def sign(self, key: SigningKey, message: bytes) -> bytes:
        return _private_key(key.provider_ref).sign(message)

    def discard_key(self, key: CreatedKey) -> None:
        aws.secretsmanager().delete_secret(
            SecretId=key.provider_ref, ForceDeleteWithoutRecovery=True
        )


@lru_cache(maxsize=256)
def _private_key(secret_arn: str) -> ed25519.Ed25519PrivateKey:
    try:
        seed = aws.secretsmanager().get_secret_value(SecretId=secret_arn)["SecretBinary"]
    except (ClientError, BotoCoreError) as exc:
        raise KeyServiceError("Secrets Manager could not read the key") from exc
    return ed25519.Ed25519PrivateKey.from_private_bytes(seed)


class RoutingKeyService:
    """KMS for RSA and P-256; Ed25519 in KMS or Secrets Manager, as configured."""

    def __init__(self, kms: KmsKeyService, ed25519_service: KmsKeyService | SecretsManagerEd25519):
        self._kms = kms
        self._ed25519 = ed25519_service
        self._by_provider = {kms.provider: kms, ed25519_service.provider: ed25519_service}

    def create_key(self, algorithm: Algorithm, issuer_id: str) -> CreatedKey:
        service = self._ed25519 if algorithm is Algorithm.ED25519 else self._kms
        return service.create_key(algorithm, issuer_id)

    def sign(self, key: SigningKey, message: bytes) -> bytes:
        return self._by_provider[key.provider].sign(key, message)

    def discard_key(self, key: CreatedKey) -> None:
        # Best effort: an orphaned, unused key is harmless and findable by its tags.
        with contextlib.suppress(ClientError, BotoCoreError):
            self._by_provider[key.provider].discard_key(key)
