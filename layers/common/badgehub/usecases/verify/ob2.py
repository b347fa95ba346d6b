"""Verifying an Open Badges 2.0 assertion: hosted by its issuer, or signed with its key."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ...domain.verification.dates import date_checks, ob2_dates
from ...domain.verification.inputs import LegacyBadge, Token, badge_kind
from ...domain.verification.keys import KeyProblem, ResolvedKey, key_from_pem
from ...domain.verification.ob1 import NodeClass, Ob1Version, hosted_url, node_version, upgrade_ob1
from ...domain.verification.ob2 import (
    hosted_scope_check,
    ob2_assertion_checks,
    ob2_badge_checks,
    ob2_issuer_checks,
    ob2_key_ownership_check,
    ob2_revocation_check,
    ob2_verification_type,
)
from ...domain.verification.ob2_terms import ob2_terms
from ...domain.verification.recipient import ob2_recipient_check
from ...domain.verification.report import (
    Check,
    Format,
    Report,
    Summary,
    Verdict,
    failed,
    passed,
    unverifiable,
    warning,
)
from ...domain.verification.signatures import jws_proof_check
from ...domain.verification.status import revoked_message
from ...domain.verification.summary import ob2_summary
from ...domain.verification.values import Json, as_list, as_object, iri, is_web_url, text_value
from .run import CANNOT_TELL, Run
from .web import json_object


class Ob2Run(Run):
    """The OB 2.0 steps of a run: the issuer's hosted copy, its key and its revocation list.

    An Open Badges 1.0/1.1 badge takes the same steps, on its 2.0 equivalent: each document it
    leads to (the hosted copy, badge class, issuer) is upgraded as it is read."""

    legacy: Ob1Version | None = None

    def ob1_json(self, badge: LegacyBadge, supplied: bool) -> Report:
        """Open Badges 1.0/1.1 hosted: the checks of 2.0, on what the badge says in 2.0 terms."""
        version: Ob1Version = "1.0" if badge.version == "1.0" else "1.1"
        self.legacy = version
        self.checks.append(
            passed(
                "version",
                f"This is an Open Badges {version} badge: it was read as its Open Badges 2.0 "
                "equivalent, as the 1EdTech validator does, and checked like one.",
            )
        )
        document = upgrade_ob1(badge.document, version, hosted_url(badge.document, version))
        if "verification" in badge.document and "verification" not in document:
            self.checks.append(
                warning(
                    "structure",
                    f"Open Badges {version} calls how a badge is verified `verify`; this badge "
                    "says `verification`, a 2.0 name its context does not define, so it was "
                    "ignored (as the 1EdTech validator ignores it).",
                )
            )
        if ob2_verification_type(document) == "signed":
            self.checks.append(
                unverifiable(
                    "proof",
                    f"This is a signed Open Badges {version} badge; this verifier checks "
                    "Open Badges 1.x badges hosted by their issuer, not signed ones.",
                )
            )
            return self.finish(self.ob2_best_summary(document), badge.document)
        return self.ob2_hosted(document, supplied, badge.document)

    @property
    def hosted_format(self) -> Format:
        return "ob1-hosted" if self.legacy else "ob2-hosted"

    def ob2_read(self, found: Json, url: str, expected: NodeClass) -> Json:
        """A fetched document in 2.0 terms: upgraded from 1.x when this run is of a 1.x badge."""
        if self.legacy is not None:
            version = node_version(found)
            if version in ("1.0", "1.1"):
                return upgrade_ob1(found, "1.0" if version == "1.0" else "1.1", url, expected)
        return ob2_terms(found)

    def ob2_json(self, given: Json, supplied: bool) -> Report:
        """Checks read the document as its context defines it; the report shows it as given."""
        document = ob2_terms(given)
        if ob2_verification_type(document) == "signed":
            self.checks += ob2_assertion_checks(document, signed=True)
            self.checks.append(
                unverifiable(
                    "proof",
                    "This is a signed badge, but it was supplied without its signature: "
                    "paste its signed form (the text of three parts separated by dots).",
                )
            )
            badge, issuer = self.ob2_badge_and_issuer(document, record=False)
            summary = ob2_summary(document, badge, issuer, "ob2-signed", **self.where())
            return self.finish(summary, given)
        return self.ob2_hosted(document, supplied, given)

    def ob2_hosted(self, supplied_doc: Json, supplied: bool, given: Json) -> Report:
        """OB 2.0 hosted: the issuer's own copy, at the assertion's id, is what counts."""
        url = supplied_doc.get("id")
        if not isinstance(url, str) or not is_web_url(url):
            self.checks += ob2_assertion_checks(supplied_doc, signed=False)
            self.checks.append(
                failed("hosted", "The badge does not give the address where its issuer hosts it.")
            )
            return self.finish(self.ob2_best_summary(supplied_doc), given)
        got = self.web.get(url)
        if isinstance(got, str) or got.status not in (200, 410):
            why = got if isinstance(got, str) else f"the server answered {got.status}"
            self.checks.append(
                unverifiable(
                    "hosted",
                    f"We could not reach the issuer's copy of this badge at {url} ({why}), "
                    "so we cannot confirm it.",
                )
            )
            self.checks += ob2_assertion_checks(supplied_doc, signed=False)
            self.checks += date_checks(*ob2_dates(supplied_doc), self.now)
            return self.finish(self.ob2_best_summary(supplied_doc), given)
        served = json_object(got.body)
        hosted = self.ob2_read(served, url, "Assertion") if served is not None else None
        if got.status == 410:
            reason = text_value((hosted or {}).get("revocationReason"))
            self.checks.append(failed("revocation", revoked_message(reason), Verdict.REVOKED))
            best = supplied_doc if "badge" in supplied_doc else (hosted or supplied_doc)
            shown = given if "badge" in supplied_doc else (served or given)
            return Report.of(self.checks, self.ob2_best_summary(best, reason), shown)
        if served is None or hosted is None or badge_kind(hosted) != "ob2":
            self.checks.append(
                failed("hosted", f"The issuer's site does not serve a badge at {url}.")
            )
            return self.finish(self.ob2_best_summary(supplied_doc), given)
        return self.ob2_hosted_copy(url, hosted, supplied_doc if supplied else None, served)

    def ob2_hosted_copy(
        self, url: str, hosted: Json, supplied: Json | None, served: Json
    ) -> Report:
        if hosted.get("id") != url:
            self.checks.append(
                failed("hosted", f"The badge at {url} gives a different address as its own.")
            )
        else:
            self.checks.append(passed("hosted", "The issuer's website still serves this badge."))
        if supplied is not None and _canonical(supplied) != _canonical(hosted):
            self.checks.append(
                warning(
                    "hosted",
                    "The copy you supplied differs from the one the issuer hosts; "
                    "the issuer's copy was checked.",
                )
            )
        reason: str | None = None
        if hosted.get("revoked") is True:
            reason = text_value(hosted.get("revocationReason"))
            self.checks.append(failed("revocation", revoked_message(reason), Verdict.REVOKED))
        else:
            self.checks.append(
                passed("revocation", "The issuer's website does not mark this badge as revoked.")
            )
        self.checks += ob2_assertion_checks(hosted, signed=False)
        badge, issuer = self.ob2_badge_and_issuer(hosted, record=True)
        if issuer is not None:
            self.checks.append(hosted_scope_check(url, issuer))
        self.ob2_common(hosted)
        summary = ob2_summary(
            hosted, badge, issuer, self.hosted_format, revocation_reason=reason, **self.where()
        )
        return self.finish(summary, served)

    def ob2_signed(self, token: Token) -> Report:
        """OB 2.0 signed: RS256 by a CryptographicKey its issuer owns and lists."""
        assertion = ob2_terms(token.payload)
        self.checks += ob2_assertion_checks(assertion, signed=True)
        badge, issuer = self.ob2_badge_and_issuer(assertion, record=True)
        if token.header.get("alg") != "RS256":
            self.checks.append(
                failed(
                    "proof",
                    f"Open Badges 2.0 signatures use RS256, but this one uses "
                    f"{token.header.get('alg')}.",
                )
            )
        issuer = self.served_issuer(issuer)
        if token.header.get("alg") == "RS256" and issuer is not None:
            self.ob2_signature(token, assertion, issuer)
        reason = self.ob2_revocation(assertion, issuer)
        self.ob2_common(assertion)
        summary = ob2_summary(
            assertion, badge, issuer, "ob2-signed", revocation_reason=reason, **self.where()
        )
        return self.finish(summary, token.credential)

    def served_issuer(self, issuer: Json | None) -> Json | None:
        """The issuer's profile as served at its id: an embedded copy is the signer's own word,
        so it cannot vouch for the key (nor name the revocation list)."""
        issuer_id = issuer.get("id") if issuer else None
        if issuer is None or not is_web_url(issuer_id):
            return issuer
        return self.ob2_node(issuer_id, "the issuer's profile", record=True, expected="Issuer")

    def ob2_signature(self, token: Token, assertion: Json, issuer: Json) -> None:
        verification = as_object(assertion.get("verification")) or {}
        creator = verification.get("creator")
        listed = [k for k in (iri(k) for k in as_list(issuer.get("publicKey"))) if k]
        if not isinstance(creator, str):
            creator = listed[0] if len(listed) == 1 else None
        if creator is None:
            self.checks.append(
                failed("key_resolution", "The badge does not say which key signed it.")
            )
            return
        found = self.web.json(creator, "key_resolution", "the issuer's signing key")
        if isinstance(found, Check):
            self.checks.append(found)
            return
        document = ob2_terms(found)
        ownership = ob2_key_ownership_check(document, creator, issuer)
        self.checks.append(ownership)
        if not ownership.passed:
            return
        try:
            key = key_from_pem(document.get("publicKeyPem"))
        except KeyProblem as exc:
            self.checks.append(failed("key_resolution", str(exc)))
            return
        self.checks.append(jws_proof_check(token, ResolvedKey(creator, str(issuer["id"]), key)))

    def ob2_revocation(self, assertion: Json, issuer: Json | None) -> str | None:
        """The issuer's RevocationList, for signed badges; returns the reason when revoked."""
        if issuer is None:
            return None
        list_url = iri(issuer.get("revocationList"))
        if list_url is None:
            self.checks.append(
                passed("revocation", "The issuer publishes no revocation list for its badges.")
            )
            return None
        listing = self.web.json(
            list_url,
            "revocation",
            "the issuer's revocation list",
            CANNOT_TELL,
        )
        if not isinstance(listing, Check):
            listing = ob2_terms(listing)
        check = listing if isinstance(listing, Check) else ob2_revocation_check(listing, assertion)
        self.checks.append(check)
        if check.effect is Verdict.REVOKED and not isinstance(listing, Check):
            for entry in as_list(listing.get("revokedAssertions")):
                if isinstance(entry, dict) and entry.get("id") == assertion.get("id"):
                    return text_value(entry.get("revocationReason"))
        return None

    def ob2_badge_and_issuer(
        self, assertion: Json, *, record: bool
    ) -> tuple[Json | None, Json | None]:
        """BadgeClass and issuer Profile, embedded or fetched; checked when `record`."""
        badge = self.ob2_node(
            assertion.get("badge"), "the badge's description", record, expected="BadgeClass"
        )
        if badge is None:
            return None, None
        if record:
            self.checks += ob2_badge_checks(badge)
        issuer = self.ob2_node(
            badge.get("issuer"), "the issuer's profile", record, expected="Issuer"
        )
        if issuer is not None and record:
            self.checks += ob2_issuer_checks(issuer)
        return badge, issuer

    def ob2_node(
        self, value: object, what: str, record: bool, expected: NodeClass = "BadgeClass"
    ) -> Json | None:
        if isinstance(value, dict):
            return value
        if not isinstance(value, str):
            return None
        found = self.web.json(value, "structure", what)
        if isinstance(found, Check):
            if record:
                self.checks.append(found)
            return None
        document = self.ob2_read(found, value, expected)
        if document.get("id") != value:  # else any site could speak for any issuer
            if record:
                self.checks.append(
                    failed("structure", f"The document at {value} describes something else.")
                )
            return None
        return document

    def ob2_common(self, assertion: Json) -> None:
        self.checks += date_checks(*ob2_dates(assertion), self.now)
        if self.email is not None:
            self.checks.append(ob2_recipient_check(assertion, self.email))

    def ob2_best_summary(self, assertion: Json, reason: str | None = None) -> Summary:
        badge, issuer = self.ob2_badge_and_issuer(assertion, record=False)
        return ob2_summary(
            assertion, badge, issuer, self.hosted_format, revocation_reason=reason, **self.where()
        )


def _canonical(document: Mapping[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"))
