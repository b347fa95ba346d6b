"""Baked badge downloads: the badge image with the signed badge inside, baked on request."""

from __future__ import annotations

import base64
import json
import re
import struct
from dataclasses import dataclass
from typing import Protocol

from ..domain import baking
from ..domain.errors import Gone, InvalidInput, NotFound
from ..domain.images import EXTENSIONS, PNG, SVG
from ..ports import AssertionStore, BadgeStore, BlobStore


class DownloadPorts(Protocol):
    @property
    def badges(self) -> BadgeStore: ...
    @property
    def assertions(self) -> AssertionStore: ...
    @property
    def blobs(self) -> BlobStore: ...


@dataclass(frozen=True)
class Download:
    data: bytes
    content_type: str
    filename: str


def baked_badge(
    assertion_id: str,
    version: baking.Version,
    requested_format: str | None,
    *,
    ports: DownloadPorts,
) -> Download:
    """OB 2.0 bakes the signed JWS, OB 3.0 the signed credential: both verify offline.

    PNG badges also come as SVG (the PNG wrapped in an SVG), SVG badges only as SVG: turning
    SVG into pixels would need a renderer we do not want on a public endpoint.
    """
    if requested_format not in ("png", "svg", None):  # a bad parameter is a 400 for any badge
        raise InvalidInput("format must be png (for PNG badges) or svg", field="format")
    assertion = ports.assertions.get_assertion(assertion_id)
    if assertion is None:
        raise NotFound("no assertion with this id", field="assertionId")
    if assertion.revoked:
        raise Gone("this badge was revoked by its issuer; it can no longer be downloaded")
    badge = ports.badges.get_badge(assertion.badge_id)
    if badge is None:
        raise NotFound("no badge with this id", field="badgeId")
    if version is baking.Version.OB2:
        payload = assertion.ob2_jws
    else:
        payload = (
            json.dumps(assertion.credential, ensure_ascii=False) if assertion.credential else None
        )
    if not payload:
        raise NotFound("this assertion has no signed form to bake", field="assertionId")

    image = ports.blobs.get_public(badge.image.key)
    content_type = badge.image.content_type
    wanted = {"png": PNG, "svg": SVG, None: content_type}.get(requested_format)
    if wanted is None or (wanted == PNG and content_type == SVG):
        raise InvalidInput("format must be png (for PNG badges) or svg", field="format")
    if wanted == SVG and content_type == PNG:
        image, content_type = png_in_svg(image), SVG
    data = baking.bake(image, content_type, payload, version)
    suffix = "" if version is baking.Version.OB2 else "-ob3"
    filename = f"{_slug(badge.name)}-{assertion.id[:8]}{suffix}.{EXTENSIONS[content_type]}"
    return Download(data, content_type, filename)


def png_in_svg(png: bytes) -> bytes:
    """An SVG showing the PNG at its own size, so SVG-only tools get a bakeable image."""
    width, height = struct.unpack(">II", png[16:24])
    encoded = base64.b64encode(png).decode("ascii")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><image width="{width}" height="{height}" '
        f'href="data:image/png;base64,{encoded}"/></svg>'
    ).encode("ascii")


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:60] or "badge"
