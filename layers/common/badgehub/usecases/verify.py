"""Verify any Open Badge: fetch what it points to, run the named checks, and report."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeAlias
from urllib.parse import urldefrag, urlsplit

from ..domain import verification as v
from ..domain.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType
from ..domain.verification import (
    Check,
    Json,
    Link,
    Ob2Json,
    Ob3Json,
    Parsed,
    Report,
    ResolvedKey,
    Token,
    Verdict,
)
from ..ports import Fetched, Fetcher, FetchError

__all__ = [
    "MAX_FETCHES",
    "BakedImage",
    "CompactToken",
    "CredentialJson",
    "FetchError",
    "Fetched",
    "Fetcher",
    "Url",
    "VerifySubject",
    "verify",
]

_MAX_LINK_HOPS = 2  # a URL to an image that carries a URL: no further
MAX_FETCHES = 10  # per verification; a real badge needs at most five documents
_CANNOT = ", so we cannot tell whether this badge has been revoked"


@dataclass(frozen=True)
class CredentialJson:
    document: dict[str, Any]


@dataclass(frozen=True)
class CompactToken:
    token: str


@dataclass(frozen=True)
class Url:
    url: str


@dataclass(frozen=True)
class BakedImage:
    data: bytes


VerifySubject: TypeAlias = CredentialJson | CompactToken | Url | BakedImage


def verify(
    subject: VerifySubject,
    fetcher: Fetcher,
    now: datetime,
    recipient_email: str | None = None,
    own_base_url: str | None = None,
) -> Report:
    """The report for one badge, whoever issued it.

    Raises InvalidInput (PayloadTooLarge, UnsupportedMediaType for images) when the input is
    not a badge at all; everything wrong with a badge is a check in the report instead.
    """
    if now.tzinfo is None:
        raise ValueError("now must carry a time zone")
    run = _Run(_Web(fetcher), now, recipient_email, own_base_url)
    return run.parsed(_parse(subject), hops=0)


def _parse(subject: VerifySubject) -> Parsed:
    if isinstance(subject, CredentialJson):
        return v.parse_json(subject.document, "credential")
    if isinstance(subject, CompactToken):
        return v.parse_token(subject.token, "jws")
    if isinstance(subject, Url):
        return v.parse_url(subject.url, "url")
    return _unbaked(subject.data, "image")


def _unbaked(data: bytes, field_name: str) -> Parsed:
    """The badge an image carries. Baking is imported here: only image inputs pay for it."""
    from ..domain import baking

    baked = baking.unbake(data)
    if baked is None:
        raise InvalidInput("This image does not carry a badge.", field=field_name)
    return v.parse_input(baked.payload, field_name)


class _Web:
    """Fetches each URL once per verification: keys and lists are often named twice."""

    def __init__(self, fetcher: Fetcher) -> None:
        self._fetcher = fetcher
        self._seen: dict[str, Fetched | str] = {}

    def get(self, url: str) -> Fetched | str:
        """The answer, or why there is none."""
        address = urldefrag(url).url
        if address not in self._seen:
            if not v.is_web_url(address):
                self._seen[address] = "it is not a web address"
            elif len(self._seen) >= MAX_FETCHES:
                self._seen[address] = "the badge links to too many documents"
            else:
                try:
                    self._seen[address] = self._fetcher.fetch(address)
                except FetchError as exc:
                    self._seen[address] = exc.reason
        return self._seen[address]

    def json(self, url: str, name: str, what: str, consequence: str = "") -> Json | Check:
        """The JSON object at `url`, or an `unverifiable` check named `name` saying why not."""
        got = self.get(url)
        if isinstance(got, str):
            why = got
        elif got.status != 200:
            why = f"the server answered {got.status}"
        else:
            try:
                document = json.loads(got.body)
            except (ValueError, RecursionError):
                document = None
            if isinstance(document, dict) and not v.too_deep(document):
                return document
            why = "it is not a usable JSON document"
        return v.unverifiable(
            name, f"We could not download {what} from {url} ({why}){consequence}."
        )


@dataclass
class _Run:
    web: _Web
    now: datetime
    email: str | None
    own_base_url: str | None
    checks: list[Check] = field(default_factory=list)

    # --- dispatch ------------------------------------------------------------------------------

    def parsed(self, parsed: Parsed, hops: int) -> Report:
        if isinstance(parsed, Link):
            return self.link(parsed.url, hops)
        if isinstance(parsed, Ob2Json):
            return self.ob2_json(parsed.document, supplied=hops == 0)
        if isinstance(parsed, Ob3Json):
            return self.ob3_data_integrity(parsed.document)
        if parsed.kind == "ob2":
            return self.ob2_signed(parsed)
        return self.ob3_jwt(parsed)

    def link(self, url: str, hops: int) -> Report:
        """A URL: what it serves decides the format (JSON, a token, or a baked image)."""
        if hops >= _MAX_LINK_HOPS:
            raise InvalidInput("The address leads to another address, not a badge.", field="url")
        got = self.web.get(url)
        if isinstance(got, str):
            return Report.of([v.unverifiable("fetch", f"We could not download {url} ({got}).")])
        if got.status not in (200, 410):
            return Report.of(
                [
                    v.unverifiable(
                        "fetch", f"We could not download {url} (the server answered {got.status})."
                    )
                ]
            )
        parsed = _parse_fetched(got)
        if got.status == 410 and not isinstance(parsed, Ob2Json):
            return Report.of(
                [v.unverifiable("fetch", f"The server says {url} has been removed (410).")]
            )
        return self.parsed(parsed, hops + 1)

    def finish(self, summary: v.Summary | None, credential: Json | None) -> Report:
        """Never a silent valid: without one passed authenticity check, it is unverifiable."""
        authenticated = any(c.passed and c.name in ("proof", "hosted") for c in self.checks)
        if not authenticated and v.verdict_of(self.checks) is Verdict.VALID:
            self.checks.append(
                v.unverifiable("proof", "Nothing in this badge could be checked with its issuer.")
            )
        return Report.of(self.checks, summary, credential)

    # --- OB 2.0 --------------------------------------------------------------------------------

    def ob2_json(self, document: Json, supplied: bool) -> Report:
        if v.ob2_verification_type(document) == "signed":
            self.checks += v.ob2_assertion_checks(document, signed=True)
            self.checks.append(
                v.unverifiable(
                    "proof",
                    "This is a signed badge, but it was supplied without its signature: "
                    "paste its signed form (the text of three parts separated by dots).",
                )
            )
            badge, issuer = self.ob2_badge_and_issuer(document, record=False)
            summary = v.ob2_summary(document, badge, issuer, "ob2-signed", **self.where())
            return self.finish(summary, document)
        return self.ob2_hosted(document, supplied)

    def ob2_hosted(self, supplied_doc: Json, supplied: bool) -> Report:
        """OB 2.0 hosted: the issuer's own copy, at the assertion's id, is what counts."""
        url = supplied_doc.get("id")
        if not isinstance(url, str) or not v.is_web_url(url):
            self.checks += v.ob2_assertion_checks(supplied_doc, signed=False)
            self.checks.append(
                v.failed("hosted", "The badge does not give the address where its issuer hosts it.")
            )
            return self.finish(self.ob2_best_summary(supplied_doc), supplied_doc)
        got = self.web.get(url)
        if isinstance(got, str) or got.status not in (200, 410):
            why = got if isinstance(got, str) else f"the server answered {got.status}"
            self.checks.append(
                v.unverifiable(
                    "hosted",
                    f"We could not reach the issuer's copy of this badge at {url} ({why}), "
                    "so we cannot confirm it.",
                )
            )
            self.checks += v.ob2_assertion_checks(supplied_doc, signed=False)
            self.checks += v.date_checks(*v.ob2_dates(supplied_doc), self.now)
            return self.finish(self.ob2_best_summary(supplied_doc), supplied_doc)
        hosted = _json_object(got.body)
        if got.status == 410:
            reason = v.text_value((hosted or {}).get("revocationReason"))
            self.checks.append(v.failed("revocation", v.revoked_message(reason), Verdict.REVOKED))
            shown = supplied_doc if "badge" in supplied_doc else (hosted or supplied_doc)
            return Report.of(self.checks, self.ob2_best_summary(shown, reason), shown)
        if hosted is None or v.badge_kind(hosted) != "ob2":
            self.checks.append(
                v.failed("hosted", f"The issuer's site does not serve a badge at {url}.")
            )
            return self.finish(self.ob2_best_summary(supplied_doc), supplied_doc)
        return self.ob2_hosted_copy(url, hosted, supplied_doc if supplied else None)

    def ob2_hosted_copy(self, url: str, hosted: Json, supplied: Json | None) -> Report:
        if hosted.get("id") != url:
            self.checks.append(
                v.failed("hosted", f"The badge at {url} gives a different address as its own.")
            )
        else:
            self.checks.append(v.passed("hosted", "The issuer's website still serves this badge."))
        if supplied is not None and _canonical(supplied) != _canonical(hosted):
            self.checks.append(
                v.warning(
                    "hosted",
                    "The copy you supplied differs from the one the issuer hosts; "
                    "the issuer's copy was checked.",
                )
            )
        reason: str | None = None
        if hosted.get("revoked") is True:
            reason = v.text_value(hosted.get("revocationReason"))
            self.checks.append(v.failed("revocation", v.revoked_message(reason), Verdict.REVOKED))
        else:
            self.checks.append(
                v.passed("revocation", "The issuer's website does not mark this badge as revoked.")
            )
        self.checks += v.ob2_assertion_checks(hosted, signed=False)
        badge, issuer = self.ob2_badge_and_issuer(hosted, record=True)
        if issuer is not None:
            self.checks.append(v.hosted_scope_check(url, issuer))
        self.ob2_common(hosted)
        summary = v.ob2_summary(
            hosted, badge, issuer, "ob2-hosted", revocation_reason=reason, **self.where()
        )
        return self.finish(summary, hosted)

    def ob2_signed(self, token: Token) -> Report:
        """OB 2.0 signed: RS256 by a CryptographicKey its issuer owns and lists."""
        assertion = token.payload
        self.checks += v.ob2_assertion_checks(assertion, signed=True)
        badge, issuer = self.ob2_badge_and_issuer(assertion, record=True)
        if token.header.get("alg") != "RS256":
            self.checks.append(
                v.failed(
                    "proof",
                    f"Open Badges 2.0 signatures use RS256, but this one uses "
                    f"{token.header.get('alg')}.",
                )
            )
        issuer = self.served_issuer(issuer)
        if token.header.get("alg") == "RS256" and issuer is not None:
            self.ob2_signature(token, issuer)
        reason = self.ob2_revocation(assertion, issuer)
        self.ob2_common(assertion)
        summary = v.ob2_summary(
            assertion, badge, issuer, "ob2-signed", revocation_reason=reason, **self.where()
        )
        return self.finish(summary, token.credential)

    def served_issuer(self, issuer: Json | None) -> Json | None:
        """The issuer's profile as served at its id: an embedded copy is the signer's own word,
        so it cannot vouch for the key (nor name the revocation list)."""
        issuer_id = issuer.get("id") if issuer else None
        if issuer is None or not v.is_web_url(issuer_id):
            return issuer
        return self.ob2_node(issuer_id, "the issuer's profile", record=True)

    def ob2_signature(self, token: Token, issuer: Json) -> None:
        verification = v.as_object(token.payload.get("verification")) or {}
        creator = verification.get("creator")
        listed = [k for k in (v.iri(k) for k in v.as_list(issuer.get("publicKey"))) if k]
        if not isinstance(creator, str):
            creator = listed[0] if len(listed) == 1 else None
        if creator is None:
            self.checks.append(
                v.failed("key_resolution", "The badge does not say which key signed it.")
            )
            return
        document = self.web.json(creator, "key_resolution", "the issuer's signing key")
        if isinstance(document, Check):
            self.checks.append(document)
            return
        ownership = v.ob2_key_ownership_check(document, creator, issuer)
        self.checks.append(ownership)
        if not ownership.passed:
            return
        try:
            key = v.key_from_pem(document.get("publicKeyPem"))
        except v.KeyProblem as exc:
            self.checks.append(v.failed("key_resolution", str(exc)))
            return
        self.checks.append(v.jws_proof_check(token, ResolvedKey(creator, str(issuer["id"]), key)))

    def ob2_revocation(self, assertion: Json, issuer: Json | None) -> str | None:
        """The issuer's RevocationList, for signed badges; returns the reason when revoked."""
        if issuer is None:
            return None
        list_url = v.iri(issuer.get("revocationList"))
        if list_url is None:
            self.checks.append(
                v.passed("revocation", "The issuer publishes no revocation list for its badges.")
            )
            return None
        listing = self.web.json(
            list_url,
            "revocation",
            "the issuer's revocation list",
            _CANNOT,
        )
        check = (
            listing if isinstance(listing, Check) else v.ob2_revocation_check(listing, assertion)
        )
        self.checks.append(check)
        if check.effect is Verdict.REVOKED and not isinstance(listing, Check):
            for entry in v.as_list(listing.get("revokedAssertions")):
                if isinstance(entry, dict) and entry.get("id") == assertion.get("id"):
                    return v.text_value(entry.get("revocationReason"))
        return None

    def ob2_badge_and_issuer(
        self, assertion: Json, *, record: bool
    ) -> tuple[Json | None, Json | None]:
        """BadgeClass and issuer Profile, embedded or fetched; checked when `record`."""
        badge = self.ob2_node(assertion.get("badge"), "the badge's description", record)
        if badge is None:
            return None, None
        if record:
            self.checks += v.ob2_badge_checks(badge)
        issuer = self.ob2_node(badge.get("issuer"), "the issuer's profile", record)
        if issuer is not None and record:
            self.checks += v.ob2_issuer_checks(issuer)
        return badge, issuer

    def ob2_node(self, value: object, what: str, record: bool) -> Json | None:
        if isinstance(value, dict):
            return value
        if not isinstance(value, str):
            return None
        document = self.web.json(value, "structure", what)
        if isinstance(document, Check):
            if record:
                self.checks.append(document)
            return None
        if document.get("id") != value:  # else any site could speak for any issuer
            if record:
                self.checks.append(
                    v.failed("structure", f"The document at {value} describes something else.")
                )
            return None
        return document

    def ob2_common(self, assertion: Json) -> None:
        self.checks += v.date_checks(*v.ob2_dates(assertion), self.now)
        if self.email is not None:
            self.checks.append(v.ob2_recipient_check(assertion, self.email))

    def ob2_best_summary(self, assertion: Json, reason: str | None = None) -> v.Summary:
        badge, issuer = self.ob2_badge_and_issuer(assertion, record=False)
        return v.ob2_summary(
            assertion, badge, issuer, "ob2-hosted", revocation_reason=reason, **self.where()
        )

    # --- OB 3.0 --------------------------------------------------------------------------------

    def ob3_data_integrity(self, credential: Json) -> Report:
        self.ob3_content(credential)
        issuer_id = v.ob3_issuer_id(credential)
        proof = v.data_integrity_proof(credential)
        if isinstance(proof, Check):
            self.checks.append(proof)
        else:
            key = self.resolve(proof["verificationMethod"], issuer_id)
            if key is not None:
                self.checks.append(v.data_integrity_check(credential, key))
        return self.ob3_common(credential, "ob3-data-integrity", claims=None)

    def ob3_jwt(self, token: Token) -> Report:
        credential = token.credential
        self.ob3_content(credential)
        self.checks += v.jwt_claim_checks(token, credential)
        problem = v.jwt_algorithm_check(token)
        method_id = v.jwt_method_id(token)
        if problem is not None:
            self.checks.append(problem)
        elif method_id is None:
            self.checks.append(
                v.failed("key_resolution", "The badge does not say which key signed it.")
            )
        else:
            key = self.resolve(method_id, v.ob3_issuer_id(credential))
            if key is not None:
                self.checks.append(v.jws_proof_check(token, key))
        return self.ob3_common(credential, "ob3-jwt", claims=token.payload)

    def ob3_content(self, credential: Json) -> None:
        self.checks += v.ob3_structure_checks(credential)
        self.checks += v.term_checks(credential)
        self.checks += v.schema_checks(credential)

    def ob3_common(self, credential: Json, badge_format: v.Format, claims: Json | None) -> Report:
        reason = self.ob3_status(credential)
        self.checks += v.date_checks(*v.ob3_dates(credential, claims), self.now)
        if self.email is not None:
            self.checks.append(v.ob3_recipient_check(credential, self.email))
        summary = v.ob3_summary(credential, badge_format, revocation_reason=reason, **self.where())
        return self.finish(summary, credential)

    def resolve(self, method_id: str, issuer_id: str | None) -> ResolvedKey | None:
        """The signing key, if found and controlled by the issuer; checks recorded either way."""
        found = _resolve_key(self.web, method_id)
        if isinstance(found, Check):
            self.checks.append(found)
            return None
        key, where = found
        self.checks.append(v.passed("key_resolution", where))
        ownership = v.controller_check(key, issuer_id)
        self.checks.append(ownership)
        return key if ownership.passed else None

    def ob3_status(self, credential: Json) -> str | None:
        """credentialStatus entries; returns the reason when one says the badge is revoked."""
        entries = v.status_entries(credential)
        if not entries:
            self.checks.append(
                v.passed("revocation", "The issuer did not make this badge revocable.")
            )
            return None
        reason: str | None = None
        for entry in entries:
            kind = v.status_type(entry)
            if kind == "BitstringStatusListEntry":
                self.checks.append(self.bitstring_status(entry, credential))
            elif kind == "1EdTechRevocationList":
                check, found = self.edtech_status(entry, credential)
                self.checks.append(check)
                reason = reason or found
            else:
                self.checks.append(
                    v.unverifiable(
                        "revocation",
                        f"The badge uses a revocation method this verifier cannot check "
                        f"({kind}), so we cannot tell whether it has been revoked.",
                    )
                )
        return reason

    def bitstring_status(self, raw_entry: Json, credential: Json) -> Check:
        """The entry's bit, read only from a list the credential's issuer signed."""
        entry = v.read_status_entry(raw_entry)
        if isinstance(entry, Check):
            return entry
        listing = self.web.json(entry.list_url, "revocation", "the issuer's status list", _CANNOT)
        if isinstance(listing, Check):
            return listing
        problem = self.status_list_signature(listing, v.ob3_issuer_id(credential))
        if problem is not None:
            return v.unverifiable("revocation", f"{problem}{_CANNOT}.")
        return v.status_list_check(listing, entry, self.now)

    def status_list_signature(self, listing: Json, issuer_id: str | None) -> str | None:
        """None when the credential's issuer signed the list; else what is wrong, in words."""
        proof = v.data_integrity_proof(listing, "revocation")
        if isinstance(proof, Check):
            return "The issuer's status list is not signed in a way we can check"
        if v.ob3_issuer_id(listing) != issuer_id:
            return "The status list was published by someone other than the issuer"
        found = _resolve_key(self.web, proof["verificationMethod"])
        if isinstance(found, Check):
            return "The key that signed the issuer's status list was not found"
        if found[0].controller != issuer_id:
            return "The issuer's status list was signed with someone else's key"
        if not v.data_integrity_check(listing, found[0]).passed:
            return "The issuer's status list does not match its signature"
        return None

    def edtech_status(self, entry: Json, credential: Json) -> tuple[Check, str | None]:
        url = v.iri(entry)
        listing = self.web.json(
            url or "",
            "revocation",
            "the issuer's revocation list",
            _CANNOT,
        )
        if isinstance(listing, Check):
            return listing, None
        check = v.edtech_revocation_check(listing, credential.get("id"))
        reason = None
        if check.effect is Verdict.REVOKED:
            for item in v.as_list(listing.get("revokedCredentials")):
                if isinstance(item, dict) and item.get("id") == credential.get("id"):
                    reason = v.text_value(item.get("revocationReason"))
        return check, reason

    def where(self) -> dict[str, Any]:
        return {"own_base_url": self.own_base_url}


