"""Open Badges 1.0 and 1.1: read as their Open Badges 2.0 equivalent, as 1EdTech's validator does.

The validator never checks a 1.x document as such: it "upgrades" each one (assertion, badge
class, issuer) to 2.0 and runs its 2.0 checks on the result. The steps, as it takes them:

1. 1.0 (no `@context`): the document gets an `id` (the address it was fetched from, else the
   assertion's `verify.url`), a `type` (Assertion, BadgeClass or Issuer) and the 1.1 context.
2. 1.1: the document is read through the 1.1 context and written with 2.0 terms. Keys that
   context does not define are dropped (JSON-LD drops them; a 1.1 badge that says 2.0's
   `verification` in place of 1.1's `verify` thus says nothing about how to verify it, and
   the validator finds it invalid); `verify` becomes `verification`, and the type names
   `hosted`, `signed` and `IssuerOrg` become `HostedBadge`, `SignedBadge` and `Issuer`.
3. Then: dates without a time zone are read as UTC (a bare date is midnight UTC, a number is
   a Unix time), and alignment's `url`, `name` and `description` become `targetUrl`,
   `targetName` and `targetDescription`.

One reading of ours: 1.x hosting says a revoked badge's address answers 410 or `revoked: true`;
`revoked` keeps its name here (the 1.1 context types it as a date), so both mean revoked.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, Literal, TypeAlias

from .ob2_terms import OB2_CONTEXT
from .values import Json, as_list, as_object, contexts_of

Ob1Version: TypeAlias = Literal["1.0", "1.1"]
NodeClass: TypeAlias = Literal["Assertion", "BadgeClass", "Issuer"]

OB1_CONTEXTS = frozenset(
    {"https://w3id.org/openbadges/v1", "https://openbadgespec.org/v1/context.json"}
)

# Every term the Open Badges 1.1 context (https://w3id.org/openbadges/v1) defines, across its
# two objects; a key outside this set, and not itself an IRI, is not part of a 1.1 badge.
_V1_TERM_LIST = """
    id type about alignment badge badgeOffer badgeTemplate criteria evidence issued issuer
    recipient recipientEmail recipientPassword tag Identity Badge BadgeOffer BadgeTemplate
    address addressCountry addressLocality addressRegion comment created creator description
    email familyName givenName image label name postalCode streetAddress title url PostalAddress
    identityService credential cipherAlgorithm cipherData cipherKey claim digestAlgorithm
    digestValue domain expires initializationVector nonce normalizationAlgorithm owner password
    privateKey privateKeyPem publicKey publicKeyPem publicKeyService revoked signature
    signatureAlgorithm signatureValue EncryptedMessage CryptographicKey GraphSignature2012
    validation Assertion BadgeClass Issuer IssuerOrg Extension hosted signed TypeValidation
    FrameValidation uid hashed salt identity issuedOn verify tags revocationList validatesType
    validationSchema validationFrame
