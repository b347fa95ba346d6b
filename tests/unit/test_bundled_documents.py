"""The JSON-LD contexts and JSON schema bundled under ``badgehub/data``.

Canonicalisation and schema validation resolve these documents locally and
never over the network, so the bundled bytes must be exactly the pinned ones
and must define every term our credentials use.
"""

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "layers" / "common" / "badgehub" / "data"
MANIFEST_PATH = DATA_DIR / "manifest.json"

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_V3P0_EARLIER = (
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
)
OB_V3P0_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DID_V1 = "https://www.w3.org/ns/did/v1"
OB_V2 = "https://w3id.org/openbadges/v2"
ACHIEVEMENT_CREDENTIAL_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)

REQUIRED_URLS = {
    VC_V2,
    VC_V1,
    *OB_V3P0_EARLIER,
    OB_V3P0,
    OB_V3P0_EXTENSIONS,
    DATA_INTEGRITY_V2,
    MULTIKEY_V1,
    DID_V1,
    OB_V2,
    ACHIEVEMENT_CREDENTIAL_SCHEMA,
}


def load_manifest() -> list[dict[str, str]]:
    manifest = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    documents: list[dict[str, str]] = manifest["documents"]
    return documents


MANIFEST = load_manifest()
CONTEXT_ENTRIES = [entry for entry in MANIFEST if entry["file"].startswith("contexts/")]
SCHEMA_ENTRIES = [entry for entry in MANIFEST if entry["file"].startswith("schemas/")]


def entry_id(entry: dict[str, str]) -> str:
    return entry["file"]


def document_for(url: str) -> dict[str, Any]:
    for entry in MANIFEST:
        if entry["url"] == url:
            document: dict[str, Any] = json.loads((DATA_DIR / entry["file"]).read_bytes())
            return document
    raise AssertionError(f"{url} is not in the manifest")


def term_definition(context_document: dict[str, Any], *path: str) -> Any:
    """The definition of a term, following type-scoped and property-scoped contexts.

    ``term_definition(doc, "IdentityObject", "identityHash")`` is the definition of
    ``identityHash`` inside the context scoped to ``IdentityObject``.
    """
    context: Any = context_document["@context"]
    definition: Any = None
    for index, term in enumerate(path):
        where = "/".join(path[: index + 1])
        assert isinstance(context, dict), f"no local context to look up {where}"
        assert term in context, f"term {where} is not defined"
        definition = context[term]
        context = definition.get("@context") if isinstance(definition, dict) else None
    return definition


def iri_of(definition: Any) -> str:
    iri = definition["@id"] if isinstance(definition, dict) else definition
    assert isinstance(iri, str)
    return iri


def walk(node: Any) -> list[tuple[str, Any]]:
    """Every (key, value) pair in a JSON document, depth first."""
    pairs: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            pairs.append((key, value))
            pairs.extend(walk(value))
    elif isinstance(node, list):
        for item in node:
            pairs.extend(walk(item))
    return pairs


# --- manifest ---------------------------------------------------------------


def test_manifest_covers_every_required_document() -> None:
    assert {entry["url"] for entry in MANIFEST} >= REQUIRED_URLS


def test_manifest_urls_and_files_are_unique() -> None:
    assert len({entry["url"] for entry in MANIFEST}) == len(MANIFEST)
    assert len({entry["file"] for entry in MANIFEST}) == len(MANIFEST)


def test_manifest_entries_are_complete() -> None:
    for entry in MANIFEST:
        assert set(entry) >= {"url", "file", "sha256", "source"}, entry
        assert entry["url"].startswith("https://"), entry
        assert entry["source"].strip(), entry
        assert len(entry["sha256"]) == 64, entry
        int(entry["sha256"], 16)


def test_every_bundled_file_is_in_the_manifest() -> None:
    on_disk = {
        path.relative_to(DATA_DIR).as_posix()
        for folder in ("contexts", "schemas")
        for path in (DATA_DIR / folder).iterdir()
        if path.is_file()
    }
    assert on_disk == {entry["file"] for entry in MANIFEST}


@pytest.mark.parametrize("entry", MANIFEST, ids=entry_id)
def test_bundled_file_exists(entry: dict[str, str]) -> None:
    path = DATA_DIR / entry["file"]
    assert path.is_file()
    assert path.resolve().is_relative_to(DATA_DIR.resolve())


@pytest.mark.parametrize("entry", MANIFEST, ids=entry_id)
def test_bundled_file_matches_its_pinned_sha256(entry: dict[str, str]) -> None:
    digest = hashlib.sha256((DATA_DIR / entry["file"]).read_bytes()).hexdigest()
    assert digest == entry["sha256"]


