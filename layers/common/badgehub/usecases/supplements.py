"""The Diploma Supplement: the issuer attaches, corrects and withdraws it; pages show it only
where `recipients.disclose` says so, through short-lived links made per view."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from urllib.parse import urlencode

from ..domain import events, jws, ob3
from ..domain.errors import ConcurrentUpdate, Forbidden, NotFound, UnsupportedMediaType
from ..domain.events import EventType
from ..domain.keys import Algorithm
from ..domain.pdf import check_pdf
from ..domain.recipients import Viewer, disclose
from ..domain.supplements import (
    BLOB_LINK_LIFETIME,
    DOWNLOAD_LIFETIME,
    MAX_SUPPLEMENT_BYTES,
    MEDIA_TYPE,
    Audience,
    DownloadLink,
    Supplement,
    file_name,
    read_link,
    sri_sha384,
    statement_claims,
    statement_header,
    statement_matches,
)
from ..domain.urls import PublicUrls
from ..domain.verification.report import Report, Verdict
from ..ports import (
    AssertionStore,
    BadgeStore,
    Clock,
    KeyService,
    KeyStore,
    PrivateBlobStore,
    RecipientStore,
    SupplementStore,
)
from .assertions import get_owned_assertion
from .auth import Principal
from .signing import key_service_errors, load_keys, signer

RETRIES = 3
LINK_PURPOSE = "supplement-links"


class ViewPorts(Protocol):
    """What a page needs to show the section: the policy's inputs and the link key."""

    def secret_for(self, purpose: str) -> bytes: ...
    @property
    def recipients(self) -> RecipientStore: ...
    @property
    def assertions(self) -> AssertionStore: ...
    @property
    def supplements(self) -> SupplementStore: ...
    @property
    def keys(self) -> KeyStore: ...
    @property
    def clock(self) -> Clock: ...


class DownloadPorts(ViewPorts, Protocol):
    @property
    def private_blobs(self) -> PrivateBlobStore: ...


class SupplementPorts(DownloadPorts, Protocol):
    """The issuer's side: its assertion, its signing key, the private bucket, the outbox."""

    @property
    def badges(self) -> BadgeStore: ...
    @property
    def key_service(self) -> KeyService: ...


# The issuer's API --------------------------------------------------------------------------


def attach(
    principal: Principal,
    assertion_id: str,
    data: bytes,
    content_type: str | None,
    urls: PublicUrls,
    *,
    ports: SupplementPorts,
) -> Supplement:
    """Checks the PDF, keeps it under a random key and stores the next version with its
    signed statement, its `supplement.attached` event and the graduate's notice, together.
    A refused PDF or a failed write leaves nothing behind."""
    assertion, _ = get_owned_assertion(principal, assertion_id, ports=ports)
    if (content_type or "").split(";")[0].strip().lower() != MEDIA_TYPE:
        raise UnsupportedMediaType("send the supplement as application/pdf", field="Content-Type")
    check_pdf(data, MAX_SUPPLEMENT_BYTES)
    key = load_keys(assertion.issuer_id, ports.keys).active(Algorithm.ES256)
    did = urls.did(assertion.issuer_id)
    blob_key = f"supplements/{secrets.token_hex(16)}"
    digest = sri_sha384(data)
    ports.private_blobs.put_private(blob_key, data, MEDIA_TYPE)
    try:
        for _ in range(RETRIES):
            versions = ports.supplements.versions(assertion_id)
            now = ports.clock.now()
            unsigned = Supplement(
                assertion_id=assertion_id,
                issuer_id=assertion.issuer_id,
                version=(versions[-1].version + 1) if versions else 1,
                blob_key=blob_key,
                digest=digest,
                size=len(data),
                attached_at=now,
            )
            claims = statement_claims(
                unsigned, did, ob3.credential_id(assertion_id), urls.assertion(assertion_id)
            )
            with key_service_errors():
                statement = jws.sign_compact(
                    statement_header(f"{did}#{key.key_id}"),
                    claims,
                    signer(ports.key_service, key),
                )
            supplement = unsigned.model_copy(update={"statement": statement})
            announced = [
                events.supplement_changed(
                    EventType.SUPPLEMENT_ATTACHED,
                    assertion.issuer_id,
                    assertion_id,
                    supplement.version,
                    now,
                ),
                events.notice_supplement(
                    assertion.issuer_id, assertion_id, supplement.version, now
                ),
            ]
            try:
                ports.supplements.attach(supplement, announced)
            except ConcurrentUpdate:
                continue
            return supplement
        raise ConcurrentUpdate("another supplement was attached meanwhile; please retry")
    except BaseException:
        ports.private_blobs.delete_private(blob_key)
        raise


