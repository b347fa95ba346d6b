"""Open Badges 3.0 content: the credential's structure, its JSON-LD terms and its JSON schema."""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import re
from collections.abc import Iterator, Mapping
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from ..bundled import bundled_documents
from ..ob3 import SCHEMA_URL, VC_V2
from .dates import parse_datetime
from .report import Check, failed, passed, structure_checks, warning
from .values import (
    ENDORSEMENT,
    OB3_TYPES,
    VC_V1,
    as_list,
    as_object,
    contexts_of,
    iri,
    text_value,
    types_of,
)

if TYPE_CHECKING:
    from types import ModuleType

SCHEMA_VALIDATOR = "1EdTechJsonSchemaValidator2019"
_OB3_CONTEXT = re.compile(r"https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d+\.\d+)?\.json")
_DATE_TIME_STAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|z|[+-]\d{2}:\d{2})", re.ASCII
)


def _jsonld() -> ModuleType:
    """pyld costs ~90 ms to import: only inputs that need JSON-LD pay for it."""
    from .. import jsonld

    return jsonld


# --- Structure ---------------------------------------------------------------------------------


def ob3_issuer_id(credential: Mapping[str, Any]) -> str | None:
    return iri(credential.get("issuer"))


def ob3_structure_checks(credential: Mapping[str, Any]) -> list[Check]:
    """OB 3.0 AchievementCredential (or EndorsementCredential): contexts in order, id, type,
    issuer, dates, and the subject (the recipient and achievement, or what is endorsed)."""
    problems: list[str] = []
    contexts = as_list(credential.get("@context"))
    v1 = bool(contexts) and contexts[0] == VC_V1
    if not contexts or contexts[0] not in (VC_V2, VC_V1):
        problems.append(
            "The badge's first context (@context) must be the W3C verifiable credentials context."
        )
    if not any(isinstance(c, str) and _OB3_CONTEXT.fullmatch(c) for c in contexts):
        problems.append("The badge does not name the Open Badges 3.0 context (@context).")
    if not isinstance(credential.get("id"), str) or ":" not in credential["id"]:
        problems.append("The badge has no identifier (id).")
    types = types_of(credential)
    endorsement = ENDORSEMENT in types
    if "VerifiableCredential" not in types or not types & {*OB3_TYPES, ENDORSEMENT}:
        problems.append(
            "The badge's type must include VerifiableCredential and OpenBadgeCredential."
        )
    issuer = credential.get("issuer")
    if ob3_issuer_id(credential) is None:
        problems.append("The badge does not identify its issuer (issuer.id).")
    elif isinstance(issuer, dict) and not types_of(issuer) & {"Profile"}:
        problems.append("The badge's issuer is not described as a Profile (issuer.type).")
    problems += _date_problems(credential, v1)
    subjects = as_list(credential.get("credentialSubject"))
    subject = as_object(subjects[0]) if len(subjects) == 1 else None
    if endorsement:
        return _endorsement_checks(problems, subject)
    if subject is None:
        problems.append("The badge does not describe one recipient (credentialSubject).")
    else:
        if not subject.get("identifier") and not isinstance(subject.get("id"), str):
            problems.append(
                "The badge does not say who earned it (credentialSubject.identifier or id)."
            )
        problems += _achievement_problems(subject.get("achievement"))
    return structure_checks(problems, "The badge contains everything Open Badges 3.0 requires.")


def _date_problems(credential: Mapping[str, Any], v1: bool) -> list[str]:
    """VC 2.0 names the dates validFrom/validUntil; VC 1.1, issuanceDate/expirationDate."""
    problems: list[str] = []
    start, end = ("issuanceDate", "expirationDate") if v1 else ("validFrom", "validUntil")
    if start not in credential:
        problems.append(f"The badge has no date from which it is valid ({start}).")
    for field, what in ((start, "start date"), (end, "end date")):
        value = credential.get(field)
        if value is not None and not (
            isinstance(value, str) and _DATE_TIME_STAMP.fullmatch(value) and parse_datetime(value)
        ):
            problems.append(f"The badge's {what} ({field}) is not a date and time with a zone.")
    return problems


def _endorsement_checks(problems: list[str], subject: Mapping[str, Any] | None) -> list[Check]:
    """An EndorsementSubject names what is endorsed (its `id`); the comment is optional."""
    endorsed = subject.get("id") if subject else None
    if subject is None or not isinstance(endorsed, str) or ":" not in endorsed:
        problems.append("The endorsement does not say what it endorses (credentialSubject.id).")
    elif "EndorsementSubject" not in types_of(subject):
        problems.append(
            "The endorsement's subject does not say it is an EndorsementSubject "
            "(credentialSubject.type)."
        )
    return structure_checks(
        problems,
        f"The endorsement contains everything Open Badges 3.0 requires; it endorses {endorsed}.",
    )


def _achievement_problems(value: object) -> list[str]:
    achievement = as_object(value)
    if achievement is None:
        return ["The badge does not describe the achievement (credentialSubject.achievement)."]
    problems: list[str] = []
    if not isinstance(achievement.get("id"), str):
        problems.append("The achievement has no identifier (achievement.id).")
    if "Achievement" not in types_of(achievement):
        problems.append("The achievement does not say it is an Achievement (achievement.type).")
    for field in ("name", "description"):
        if not text_value(achievement.get(field)):
            problems.append(f"The achievement has no {field} (achievement.{field}).")
    criteria = as_object(achievement.get("criteria"))
    if criteria is None or not (iri(criteria) or text_value(criteria.get("narrative"))):
        problems.append("The achievement does not say how it is earned (achievement.criteria).")
    return problems


# --- JSON-LD terms -----------------------------------------------------------------------------


