"""Verifying an Open Badges 3.0 credential: a Data Integrity proof or a VC-JWT, and its status."""

from __future__ import annotations

from ...domain.errors import DomainError
from ...domain.verification.dates import date_checks, ob3_dates
from ...domain.verification.endorsements import (
    MAX_ENDORSEMENTS,
    Carried,
    carried_endorsements,
    endorsement_check,
    not_an_endorsement,
    too_many_endorsements,
)
from ...domain.verification.inputs import Token, parse_token
from ...domain.verification.keys import ResolvedKey, controller_check, same_key
from ...domain.verification.ob3 import (
    ob3_issuer_id,
    ob3_structure_checks,
    schema_checks,
    term_checks,
)
from ...domain.verification.recipient import ob3_recipient_check
from ...domain.verification.report import (
    Check,
    Format,
    Report,
    Verdict,
    failed,
    passed,
    unverifiable,
)
from ...domain.verification.signatures import (
    carried_key_check,
    data_integrity_check,
    data_integrity_proof,
    data_integrity_proofs,
    header_key,
    jws_proof_check,
    jwt_algorithm_check,
    jwt_claim_checks,
    jwt_method_id,
)
from ...domain.verification.status import (
    edtech_revocation_check,
    read_status_entry,
    status_entries,
    status_list_check,
    status_type,
)
from ...domain.verification.summary import ob3_summary
from ...domain.verification.values import ENDORSEMENT, Json, as_list, iri, text_value, types_of
from .keys import bind_header_key, resolve_key
from .run import CANNOT_TELL, Run