def _resolve_key(web: _Web, method_id: str) -> tuple[ResolvedKey, str] | Check:
    """The key a verification method names, with a sentence saying where it was found."""
    try:
        if method_id.startswith(("did:key:", "did:jwk:")):
            key = (
                v.did_key_method(method_id)
                if "did:key:" in method_id
                else v.did_jwk_method(method_id)
            )
            method = method_id.split(":", 2)[1]
            return key, f"The signing key is written into the issuer's identifier (did:{method})."
        if method_id.startswith("did:web:"):
            return _resolve_did_web(web, method_id)
        if method_id.startswith("did:"):
            return v.unverifiable(
                "key_resolution",
                "The badge was signed with a key from a kind of identifier this verifier "
                f"cannot look up ({':'.join(method_id.split(':', 2)[:2])}).",
            )
        if v.is_web_url(method_id):
            return _resolve_web_key(web, method_id)
    except v.KeyProblem as exc:
        return v.failed("key_resolution", str(exc))
    return v.failed(
        "key_resolution", "The badge does not say where to find the key that signed it."
    )


def _resolve_did_web(web: _Web, method_id: str) -> tuple[ResolvedKey, str] | Check:
    did = method_id.split("#", 1)[0]
    url = v.did_web_url(did)
    document = web.json(url, "key_resolution", "the issuer's DID document")
    if isinstance(document, Check):
        return document
    key = v.method_from_document(document, did, method_id)
    host = urlsplit(url).netloc
    return key, f"The issuer's DID document on {host} publishes the signing key {key.label}."