@pytest.mark.parametrize("entry", MANIFEST, ids=entry_id)
def test_bundled_file_parses_as_a_json_object(entry: dict[str, str]) -> None:
    document = json.loads((DATA_DIR / entry["file"]).read_bytes())
    assert isinstance(document, dict)


# --- contexts ---------------------------------------------------------------


@pytest.mark.parametrize("entry", CONTEXT_ENTRIES, ids=entry_id)
def test_context_document_has_a_context_object(entry: dict[str, str]) -> None:
    document = json.loads((DATA_DIR / entry["file"]).read_bytes())
    assert isinstance(document.get("@context"), dict)


@pytest.mark.parametrize("entry", CONTEXT_ENTRIES, ids=entry_id)
def test_context_document_pulls_in_no_remote_context(entry: dict[str, str]) -> None:
    document = json.loads((DATA_DIR / entry["file"]).read_bytes())
    for key, value in walk(document):
        assert key != "@import", entry["file"]
        if key == "@context":
            assert isinstance(value, dict) or value is None, entry["file"]


@pytest.mark.parametrize(
    "path",
    [
        ("OpenBadgeCredential",),
        ("AchievementCredential",),
        ("Achievement",),
        ("Achievement", "achievementType"),
        ("Achievement", "alignment"),
        ("Achievement", "creator"),
        ("Achievement", "criteria"),
        ("Achievement", "image"),
        ("Achievement", "tag"),
        ("AchievementSubject",),
        ("AchievementSubject", "achievement"),
        ("AchievementSubject", "identifier"),
        ("AchievementSubject", "image"),
        ("AchievementSubject", "result"),
        ("IdentityObject",),
        ("IdentityObject", "identityHash"),
        ("IdentityObject", "identityType"),
        ("IdentityObject", "hashed"),
        ("IdentityObject", "salt"),
        ("Profile",),
        ("Profile", "email"),
        ("Profile", "phone"),
        ("Profile", "address"),
        ("Image",),
        ("Image", "caption"),
        ("Criteria",),
        ("Alignment",),
        ("Alignment", "targetName"),
        ("Alignment", "targetUrl"),
        ("Evidence",),
        ("EndorsementCredential",),
        ("Result",),
        ("name",),
        ("description",),
        ("image",),
        ("narrative",),
        ("url",),
        ("endorsement",),
        ("awardedDate",),
    ],
    ids="/".join,
)
def test_ob_v3p0_context_defines_term(path: tuple[str, ...]) -> None:
    term_definition(document_for(OB_V3P0), *path)


def test_ob_v3p0_context_maps_terms_to_the_ob_vocabulary() -> None:
    context = document_for(OB_V3P0)
    vocab = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
    assert iri_of(term_definition(context, "AchievementSubject")) == f"{vocab}AchievementSubject"
    assert iri_of(term_definition(context, "AchievementSubject", "achievement")) == (
        f"{vocab}achievement"
    )
    assert iri_of(term_definition(context, "IdentityObject", "identityHash")) == (
        f"{vocab}identityHash"
    )
    assert iri_of(term_definition(context, "AchievementCredential")) == "OpenBadgeCredential"


@pytest.mark.parametrize(
    "term", ["1EdTechJsonSchemaValidator2019", "1EdTechRevocationList", "1EdTechCredentialRefresh"]
)
def test_extensions_context_defines_term(term: str) -> None:
    iri = iri_of(term_definition(document_for(OB_V3P0_EXTENSIONS), term))
    assert iri.endswith(f"#{term}")


@pytest.mark.parametrize(
    "path",
    [
        ("VerifiableCredential",),
        ("VerifiableCredential", "credentialSubject"),
        ("VerifiableCredential", "credentialSchema"),
        ("VerifiableCredential", "credentialStatus"),
        ("VerifiableCredential", "issuer"),
        ("VerifiableCredential", "validFrom"),
        ("VerifiableCredential", "validUntil"),
        ("VerifiableCredential", "evidence"),
        ("VerifiableCredential", "proof"),
        ("VerifiableCredential", "relatedResource"),
        ("VerifiablePresentation",),
        ("BitstringStatusListCredential",),
        ("BitstringStatusList",),
        ("BitstringStatusList", "encodedList"),
        ("BitstringStatusListEntry",),
        ("BitstringStatusListEntry", "statusPurpose"),
        ("BitstringStatusListEntry", "statusListIndex"),
        ("BitstringStatusListEntry", "statusListCredential"),
        ("DataIntegrityProof",),
        ("DataIntegrityProof", "cryptosuite"),
        ("DataIntegrityProof", "created"),
        ("DataIntegrityProof", "proofPurpose"),
        ("DataIntegrityProof", "proofValue"),
        ("DataIntegrityProof", "verificationMethod"),
        ("name",),
        ("description",),
        ("digestMultibase",),
    ],
    ids="/".join,
)
def test_vc_v2_context_defines_term(path: tuple[str, ...]) -> None:
    term_definition(document_for(VC_V2), *path)