class Ob3Run(Run):
    """The OB 3.0 steps of a run: content, the proof or token, the key, and status entries."""

    endorsed_by_others = True  # an endorsement's own endorsements are not followed

    def ob3_data_integrity(self, credential: Json) -> Report:
        self.ob3_content(credential)
        self.proof_set(credential)
        return self.ob3_common(credential, "ob3-data-integrity", claims=None)

    def proof_set(self, credential: Json) -> None:
        """Every proof, each with the issuer's key it names (each key looked up once)."""
        issuer_id = ob3_issuer_id(credential)
        keys: dict[str, ResolvedKey | None] = {}
        for item in data_integrity_proofs(credential):
            if isinstance(item, Check):
                self.checks.append(item)
                continue
            method = item.proof["verificationMethod"]
            if method not in keys:
                keys[method] = self.resolve(method, issuer_id)
            key = keys[method]
            if key is not None:
                self.checks.append(data_integrity_check(credential, key, item))

    def ob3_jwt(self, token: Token) -> Report:
        credential = token.credential
        self.ob3_content(credential)
        self.checks += jwt_claim_checks(token, credential)
        problem = jwt_algorithm_check(token)
        if problem is not None:
            self.checks.append(problem)
        else:
            key = self.jwt_key(token, ob3_issuer_id(credential))
            if key is not None:
                self.checks.append(jws_proof_check(token, key))
        return self.ob3_common(credential, "ob3-jwt", claims=token.payload)

    def jwt_key(self, token: Token, issuer_id: str | None) -> ResolvedKey | None:
        """The issuer's key the token names (`kid`), or the one it carries (`jwk`)."""
        jwk = token.header.get("jwk")
        carried = header_key(token)
        if isinstance(carried, Check):
            self.checks.append(carried)
            return None
        method_id = jwt_method_id(token) if carried is None or token.header.get("kid") else None
        if method_id is not None:
            key = self.resolve(method_id, issuer_id)
            if key is not None and carried is not None and not same_key(key.key, carried):
                self.checks.append(
                    failed(
                        "key_resolution",
                        "The token carries a key (jwk) other than the one it names (kid).",
                    )
                )
                return None
            return key
        if carried is None or not isinstance(jwk, dict):
            self.checks.append(
                failed("key_resolution", "The badge does not say which key signed it.")
            )
            return None
        found = bind_header_key(self.web, carried, issuer_id)
        if isinstance(found, Check):
            self.checks.append(found)
            self.checks.append(carried_key_check(token, carried, jwk))
            return None
        key, where = found
        self.checks.append(passed("key_resolution", where))
        return key

    def ob3_content(self, credential: Json) -> None:
        self.checks += ob3_structure_checks(credential)
        self.checks += term_checks(credential)
        self.checks += schema_checks(credential)

    def ob3_common(self, credential: Json, badge_format: Format, claims: Json | None) -> Report:
        reason = self.ob3_status(credential)
        self.checks += date_checks(*ob3_dates(credential, claims), self.now)
        if self.email is not None:
            self.checks.append(ob3_recipient_check(credential, self.email))
        if self.endorsed_by_others:
            self.endorsements(credential)
        summary = ob3_summary(credential, badge_format, revocation_reason=reason, **self.where())
        return self.finish(summary, credential)

    def endorsements(self, credential: Json) -> None:
        """Each endorsement the badge carries, verified like a badge into one check of its own.
        They come after the badge's own checks, so they only spend what fetches are left."""
        found = carried_endorsements(credential)
        for carried in found[:MAX_ENDORSEMENTS]:
            self.checks.append(self.endorsement(carried))
        if len(found) > MAX_ENDORSEMENTS:
            self.checks.append(too_many_endorsements(len(found) - MAX_ENDORSEMENTS))

    def endorsement(self, carried: Carried) -> Check:
        run = Ob3Run(self.web, self.now, None, self.own_base_url)
        run.endorsed_by_others = False
        if isinstance(carried.value, str):
            try:
                token = parse_token(carried.value, "endorsementJwt")
            except DomainError as exc:
                return not_an_endorsement(carried, exc.message)
            if not isinstance(token, Token) or token.kind != "ob3":
                return not_an_endorsement(carried, "it is not an Open Badges 3.0 credential")
            if ENDORSEMENT not in types_of(token.credential):
                return not_an_endorsement(carried, "it is not an EndorsementCredential")
            return endorsement_check(carried, run.ob3_jwt(token))
        document = dict(carried.value)
        if ENDORSEMENT not in types_of(document):
            return not_an_endorsement(carried, "it is not an EndorsementCredential")
        return endorsement_check(carried, run.ob3_data_integrity(document))

    def resolve(self, method_id: str, issuer_id: str | None) -> ResolvedKey | None:
        """The signing key, if found and controlled by the issuer; checks recorded either way."""
        found = resolve_key(self.web, method_id)
        if isinstance(found, Check):
            self.checks.append(found)
            return None
        key, where = found
        self.checks.append(passed("key_resolution", where))
        ownership = controller_check(key, issuer_id)
        self.checks.append(ownership)
        return key if ownership.passed else None

    def ob3_status(self, credential: Json) -> str | None:
        """credentialStatus entries; returns the reason when one says the badge is revoked."""
        entries = status_entries(credential)
        if not entries:
            self.checks.append(
                passed("revocation", "The issuer did not make this badge revocable.")
            )
            return None
        reason: str | None = None
        for entry in entries:
            kind = status_type(entry)
            if kind == "BitstringStatusListEntry":
                self.checks.append(self.bitstring_status(entry, credential))
            elif kind == "1EdTechRevocationList":
                check, found = self.edtech_status(entry, credential)
                self.checks.append(check)
                reason = reason or found
            else:
                self.checks.append(
                    unverifiable(
                        "revocation",
                        f"The badge uses a revocation method this verifier cannot check "
                        f"({kind}), so we cannot tell whether it has been revoked.",
                    )
                )
        return reason

    def bitstring_status(self, raw_entry: Json, credential: Json) -> Check:
        """The entry's bit, read only from a list the credential's issuer signed."""
        entry = read_status_entry(raw_entry)
        if isinstance(entry, Check):
            return entry
        listing = self.web.json(
            entry.list_url, "revocation", "the issuer's status list", CANNOT_TELL
        )
        if isinstance(listing, Check):
            return listing
        problem = self.status_list_signature(listing, ob3_issuer_id(credential))
        if problem is not None:
            return unverifiable("revocation", f"{problem}{CANNOT_TELL}.")
        return status_list_check(listing, entry, self.now)

    def status_list_signature(self, listing: Json, issuer_id: str | None) -> str | None:
        """None when the credential's issuer signed the list; else what is wrong, in words."""
        proof = data_integrity_proof(listing, "revocation")
        if isinstance(proof, Check):
            return "The issuer's status list is not signed in a way we can check"
        if ob3_issuer_id(listing) != issuer_id:
            return "The status list was published by someone other than the issuer"
        found = resolve_key(self.web, proof["verificationMethod"])
        if isinstance(found, Check):
            return "The key that signed the issuer's status list was not found"
        if found[0].controller != issuer_id:
            return "The issuer's status list was signed with someone else's key"
        if not data_integrity_check(listing, found[0]).passed:
            return "The issuer's status list does not match its signature"
        return None

    def edtech_status(self, entry: Json, credential: Json) -> tuple[Check, str | None]:
        url = iri(entry)
        listing = self.web.json(
            url or "",
            "revocation",
            "the issuer's revocation list",
            CANNOT_TELL,
        )
        if isinstance(listing, Check):
            return listing, None
        check = edtech_revocation_check(listing, credential.get("id"))
        reason = None
        if check.effect is Verdict.REVOKED:
            for item in as_list(listing.get("revokedCredentials")):
                if isinstance(item, dict) and item.get("id") == credential.get("id"):
                    reason = text_value(item.get("revocationReason"))
        return check, reason