def withdraw(principal: Principal, assertion_id: str, *, ports: SupplementPorts) -> Supplement:
    """The current version stops being shown anywhere; it stays in the issuer's audit trail."""
    assertion, _ = get_owned_assertion(principal, assertion_id, ports=ports)
    current = ports.supplements.current(assertion_id)
    if current is None:
        raise NotFound("this badge has no supplement attached", field="assertionId")
    now = ports.clock.now()
    withdrawn = current.model_copy(update={"withdrawn_at": now})
    event = events.supplement_changed(
        EventType.SUPPLEMENT_WITHDRAWN, assertion.issuer_id, assertion_id, current.version, now
    )
    ports.supplements.withdraw(withdrawn, [event])
    return withdrawn


def versions(
    principal: Principal, assertion_id: str, *, ports: SupplementPorts
) -> list[Supplement]:
    get_owned_assertion(principal, assertion_id, ports=ports)
    return ports.supplements.versions(assertion_id)


def issuer_link(
    principal: Principal,
    assertion_id: str,
    version: int | None,
    urls: PublicUrls,
    *,
    ports: SupplementPorts,
) -> str:
    """A download link for the issuer: the current version, or any version for the audit."""
    get_owned_assertion(principal, assertion_id, ports=ports)
    if version is None:
        chosen = ports.supplements.current(assertion_id)
    else:
        chosen = next(
            (s for s in ports.supplements.versions(assertion_id) if s.version == version), None
        )
    if chosen is None:
        raise NotFound("no such supplement version", field="version")
    return _link(chosen, Audience.ISSUER, urls, ports)


# Who sees it -------------------------------------------------------------------------------

_VIEWERS = {
    Audience.ANYONE: Viewer.ANYONE,
    Audience.OWNER: Viewer.OWNER,
    Audience.ISSUER: Viewer.ISSUER,
}
_AUDIENCES = {viewer: audience for audience, viewer in _VIEWERS.items()}


@dataclass(frozen=True)
class SupplementView:
    """The "Diploma Supplement" section, as one viewer may see it right now."""

    version: int
    attached_at: datetime
    digest: str
    size: int
    signed: bool  # the issuer's statement verifies and names exactly this digest and badge
    download_url: str  # made for this view; expires after DOWNLOAD_LIFETIME
    file_name: str
    statement_url: str | None  # only while it is shown to anyone


def disclosed(assertion_id: str, viewer: Viewer, *, ports: ViewPorts) -> Supplement | None:
    """The current version, if `viewer` may see it (the one policy decides); else None."""
    entry = ports.recipients.get_entry(assertion_id)
    assertion = ports.assertions.get_assertion(assertion_id)
    if entry is None or assertion is None:
        return None
    if not disclose(viewer, entry, revoked=assertion.revoked).supplement:
        return None
    return ports.supplements.current(assertion_id)


def public_view(
    assertion_id: str, viewer: Viewer, urls: PublicUrls, *, ports: ViewPorts
) -> SupplementView | None:
    """What a page (verification, backpack, share) shows `viewer`; None: not a word of it."""
    current = disclosed(assertion_id, viewer, ports=ports)
    if current is None:
        return None
    public = disclosed(assertion_id, Viewer.ANYONE, ports=ports) is not None
    return SupplementView(
        version=current.version,
        attached_at=current.attached_at,
        digest=current.digest,
        size=current.size,
        signed=signed_by_issuer(current, urls, ports=ports),
        download_url=_link(current, _AUDIENCES[viewer], urls, ports),
        file_name=file_name(assertion_id, current.version),
        statement_url=statement_url(urls, assertion_id) if public else None,
    )


