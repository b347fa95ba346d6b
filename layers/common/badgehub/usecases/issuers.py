"""Creating issuers and minting their API keys (platform admin)."""

from __future__ import annotations

import uuid

from ..domain import apikeys
from ..domain.errors import NotFound
from ..domain.images import BadgeImage, read_badge_image
from ..domain.models import ApiKey, ApiKeyInput, Issuer, IssuerInput, StoredImage
from ..ports import BlobStore, Clock, Store
from .auth import Principal, require_admin, require_issuer


def store_image(blobs: BlobStore, prefix: str, image: BadgeImage) -> StoredImage:
    key = f"{prefix}/image-{image.sha256[:16]}.{image.extension}"
    blobs.put_public(key, image.data, image.content_type)
    return StoredImage(key=key, content_type=image.content_type, sha256=image.sha256)


def create_issuer(
    principal: Principal, data: IssuerInput, store: Store, blobs: BlobStore, clock: Clock
) -> Issuer:
    require_admin(principal)
    image = read_badge_image(data.image) if data.image else None
    issuer_id = str(uuid.uuid4())
    stored = store_image(blobs, f"issuers/{issuer_id}", image) if image else None
    issuer = Issuer(
        id=issuer_id,
        name=data.name,
        url=str(data.url),
        email=data.email,
        description=data.description,
        image=stored,
        created_at=clock.now(),
    )
    try:
        store.put_issuer(issuer)
    except Exception:
        if stored:
            blobs.delete_public(stored.key)
        raise
    return issuer


def get_issuer(principal: Principal, issuer_id: str, store: Store) -> Issuer:
    if not principal.is_admin:
        require_issuer(principal, issuer_id)
    issuer = store.get_issuer(issuer_id)
    if issuer is None:
        raise NotFound("no issuer with this id", field="issuerId")
    return issuer


def mint_api_key(
    principal: Principal, issuer_id: str, data: ApiKeyInput, store: Store, clock: Clock
) -> tuple[ApiKey, str]:
    """Returns the stored key and the token, which is shown this once and never stored."""
    require_admin(principal)
    if store.get_issuer(issuer_id) is None:
        raise NotFound("no issuer with this id", field="issuerId")
    minted = apikeys.mint()
    key = ApiKey(
        id=minted.key_id,
        issuer_id=issuer_id,
        secret_hash=minted.secret_hash,
        created_at=clock.now(),
        label=data.label,
    )
    store.put_api_key(key)
    return key, minted.token
