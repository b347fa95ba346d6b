"""Public Open Badges documents at their id URLs: no auth, no private data."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import ob2
from ..domain.errors import NotFound
from ..domain.urls import PublicUrls
from ..ports import Store


@dataclass(frozen=True)
class PublicDocument:
    body: ob2.JsonDict
    status: int = 200


def issuer_document(issuer_id: str, store: Store, urls: PublicUrls) -> PublicDocument:
    issuer = store.get_issuer(issuer_id)
    if issuer is None:
        raise NotFound("no issuer with this id", field="issuerId")
    return PublicDocument(ob2.issuer_profile(issuer, urls))


def badge_document(badge_id: str, store: Store, urls: PublicUrls) -> PublicDocument:
    badge = store.get_badge(badge_id)
    if badge is None:
        raise NotFound("no badge with this id", field="badgeId")
    return PublicDocument(ob2.badge_class(badge, urls))


def assertion_document(assertion_id: str, store: Store, urls: PublicUrls) -> PublicDocument:
    """A revoked assertion answers 410 Gone with `revoked: true` and the reason (OB 2.0 hosted)."""
    assertion = store.get_assertion(assertion_id)
    if assertion is None:
        raise NotFound("no assertion with this id", field="assertionId")
    if assertion.revoked:
        return PublicDocument(ob2.revoked_stub(assertion, urls), status=410)
    badge = store.get_badge(assertion.badge_id)
    if badge is None:
        raise NotFound("no badge with this id", field="badgeId")
    return PublicDocument(ob2.hosted_assertion(assertion, badge, urls))
