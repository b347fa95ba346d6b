"""Creating issuers and minting their API keys (platform admin)."""

from __future__ import annotations

import uuid
from typing import Protocol

from ..domain import apikeys
from ..domain.errors import Conflict, NotFound, TooManyRequests
from ..domain.images import BadgeImage, read_badge_image
from ..domain.keys import ALGORITHMS_AT_CREATION, SigningKey
from ..domain.models import ApiKey, ApiKeyInput, Issuer, IssuerInput, StoredImage
from ..domain.urls import PublicUrls
from ..ports import (
    ApiKeyStore,
    BlobStore,
    Clock,
    ConcurrentUpdate,
    IssuerStore,
    KeyService,
    KeyStore,
    RateLimiter,
    StatusList,
)
from .auth import Principal, require_admin, require_issuer
from .signing import IssuerKeys, create_key_set, discard
from .status import signed_list

ROTATIONS_PER_DAY = 3


class IssuerPorts(Protocol):
    @property
    def issuers(self) -> IssuerStore: ...
    @property
    def keys(self) -> KeyStore: ...
    @property
    def api_keys(self) -> ApiKeyStore: ...
    @property
    def blobs(self) -> BlobStore: ...
    @property
    def key_service(self) -> KeyService: ...
    @property
    def rate_limits(self) -> RateLimiter: ...
    @property
    def clock(self) -> Clock: ...


def store_image(blobs: BlobStore, prefix: str, image: BadgeImage) -> StoredImage:
    key = f"{prefix}/image-{image.sha256[:16]}.{image.extension}"
    blobs.put_public(key, image.data, image.content_type)
    return StoredImage(key=key, content_type=image.content_type, sha256=image.sha256)


def create_issuer(
    principal: Principal,
    data: IssuerInput,
    urls: PublicUrls,
    *,
    ports: IssuerPorts,
) -> Issuer:
    """The issuer, its signing keys and its signed, empty status list: all or nothing."""
    require_admin(principal)
    clock, key_service, blobs = ports.clock, ports.key_service, ports.blobs
    image = read_badge_image(data.image) if data.image else None
    issuer_id = str(uuid.uuid4())
    draft = Issuer(
        id=issuer_id,
        name=data.name,
        url=str(data.url),
        email=data.email,
        description=data.description,
        locale=data.locale,
        created_at=clock.now(),
        linkedin_organization_id=data.linkedin_organization_id,
    )
    keys, created = create_key_set(draft, key_service, clock.now())
    stored = None
    try:
        status = StatusList(
            issuer_id=issuer_id,
            number=1,
            revoked=frozenset(),
            version=1,
            credential=signed_list(
                issuer_id, 1, frozenset(), IssuerKeys(keys), urls, key_service, clock
            ),
        )
        stored = store_image(blobs, f"issuers/{issuer_id}", image) if image else None
        issuer = draft.model_copy(update={"image": stored, "key_count": len(keys)})
        ports.issuers.create_issuer(issuer, keys, status)
    except Exception:
        discard(created, key_service)
        if stored:
            blobs.delete_public(stored.key)
        raise
    return issuer


def list_keys(principal: Principal, issuer_id: str, *, ports: IssuerPorts) -> list[SigningKey]:
    get_issuer(principal, issuer_id, ports=ports)
    return ports.keys.list_keys(issuer_id)


def rotate_keys(principal: Principal, issuer_id: str, *, ports: IssuerPorts) -> list[SigningKey]:
    """New keys sign from now on; old ones stay published so every badge keeps verifying.

    Each rotation makes a key of each kind, kept for good (and paid for, in KMS): a few a day
    per issuer is more than a compromised key ever needs."""
    issuer = get_issuer(principal, issuer_id, ports=ports)
    now = ports.clock.now()
    day = int(now.timestamp()) // 86400 * 86400
    if not ports.rate_limits.hit("rotate", issuer_id, day, ROTATIONS_PER_DAY):
        raise TooManyRequests(
            f"this issuer's keys were rotated {ROTATIONS_PER_DAY} times today; try tomorrow",
            retry_after=day + 86400 - int(now.timestamp()),
        )
    key_service = ports.key_service
    current = [key for key in ports.keys.list_keys(issuer_id) if key.active]
    new_keys, created = create_key_set(issuer, key_service, ports.clock.now())
    retired = [key.model_copy(update={"active": False}) for key in current]
    rotated = issuer.model_copy(
        update={"key_count": issuer.key_count + len(ALGORITHMS_AT_CREATION)}
    )
    try:
        ports.keys.rotate_keys(rotated, retired, new_keys)
    except ConcurrentUpdate as exc:
        discard(created, key_service)
        raise Conflict("another key rotation for this issuer happened meanwhile") from exc
    except Exception:
        discard(created, key_service)
        raise
    return ports.keys.list_keys(issuer_id)


def get_issuer(principal: Principal, issuer_id: str, *, ports: IssuerPorts) -> Issuer:
    if not principal.is_admin:
        require_issuer(principal, issuer_id)
    issuer = ports.issuers.get_issuer(issuer_id)
    if issuer is None:
        raise NotFound("no issuer with this id", field="issuerId")
    return issuer


def mint_api_key(
    principal: Principal, issuer_id: str, data: ApiKeyInput, *, ports: IssuerPorts
) -> tuple[ApiKey, str]:
    """Returns the stored key and the token, which is shown this once and never stored."""
    require_admin(principal)
    if ports.issuers.get_issuer(issuer_id) is None:
        raise NotFound("no issuer with this id", field="issuerId")
    minted = apikeys.mint()
    key = ApiKey(
        id=minted.key_id,
        issuer_id=issuer_id,
        secret_hash=minted.secret_hash,
        created_at=ports.clock.now(),
        label=data.label,
    )
    ports.api_keys.put_api_key(key)
    return key, minted.token