def unknown_contexts(document: Mapping[str, Any]) -> list[str]:
    """Context URLs we do not ship: their terms cannot be read, nor their proofs checked."""
    known = bundled_documents()
    return [c for c in contexts_of(document) if c not in known]


def term_checks(credential: Mapping[str, Any]) -> list[Check]:
    """Terms the contexts leave undefined are dropped from what is signed; strict verifiers
    refuse them, and so do we."""
    unknown = unknown_contexts(credential)
    if unknown:
        return [
            warning(
                "structure",
                "The badge names a JSON-LD context this verifier does not hold "
                f"({', '.join(unknown)}), so its fields could not be checked against it.",
            )
        ]
    jsonld = _jsonld()
    try:
        undefined = _undefined_in_what_is_signed(credential)
    except jsonld.JsonLdError:
        return [failed("structure", "The badge is not well-formed JSON-LD.")]
    if undefined:
        shown = ", ".join(undefined[:5]) + (" and more" if len(undefined) > 5 else "")
        return [
            failed(
                "structure",
                f"The badge contains fields its contexts do not define ({shown}); they are "
                "not covered by its signature, and strict verifiers reject such badges.",
            )
        ]
    return [passed("structure", "Every field in the badge is defined by its contexts.")]


def _undefined_in_what_is_signed(credential: Mapping[str, Any]) -> list[str]:
    """Undefined terms of the documents the proofs cover (the credential without its proofs,
    each proof's options), which the proof checks then find expanded already."""
    from .. import dataintegrity

    found: set[str] = set()
    for where, document in dataintegrity.signed_documents(dict(credential)):
        found.update(
            f"{where}.{term}" if where else term for term in _jsonld().undefined_terms(document)
        )
    return sorted(found)


# --- JSON schema -------------------------------------------------------------------------------


def _jsonschema() -> Any | None:
    """jsonschema is optional at run time: without it the schema check is a warning."""
    try:
        return importlib.import_module("jsonschema")
    except ImportError:
        return None


_KEPT_REFS = 1024  # (reference, subtree) pairs found valid, kept between verifications


@functools.cache
def _schema_validator() -> Any | None:
    module = _jsonschema()
    if module is None:
        return None
    path = files("badgehub") / "data" / "schemas" / "ob_v3p0_achievementcredential_schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    base = module.validators.validator_for(schema)
    if not all(ref.startswith("#/") for ref in _refs(schema)):
        return base(schema)  # a reference out of this document could change: nothing kept
    return module.validators.extend(base, {"$ref": _keeping_valid(base.VALIDATORS["$ref"])})(schema)


def _refs(schema: Any) -> list[str]:
    if isinstance(schema, list):
        return [ref for item in schema for ref in _refs(item)]
    if not isinstance(schema, dict):
        return []
    own = [schema["$ref"]] if isinstance(schema.get("$ref"), str) else []
    return own + [ref for value in schema.values() for ref in _refs(value)]


def _keeping_valid(check_ref: Any) -> Any:
    """jsonschema's `$ref`, remembering which (reference, subtree) pairs were valid.

    Badges of one issuer and achievement repeat most of their content (issuer, achievement,
    status entry, schema entry), and the schema checks each part through a reference into this
    one document (only `#/...` references: the caller checks), so a part seen valid before is
    valid again. Anything not found valid is checked in full and reported exactly as
    jsonschema reports it. Kept by a digest of the subtree's JSON.
    """
    kept: dict[bytes, None] = {}

    def ref(validator: Any, reference: str, instance: Any, schema: Any) -> Iterator[Any]:
        key = _subtree_key(reference, instance)
        if key is not None and key in kept:
            return
        errors = list(check_ref(validator, reference, instance, schema) or ())
        if errors:
            yield from errors
            return
        if key is not None:
            if len(kept) >= _KEPT_REFS:
                del kept[next(iter(kept))]
            kept[key] = None

    return ref


def _subtree_key(reference: str, instance: Any) -> bytes | None:
    try:
        text = json.dumps(instance, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        return None
    digest = hashlib.sha256(reference.encode("utf-8") + b"\0")
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.digest()


def schema_checks(credential: Mapping[str, Any]) -> list[Check]:
    """The 1EdTech JSON schema the credential names, when it is the one we ship."""
    checks: list[Check] = []
    for entry in as_list(credential.get("credentialSchema")):
        schema_id = iri(entry)
        kind = entry.get("type") if isinstance(entry, dict) else None
        if kind != SCHEMA_VALIDATOR or schema_id != SCHEMA_URL:
            checks.append(
                warning(
                    "schema",
                    f"The badge names a schema this verifier does not hold ({schema_id}); "
                    "it was not checked.",
                )
            )
            continue
        if VC_V2 not in contexts_of(credential):
            checks.append(
                warning(
                    "schema",
                    "The badge's schema was not checked: the schema we hold is for "
                    "Verifiable Credentials 2.0 and this badge uses version 1.1.",
                )
            )
            continue
        validator = _schema_validator()
        if validator is None:
            checks.append(
                warning("schema", "The badge's schema was not checked (no validator available).")
            )
            continue
        errors = sorted(validator.iter_errors(dict(credential)), key=lambda e: list(e.path))
        if errors:
            first = errors[0]
            where = ".".join(str(p) for p in first.path) or "the top level"
            message = str(first.message)
            shown = repr(first.instance)
            if message.startswith(shown):  # jsonschema starts with the whole offending value
                message = "the value" + message[len(shown) :]
            message = message if len(message) <= 160 else message[:157] + "..."
            checks.append(
                failed(
                    "schema",
                    f"The badge does not follow the Open Badges 3.0 schema ({where}: {message}).",
                )
            )
        else:
            checks.append(passed("schema", "The badge follows the Open Badges 3.0 schema."))
    return checks