def own_assertion_id(report: Report, urls: PublicUrls) -> str | None:
    """The id of our own badge a verification report is about, when it verified (valid or
    merely expired): its OB 2.0 assertion URL or its OB 3.0 `urn:uuid:` credential id."""
    if report.verdict not in (Verdict.VALID, Verdict.EXPIRED) or not report.summary:
        return None
    if not report.summary.hosted_here or not isinstance(report.credential, dict):
        return None
    found = report.credential.get("id")
    if not isinstance(found, str):
        return None
    prefix = urls.assertion("")
    for start in (prefix, "urn:uuid:"):
        if found.startswith(start) and "/" not in found[len(start) :]:
            return found[len(start) :] or None
    return None


def signed_by_issuer(supplement: Supplement, urls: PublicUrls, *, ports: ViewPorts) -> bool:
    did = urls.did(supplement.issuer_id)
    for key in ports.keys.list_keys(supplement.issuer_id):
        if (
            key.algorithm is Algorithm.ES256
            and statement_matches(
                supplement.statement,
                key.public_key_pem,
                supplement,
                did,
                ob3.credential_id(supplement.assertion_id),
            )
            and _kid(supplement.statement) == f"{did}#{key.key_id}"
        ):
            return True
    return False


def _kid(token: str) -> str | None:
    import json

    try:
        value = json.loads(jws.b64url_decode(token.split(".", maxsplit=1)[0])).get("kid")
    except (ValueError, AttributeError, IndexError):
        return None
    return value if isinstance(value, str) else None


def statement_url(urls: PublicUrls, assertion_id: str) -> str:
    return f"{urls.assertion(assertion_id)}/supplement/statement"


def download_path(urls: PublicUrls, assertion_id: str) -> str:
    return f"{urls.assertion(assertion_id)}/supplement/download"


def _link(supplement: Supplement, audience: Audience, urls: PublicUrls, ports: ViewPorts) -> str:
    expires = ports.clock.now() + DOWNLOAD_LIFETIME
    link = DownloadLink(
        supplement.assertion_id, supplement.version, audience, int(expires.timestamp())
    )
    query = urlencode(link.query(ports.secret_for(LINK_PURPOSE)))
    return f"{download_path(urls, supplement.assertion_id)}?{query}"


def public_statement(assertion_id: str, *, ports: ViewPorts) -> str:
    """The signed statement, at its stable URL, only while the graduate shows it to anyone."""
    current = disclosed(assertion_id, Viewer.ANYONE, ports=ports)
    if current is None:
        raise NotFound("no such document", field="assertionId")
    return current.statement


def open_download(assertion_id: str, query: dict[str, str | None], *, ports: DownloadPorts) -> str:
    """Where a download link leads now: a storage link of a minute, if the link is genuine
    and unexpired (else 403) and its viewer may still see that version (else 404)."""
    link = read_link(assertion_id, query, ports.secret_for(LINK_PURPOSE), ports.clock.now())
    if link is None:
        raise Forbidden("this download link is not valid or has expired", field="sig")
    viewer = _VIEWERS[link.audience]
    if viewer is Viewer.ISSUER:
        chosen = next(
            (s for s in ports.supplements.versions(assertion_id) if s.version == link.version),
            None,
        )
    else:
        chosen = disclosed(assertion_id, viewer, ports=ports)
    if chosen is None or chosen.version != link.version:
        raise NotFound("no such document", field="assertionId")
    return ports.private_blobs.private_link(
        chosen.blob_key, file_name(assertion_id, chosen.version), BLOB_LINK_LIFETIME
    )