@pytest.mark.parametrize(
    ("url", "path"),
    [
        (DATA_INTEGRITY_V2, ("proof",)),
        (DATA_INTEGRITY_V2, ("DataIntegrityProof", "cryptosuite")),
        (DATA_INTEGRITY_V2, ("DataIntegrityProof", "proofValue")),
        (MULTIKEY_V1, ("Multikey",)),
        (MULTIKEY_V1, ("Multikey", "controller")),
        (MULTIKEY_V1, ("Multikey", "publicKeyMultibase")),
        (DID_V1, ("verificationMethod",)),
        (DID_V1, ("assertionMethod",)),
        (DID_V1, ("authentication",)),
        (DID_V1, ("controller",)),
        (DID_V1, ("service", "serviceEndpoint")),
        (OB_V2, ("Assertion",)),
        (OB_V2, ("BadgeClass",)),
        (OB_V2, ("Issuer",)),
        (OB_V2, ("IdentityObject",)),
        (OB_V2, ("recipient",)),
        (OB_V2, ("identity",)),
        (OB_V2, ("verification",)),
        (OB_V2, ("issuedOn",)),
    ],
    ids=lambda value: value if isinstance(value, str) else "/".join(value),
)
def test_supporting_context_defines_term(url: str, path: tuple[str, ...]) -> None:
    term_definition(document_for(url), *path)


@pytest.mark.parametrize(
    "path",
    [
        ("VerifiableCredential",),
        ("VerifiableCredential", "credentialSubject"),
        ("VerifiableCredential", "credentialSchema"),
        ("VerifiableCredential", "credentialStatus"),
        ("VerifiableCredential", "issuer"),
        ("VerifiableCredential", "issuanceDate"),
        ("VerifiableCredential", "expirationDate"),
        ("VerifiableCredential", "evidence"),
        ("VerifiableCredential", "proof"),
    ],
    ids="/".join,
)
def test_vc_v1_context_defines_term(path: tuple[str, ...]) -> None:
    """Verifiable Credentials 1.1 badges (issuanceDate, expirationDate) are still issued."""
    term_definition(document_for(VC_V1), *path)


@pytest.mark.parametrize("url", OB_V3P0_EARLIER)
@pytest.mark.parametrize(
    "path",
    [
        ("OpenBadgeCredential",),
        ("AchievementSubject", "achievement"),
        ("IdentityObject", "identityHash"),
        ("EndorsementSubject", "endorsementComment"),
        ("Profile",),
    ],
    ids="/".join,
)
def test_earlier_ob_v3p0_contexts_define_term(url: str, path: tuple[str, ...]) -> None:
    term_definition(document_for(url), *path)


# --- schema -----------------------------------------------------------------


def test_achievement_credential_schema_is_a_json_schema() -> None:
    schema = document_for(ACHIEVEMENT_CREDENTIAL_SCHEMA)
    assert schema["$schema"] == "https://json-schema.org/draft/2019-09/schema#"
    assert schema["$id"] == ACHIEVEMENT_CREDENTIAL_SCHEMA
    assert schema["type"] == "object"
    assert {"@context", "type", "issuer", "credentialSubject", "validFrom"} <= set(
        schema["required"]
    )
    assert {"AchievementSubject", "Achievement", "IdentityObject", "Profile"} <= set(
        schema["$defs"]
    )


@pytest.mark.parametrize("entry", SCHEMA_ENTRIES, ids=entry_id)
def test_schema_references_stay_inside_the_document(entry: dict[str, str]) -> None:
    schema = json.loads((DATA_DIR / entry["file"]).read_bytes())
    refs = [value for key, value in walk(schema) if key == "$ref"]
    assert refs
    assert all(isinstance(ref, str) and ref.startswith("#/") for ref in refs)


@pytest.mark.parametrize("entry", SCHEMA_ENTRIES, ids=entry_id)
def test_schema_is_valid_against_its_meta_schema(entry: dict[str, str]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((DATA_DIR / entry["file"]).read_bytes())
    validator_class = jsonschema.validators.validator_for(schema)
    assert validator_class is jsonschema.Draft201909Validator
    validator_class.check_schema(schema)