def _resolve_web_key(web: _Web, method_id: str) -> tuple[ResolvedKey, str] | Check:
    """A key at an https URL; a key document on its own must be listed by its controller."""
    document = web.json(method_id, "key_resolution", "the issuer's signing key")
    if isinstance(document, Check):
        return document
    key = v.key_document(document, method_id)
    where = f"The signing key {key.label} is published on {urlsplit(method_id).netloc}."
    if key.controller == method_id.split("#", 1)[0]:
        return key, where  # found in its controller's own document
    if not v.is_web_url(key.controller):
        return v.unverifiable(
            "key_resolution",
            f"The signing key names a controller this verifier cannot look up ({key.controller}).",
        )
    controller = web.json(key.controller, "key_resolution", "the key controller's document")
    if isinstance(controller, Check):
        return controller
    v.confirm_listed(controller, key)
    return key, where


def _parse_fetched(got: Fetched) -> Parsed:
    """JSON, a compact token, or a baked image: whatever the address served."""
    body = got.body.lstrip()
    if body.startswith(b"{"):
        return v.parse_json(v.load_json(body, "url"), "url")
    if body.startswith((b"\x89PNG", b"<")):
        try:
            return _unbaked(got.body, "url")
        except (InvalidInput, UnsupportedMediaType):
            raise InvalidInput("The address does not lead to an Open Badge.", field="url") from None
        except PayloadTooLarge as exc:
            raise PayloadTooLarge(exc.message, field="url") from None
    try:
        text = body.decode("ascii").strip()
    except UnicodeDecodeError:
        text = ""
    if text and "." in text and len(text.split(".")) == 3:
        return v.parse_token(text, "url")
    raise InvalidInput("The address does not lead to an Open Badge.", field="url")


def _json_object(body: bytes) -> Json | None:
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) and not v.too_deep(value) else None


def _canonical(document: Mapping[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"))