"""
V1_TERMS = frozenset(_V1_TERM_LIST.split())
_RENAMED_KEYS = {"verify": "verification"}
_RENAMED_TYPES = {"hosted": "HostedBadge", "signed": "SignedBadge", "IssuerOrg": "Issuer"}
_ALIGNMENT_TERMS = (
    ("url", "targetUrl"),
    ("name", "targetName"),
    ("description", "targetDescription"),
)
_ZONED = re.compile(r".*T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|z|[+-]\d{2}:?\d{2})")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def node_version(document: Mapping[str, Any]) -> Literal["0.5", "1.0", "1.1", "2.0"]:
    """The version a fetched document follows, as the validator tells: the 1.1 context names
    1.1; no context at all is 1.0 (0.5 when the recipient is plain text); anything else 2.0."""
    if "@context" not in document:
        return "0.5" if isinstance(document.get("recipient"), str) else "1.0"
    if set(contexts_of(document)) & OB1_CONTEXTS:
        return "1.1"
    return "2.0"


def upgrade_ob1(
    document: Mapping[str, Any],
    version: Ob1Version,
    node_id: str | None = None,
    expected: NodeClass | None = None,
) -> Json:
    """The 2.0 equivalent of a 1.0 or 1.1 document; the input is left as it was.

    `node_id` is the address the document was fetched from (a 1.0 document names none of its
    own); `expected` the class the referring document expects (else it is told by content).
    """
    data = copy.deepcopy(dict(document))
    kind = expected or _class_of(data)
    if version == "1.0":
        identifier = node_id or (_hosted_url(data) if kind == "Assertion" else None)
        if identifier is not None:
            data["id"] = identifier
        if kind is not None:
            data["type"] = kind
    upgraded = _in_v2_terms(data)
    upgraded["@context"] = OB2_CONTEXT
    if kind == "Assertion":
        for field in ("issuedOn", "expires"):
            if field in upgraded:
                upgraded[field] = _zoned(upgraded[field])
    elif kind == "BadgeClass" and "alignment" in upgraded:
        upgraded["alignment"] = [_alignment(item) for item in as_list(upgraded["alignment"])]
    return upgraded


def hosted_url(document: Mapping[str, Any], version: Ob1Version) -> str | None:
    """Where the issuer hosts a 1.x assertion: its `verify.url` (1.0) or its `id` (1.1)."""
    if version == "1.0":
        return _hosted_url(document)
    value = document.get("id")
    return value if isinstance(value, str) else None


def _class_of(data: Mapping[str, Any]) -> NodeClass | None:
    """The validator's reading by content: a recipient makes an assertion, criteria a badge
    class, a url an issuer."""
    if data.get("recipient") is not None:
        return "Assertion"
    if data.get("criteria") is not None:
        return "BadgeClass"
    if data.get("url") is not None:
        return "Issuer"
    return None


def _hosted_url(data: Mapping[str, Any]) -> str | None:
    verify = as_object(data.get("verify")) or {}
    url = verify.get("url")
    return url if isinstance(url, str) and verify.get("type") == "hosted" else None


def _in_v2_terms(node: Mapping[str, Any]) -> Json:
    result: Json = {}
    for key, value in node.items():
        if key == "@context" or (key not in V1_TERMS and ":" not in key):
            continue
        name = _RENAMED_KEYS.get(key, key)
        if name != key and name in node:
            continue
        if key == "type":
            result[name] = _type_names(value)
        elif isinstance(value, Mapping):
            result[name] = _in_v2_terms(value)
        elif isinstance(value, list):
            result[name] = [_in_v2_terms(v) if isinstance(v, Mapping) else v for v in value]
        else:
            result[name] = value
    return result


def _type_names(value: Any) -> Any:
    if isinstance(value, str):
        return _RENAMED_TYPES.get(value, value)
    if isinstance(value, list):
        return [_RENAMED_TYPES.get(v, v) if isinstance(v, str) else v for v in value]
    return value


def _zoned(value: Any) -> Any:
    """A date the way 2.0 wants it (with a time zone); what cannot be read is left for the
    structure check to name."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.fullmatch(value)):
        try:
            return datetime.fromtimestamp(float(value), UTC).isoformat()
        except (OverflowError, OSError, ValueError):
            return value
    if not isinstance(value, str) or _ZONED.fullmatch(value):
        return value
    try:
        if "T" in value:
            moment = datetime.fromisoformat(value)
        else:
            day = date.fromisoformat(value)
            moment = datetime(day.year, day.month, day.day)
    except ValueError:
        return value
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def _alignment(item: Any) -> Any:
    if not isinstance(item, Mapping):
        return item
    aligned = dict(item)
    for old, new in _ALIGNMENT_TERMS:
        if aligned.get(old) and not aligned.get(new):
            aligned[new] = aligned.pop(old)
    return aligned
