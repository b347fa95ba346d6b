"""Public documents at their id URLs: no auth, no private data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from ..domain import ob2, ob3
from ..domain.errors import NotFound
from ..domain.keys import Algorithm, SigningKey, public_jwk
from ..domain.models import Assertion, BadgeClass, Issuer
from ..domain.urls import PublicUrls
from ..ports import AssertionStore, BadgeStore, IssuerStore, KeyStore, StatusStore

LD_JSON = "application/ld+json"
VC_LD_JSON = "application/vc+ld+json"
VC_JWT = "application/vc+jwt"
JWS_TEXT = "text/plain"
DID_JSON = "application/did+json"
JWK_SET = "application/jwk-set+json"


class DocumentPorts(Protocol):
    @property
    def issuers(self) -> IssuerStore: ...
    @property
    def keys(self) -> KeyStore: ...
    @property
    def status_lists(self) -> StatusStore: ...
    @property
    def badges(self) -> BadgeStore: ...
    @property
    def assertions(self) -> AssertionStore: ...


@dataclass(frozen=True)
class PublicDocument:
    body: dict[str, Any] | str
    status: int = 200
    media_type: str = LD_JSON
    max_age: int = 60


class _IssuerDocuments:
    """The documents built from an issuer and its keys, kept per container (Lambda's or a
    worker's process) while the issuer record is unchanged.

    Keys are only ever added, and a rotation changes the issuer record (`key_count`) in the
    same transaction as it adds them, so an issuer record equal to the one a document was
    built from means the same keys: one issuer read answers, with no key query and no build.
    """

    size = 512

    def __init__(self) -> None:
        self._built: dict[tuple[str, str, PublicUrls, str | None], tuple[Issuer, PublicDocument]]
        self._built = {}

    def get(
        self, kind: str, issuer: Issuer, urls: PublicUrls, extra: str | None, build: Builder
    ) -> PublicDocument:
        key = (kind, issuer.id, urls, extra)
        found = self._built.get(key)
        if found is not None and found[0] == issuer:
            return found[1]
        document = build()
        if key not in self._built and len(self._built) >= self.size:
            del self._built[next(iter(self._built))]
        self._built[key] = (issuer, document)
        return document


Builder = Callable[[], PublicDocument]
_issuer_documents = _IssuerDocuments()


def issuer_document(
    issuer_id: str, *, ports: DocumentPorts, urls: PublicUrls, signing_key: str | None = None
) -> PublicDocument:
    """The Profile naming the current RSA key, or (`signing_key`) the one naming that key."""
    issuer = ports.issuers.get_issuer(issuer_id)
    if issuer is None:
        raise NotFound("no issuer with this id", field="issuerId")
    return _issuer_documents.get(
        "profile",
        issuer,
        urls,
        signing_key,
        lambda: _issuer_profile(issuer, ports=ports, urls=urls, signing_key=signing_key),
    )


def _issuer_profile(
    issuer: Issuer, *, ports: DocumentPorts, urls: PublicUrls, signing_key: str | None
) -> PublicDocument:
    issuer_id = issuer.id
    rsa = [k for k in ports.keys.list_keys(issuer_id) if k.algorithm is Algorithm.RS256]
    if signing_key is not None:
        _rsa_key_named(rsa, signing_key)
        return PublicDocument(ob2.issuer_profile(issuer, urls, signing_key, per_key=True))
    current = next((k.key_id for k in rsa if k.active), rsa[-1].key_id if rsa else None)
    return PublicDocument(ob2.issuer_profile(issuer, urls, current))


def _rsa_key_named(rsa: list[SigningKey], key_id: str) -> None:
    if not any(k.key_id == key_id for k in rsa):
        raise NotFound("the issuer has no Open Badges 2.0 key with this id", field="key")


def badge_document(
    badge_id: str, *, ports: DocumentPorts, urls: PublicUrls, signing_key: str | None = None
) -> PublicDocument:
    badge = ports.badges.get_badge(badge_id)
    if badge is None:
        raise NotFound("no badge with this id", field="badgeId")
    if signing_key is not None:
        keys = ports.keys.list_keys(badge.issuer_id)
        _rsa_key_named([k for k in keys if k.algorithm is Algorithm.RS256], signing_key)
    return PublicDocument(ob2.badge_class(badge, urls, signing_key))


def _assertion(assertion_id: str, *, ports: DocumentPorts) -> Assertion:
    assertion = ports.assertions.get_assertion(assertion_id)
    if assertion is None:
        raise NotFound("no assertion with this id", field="assertionId")
    return assertion


def assertion_document(
    assertion_id: str, *, ports: DocumentPorts, urls: PublicUrls
) -> PublicDocument:
    """A revoked assertion answers 410 Gone with `revoked: true` and the reason (OB 2.0 hosted)."""
    assertion = _assertion(assertion_id, ports=ports)
    if assertion.revoked:
        return PublicDocument(ob2.revoked_stub(assertion, urls), status=410, max_age=0)
    badge = ports.badges.get_badge(assertion.badge_id)
    if badge is None:
        raise NotFound("no badge with this id", field="badgeId")
    return PublicDocument(ob2.hosted_assertion(assertion, badge, urls))


def signed_form(assertion_id: str, form: str, *, ports: DocumentPorts) -> PublicDocument:
    """The forms signed at issuance; revocation is told by the lists, so they never change."""
    assertion = _assertion(assertion_id, ports=ports)
    if form == "ob2_jws" and assertion.ob2_jws:
        return PublicDocument(assertion.ob2_jws, media_type=JWS_TEXT, max_age=3600)
    if form == "credential" and assertion.credential:
        return PublicDocument(assertion.credential, media_type=VC_LD_JSON, max_age=3600)
    if form == "credential_jwt" and assertion.credential_jwt:
        return PublicDocument(assertion.credential_jwt, media_type=VC_JWT, max_age=3600)
    raise NotFound("this assertion has no such signed form", field="assertionId")


def _key(issuer_id: str, key_id: str, *, ports: DocumentPorts) -> SigningKey:
    for key in ports.keys.list_keys(issuer_id):
        if key.key_id == key_id:
            return key
    raise NotFound("no key with this id", field="keyId")


def key_document(
    issuer_id: str, key_id: str, *, ports: DocumentPorts, urls: PublicUrls
) -> PublicDocument:
    """RSA keys as OB 2.0 CryptographicKeys; the others as their DID verification method."""
    key = _key(issuer_id, key_id, ports=ports)
    if key.algorithm is Algorithm.RS256:
        body = ob2.cryptographic_key(issuer_id, key.key_id, key.public_key_pem, urls)
        return PublicDocument(body, max_age=3600)
    method = ob3.verification_method(urls.did(issuer_id), key)
    return PublicDocument(
        {"@context": list(ob3.DID_CONTEXTS), **method}, media_type=DID_JSON, max_age=3600
    )


def did_document(issuer_id: str, *, ports: DocumentPorts, urls: PublicUrls) -> PublicDocument:
    issuer = ports.issuers.get_issuer(issuer_id)
    if issuer is None:
        raise NotFound("no issuer with this id", field="issuerId")

    def build() -> PublicDocument:
        body = ob3.did_document(issuer_id, ports.keys.list_keys(issuer_id), urls)
        return PublicDocument(body, media_type=DID_JSON, max_age=300)

    return _issuer_documents.get("did", issuer, urls, None, build)


def revocation_list_document(
    issuer_id: str, *, ports: DocumentPorts, urls: PublicUrls
) -> PublicDocument:
    if ports.issuers.get_issuer(issuer_id) is None:
        raise NotFound("no issuer with this id", field="issuerId")
    body = ob2.revocation_list(issuer_id, ports.status_lists.revoked_assertions(issuer_id), urls)
    return PublicDocument(body, max_age=0)


def status_list_document(
    issuer_id: str, number: int, *, ports: DocumentPorts, ttl_seconds: int
) -> PublicDocument:
    status = ports.status_lists.get_status_list(issuer_id, number)
    if status is None:
        raise NotFound("no status list with this number", field="listNumber")
    return PublicDocument(status.credential, media_type=VC_LD_JSON, max_age=ttl_seconds)


def jwks_document(issuer_id: str, *, ports: DocumentPorts, urls: PublicUrls) -> PublicDocument:
    """One issuer's public keys, old and new; DID-bound keys carry the DID URL as `kid`.

    Per issuer, so it stays as small as one issuer's key history: a platform-wide set would
    grow with every issuer ever hosted and be read on each fetch."""
    if ports.issuers.get_issuer(issuer_id) is None:
        raise NotFound("no issuer with this id", field="issuerId")
    keys = []
    for key in ports.keys.list_keys(issuer_id):
        jwk = public_jwk(key)
        did = urls.did(key.issuer_id)
        if key.algorithm is Algorithm.RS256:
            jwk["kid"] = urls.key(key.issuer_id, key.key_id)
        else:
            jwk["kid"] = f"{did}#{key.key_id}"
        jwk["iss"] = did
        keys.append(jwk)
    return PublicDocument({"keys": keys}, media_type=JWK_SET, max_age=300)


# The pages people see at the issuer's and the badge class's own URLs (browsers only).


@dataclass(frozen=True)
class AwardedBadge:
    badge: BadgeClass
    awarded: int  # issued and not revoked; never who to


@dataclass(frozen=True)
class IssuerPage:
    issuer: Issuer
    did: str
    keys: list[SigningKey]  # every key ever used, oldest first: retired ones still verify
    badges: list[AwardedBadge]


@dataclass(frozen=True)
class BadgePage:
    badge: BadgeClass
    issuer: Issuer
    awarded: int


def _awarded(counts: dict[str, int], badge_id: str) -> int:
    # A badge revoked before its issue was counted (data older than the counters) must not
    # show a negative number.
    return max(0, counts.get(badge_id, 0))


def issuer_page(issuer_id: str, *, ports: DocumentPorts, urls: PublicUrls) -> IssuerPage:
    """Three reads (issuer and keys, its badges, their counters), however many were issued."""
    issuer = ports.issuers.get_issuer(issuer_id)
    if issuer is None:
        raise NotFound("no issuer with this id", field="issuerId")
    counts = ports.badges.awarded_counts(issuer_id)
    badges = [AwardedBadge(b, _awarded(counts, b.id)) for b in ports.badges.list_badges(issuer_id)]
    keys = sorted(ports.keys.list_keys(issuer_id), key=lambda k: k.created_at)
    return IssuerPage(issuer, urls.did(issuer_id), keys, badges)


def badge_page(badge_id: str, *, ports: DocumentPorts) -> BadgePage:
    badge = ports.badges.get_badge(badge_id)
    if badge is None:
        raise NotFound("no badge with this id", field="badgeId")
    issuer = ports.issuers.get_issuer(badge.issuer_id)
    if issuer is None:
        raise NotFound("no issuer with this id", field="issuerId")
    counts = ports.badges.awarded_counts(badge.issuer_id, badge.id)
    return BadgePage(badge, issuer, _awarded(counts, badge.id))


def recorded_facts(assertion_id: str, *, ports: DocumentPorts, urls: PublicUrls) -> dict[str, Any]:
    """What this platform's records say about one of its badges, in the verification summary's
    terms: for a revoked badge, whose public documents no longer say what it was.

    Only what the badge's public documents said while it was valid: never the recipient.
    """
    assertion = ports.assertions.get_assertion(assertion_id)
    badge = ports.badges.get_badge(assertion.badge_id) if assertion else None
    issuer = ports.issuers.get_issuer(badge.issuer_id) if badge else None
    if assertion is None or badge is None or issuer is None:
        return {}
    return {
        "issuer_name": issuer.name,
        "issuer_url": issuer.url,
        "issuer_id": urls.issuer(issuer.id),
        "achievement_name": badge.name,
        "achievement_description": badge.description,
        "criteria_narrative": badge.criteria_narrative,
        "criteria_url": badge.criteria_url,
        "image_url": urls.asset(badge.image.key),
        "issued_on": ob2.iso(assertion.issued_on),
        "expires": ob2.iso(assertion.expires) if assertion.expires else None,
    }
