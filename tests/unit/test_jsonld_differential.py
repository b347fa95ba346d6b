"""The kept expansions and active contexts give byte for byte what plain pyld gives.

Reference: pyld's own processor, with no cache of ours (a fresh context resolver, contexts not
tagged static, no memo of active contexts, no expansion kept), over every credential shape the
platform makes, the documents it signs around them, the W3C vector and badges made elsewhere.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld as pyld_jsonld  # type: ignore[import-untyped]
from pyld.context_resolver import ContextResolver  # type: ignore[import-untyped]

from badgehub.domain import baking, dataintegrity, jsonld, ob2, ob3, statuslist
from badgehub.domain.models import AssertionInput, BadgeClassInput, IssuerInput
from badgehub.domain.urls import PublicUrls
from badgehub.usecases import assertions, badges, issuers
from badgehub.usecases.auth import Principal
from tests.support.builders import FIXED_NOW, a_badge, an_assertion, an_issuer
from tests.support.fakes import FakePorts
from tests.unit.test_dataintegrity import fixture_documents, vector_json
from tests.unit.test_verification import credential
from tests.unit.test_verification_endorsements import endorsed_badge, endorsement_of

URLS = PublicUrls(base="https://badges.example", assets="https://assets.example")
FOREIGN = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "foreign-badges"
HOSTILE = 'Ada "the first"\n\t\\ \u0000\u0007\u001f\u007f \u00e9 \U0001d518 \u202e <b>&amp;</b>'
# What the platform's own inputs may hold: no control characters in a name, a text's line
# breaks and tabs (documents from elsewhere, below, carry HOSTILE itself).
HOSTILE_NAME = 'Ada "the first" \\ \u00e9 \U0001d518 \u202e <b>&amp;</b>'
HOSTILE_TEXT = HOSTILE_NAME + "\n\tsecond line"


def _plain_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    found = jsonld.document_loader(url, options)
    return {key: value for key, value in found.items() if key != "tag"}


def _plain_options() -> dict[str, Any]:
    return {
        "base": None,
        "documentLoader": _plain_loader,
        "contextResolver": ContextResolver({}, _plain_loader),
    }


def reference_canonical(document: dict[str, Any]) -> str:
    options = {**_plain_options(), "algorithm": "URDNA2015", "format": "application/n-quads"}
    result: str = pyld_jsonld.JsonLdProcessor().normalize(copy.deepcopy(document), options)
    return result


class _Forgetful(jsonld._BoundedCache):
    def __setitem__(self, key: Any, value: Any) -> None:
        pass  # keeps nothing: every context is processed as pyld alone would


def reference_undefined(document: dict[str, Any]) -> list[str]:
    processor = jsonld._TermCheckingProcessor(_Forgetful())
    processor.expand(jsonld._located(copy.deepcopy(document), ""), _plain_options())
    return sorted(set(processor.undefined))


def platform_shapes() -> dict[str, dict[str, Any]]:
    """What the issue use case signs, for badges with and without each optional part."""
    ports = FakePorts()
    admin = Principal(is_admin=True)
    plain_issuer = issuers.create_issuer(admin, IssuerInput(**an_issuer()), URLS, ports=ports)
    hostile_issuer = issuers.create_issuer(
        admin,
        IssuerInput(**an_issuer(name=HOSTILE_NAME, description=HOSTILE_TEXT)),
        URLS,
        ports=ports,
    )
    shapes: dict[str, dict[str, Any]] = {}
    for issuer in (plain_issuer, hostile_issuer):
        principal = Principal(issuer_id=issuer.id)
        rich = badges.create_badge(principal, issuer.id, BadgeClassInput(**a_badge()), ports=ports)
        bare = badges.create_badge(
            principal,
            issuer.id,
            BadgeClassInput(**a_badge(alignments=[], tags=[], name=HOSTILE_NAME)),
            ports=ports,
        )
        cases = {
            "rich": (
                rich,
                AssertionInput(
                    **an_assertion(
                        narrative=HOSTILE_TEXT,
                        evidence=[
                            {"url": "https://uni.example/t/1", "narrative": "The thesis"},
                            {"url": "https://uni.example/t/2", "name": HOSTILE_NAME},
                        ],
                        expires="2030-01-01T00:00:00Z",
                    )
                ),
            ),
            "bare": (bare, AssertionInput(**an_assertion())),
            "expiring": (bare, AssertionInput(**an_assertion(expires="2031-05-05T10:00:00Z"))),
        }
        for name, (badge, data) in cases.items():
            issued = assertions.issue(principal, badge.id, data, None, URLS, ports=ports).assertion
            last = issued
            tag = f"{name}/{issuer.name[:3]}"
            signed = issued.credential
            assert signed is not None
            shapes[f"{tag}: signed credential"] = signed
            unsigned = {k: v for k, v in signed.items() if k != "proof"}
            shapes[f"{tag}: credential"] = unsigned
            shapes[f"{tag}: proof options"] = {
                **{k: v for k, v in signed["proof"].items() if k != "proofValue"},
                "@context": unsigned["@context"],
            }
        shapes[f"status list/{issuer.name[:3]}"] = statuslist.status_list_credential(
            list_url=URLS.status_list(issuer.id, 1),
            issuer=URLS.did(issuer.id),
            purpose="revocation",
            encoded_list=statuslist.encode_list(frozenset({3, 17})),
            valid_from=FIXED_NOW,
            ttl_ms=statuslist.TTL_MS,
        )
        shapes[f"OB 2.0 issuer/{issuer.name[:3]}"] = ob2.issuer_profile(issuer, URLS, "key-1")
        shapes[f"OB 2.0 badge class/{issuer.name[:3]}"] = ob2.badge_class(rich, URLS)
        shapes[f"OB 2.0 assertion/{issuer.name[:3]}"] = ob2.hosted_assertion(last, rich, URLS)
    shapes["status entry only"] = {
        "@context": list(ob3.CONTEXTS),
        "id": "urn:uuid:1",
        "credentialStatus": statuslist.status_entry(URLS.status_list("i", 1), 42),
    }
    return shapes


def built_shapes() -> dict[str, dict[str, Any]]:
    """Parts the platform does not write but verifies: results, endorsements, proof sets."""
    with_results = credential()
    with_results["credentialSubject"]["result"] = [
        {"type": ["Result"], "value": "A", "resultDescription": "urn:uuid:r1"},
        {"type": ["Result"], "status": "Completed"},
    ]
    with_results["credentialSubject"]["achievement"]["resultDescription"] = [
        {
            "id": "urn:uuid:r1",
            "type": ["ResultDescription"],
            "name": "Grade",
            "resultType": "LetterGrade",
            "allowedValue": ["A", "B", "C"],
        }
    ]
    with_results["credentialSubject"]["creditsEarned"] = 7.5
    with_results["credentialSubject"]["achievement"]["creditsAvailable"] = 30
    supplemented = credential()
    supplemented["credentialSubject"]["achievement"]["otherIdentifier"] = [
        {"type": "IdentifierEntry", "identifier": "DS-2026-1", "identifierType": "identifier"}
    ]
    return {
        "results and credits": with_results,
        "supplement identifier": supplemented,
        "endorsed achievement": endorsed_badge(endorsement_of("https://uni.example.org/a")),
        "endorsement": endorsement_of("https://uni.example.org/a"),
        "undefined terms": {**credential(), "nickname": "x", "@type": "Thing"},
        "relative ids": {**credential(), "id": "relative/path"},
        "inline context": {
            "@context": [*ob3.CONTEXTS, {"nickname": "https://example.org/nickname"}],
            **{k: v for k, v in credential().items() if k != "@context"},
            "nickname": HOSTILE,
        },
        "json literal and language": {
            "@context": {
                "data": {"@id": "https://example.org/data", "@type": "@json"},
                "label": {"@id": "https://example.org/label", "@language": "it"},
            },
            "@id": "urn:x",
            "data": {"b": [1, 2.5, True, None], "a": HOSTILE},
            "label": HOSTILE,
        },
    }


def foreign_shapes() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(FOREIGN.glob("*.json")):
        found[path.name] = json.loads(path.read_text(encoding="utf-8"))
    svg = FOREIGN / "1et-ob30-simple-json-svg.svg"
    if svg.exists():
        baked = baking.unbake(svg.read_bytes())
        if baked is not None:
            found[svg.name] = json.loads(baked.payload)
    return found


def _held(document: dict[str, Any]) -> bool:
    try:
        reference_canonical(document)
    except pyld_jsonld.JsonLdError:
        return False  # a context we do not ship: both paths refuse it, as tested below
    return True


ALL = {**platform_shapes(), **built_shapes()}


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    jsonld._expansions.clear()
    jsonld._processed_contexts.clear()
    jsonld._expanded_nodes.clear()
    yield


@pytest.mark.parametrize("name", sorted(ALL))
def test_each_shape_gives_pyld_s_n_quads_and_undefined_terms(name: str) -> None:
    document = ALL[name]
    expected = reference_canonical(document), reference_undefined(document)
    for kept_expansion in (False, False, True):  # cold, kept active contexts, kept expansion
        if not kept_expansion:
            jsonld._expansions.clear()
        assert (jsonld.canonicalize(document), jsonld.undefined_terms(document)) == expected


def test_all_shapes_interleaved_with_everything_kept_still_agree() -> None:
    expected = {name: reference_canonical(doc) for name, doc in ALL.items()}
    for _ in range(2):
        for name in reversed(sorted(ALL)):
            jsonld._expansions.clear()  # only the active contexts are kept across shapes
            assert jsonld.canonicalize(ALL[name]) == expected[name], name


def test_the_w3c_vector_and_its_proof_options_match_pyld_and_the_vector() -> None:
    with jsonld.extra_documents(fixture_documents()):
        for name in ("credential", "proof-options"):
            document = vector_json(f"{name}.json")
            assert jsonld.canonicalize(document) == reference_canonical(document)


@pytest.mark.skipif(not FOREIGN.exists(), reason="the foreign badge fixtures are not present")
def test_badges_made_elsewhere_match_pyld() -> None:
    shapes = foreign_shapes()
    assert shapes
    for name, document in shapes.items():
        if not _held(document):
            with pytest.raises(pyld_jsonld.JsonLdError):
                jsonld.canonicalize(document)
            continue
        for _ in range(2):
            assert jsonld.canonicalize(document) == reference_canonical(document), name
            assert jsonld.undefined_terms(document) == reference_undefined(document), name


def test_a_document_with_the_same_content_in_another_key_order_gets_the_same_answer() -> None:
    document = ALL["rich/Uni: credential"]
    reordered = json.loads(json.dumps(dict(reversed(list(document.items())))))
    assert jsonld.canonicalize(document) == jsonld.canonicalize(reordered)
    assert jsonld.canonicalize(reordered) == reference_canonical(reordered)


def test_an_inline_context_changed_in_place_is_never_answered_from_the_memo() -> None:
    context = {"nickname": "https://example.org/nickname"}
    document = {"@context": context, "@id": "urn:x", "nickname": "Ada"}
    first = jsonld.canonicalize(document)
    context["nickname"] = "https://example.org/changed"

    second = jsonld.canonicalize(document)

    assert "changed" in second and second != first
    assert second == reference_canonical(document)


def test_a_document_changed_after_expanding_is_expanded_again() -> None:
    document = copy.deepcopy(ALL["bare/Uni: credential"])
    before = jsonld.canonicalize(document)
    document["name"] = "Rocket Science"

    assert jsonld.canonicalize(document) != before
    assert jsonld.canonicalize(document) == reference_canonical(document)


def test_signing_and_verifying_still_cover_exactly_the_canonical_forms() -> None:
    signed = ALL["rich/Uni: signed credential"]
    options = {k: v for k, v in signed["proof"].items() if k != "proofValue"}
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    expected = dataintegrity._sha256(
        reference_canonical({**options, "@context": unsecured["@context"]})
    ) + dataintegrity._sha256(reference_canonical(unsecured))
    assert dataintegrity.hash_data({**options, "@context": unsecured["@context"]}, unsecured) == (
        expected
    )


def test_a_kept_expansion_gives_its_answer_to_every_caller_and_threads_at_once() -> None:
    document = ALL["rich/Uni: credential"]
    expected = reference_canonical(document)
    expansion = jsonld.expand(document)
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: expansion.canonical(), range(16)))
    assert answers == [expected] * 16
    assert jsonld.expand(document).canonical() == expected


def test_the_caller_s_document_and_context_are_left_as_they_were() -> None:
    document = copy.deepcopy(ALL["rich/Uni: credential"])
    before = copy.deepcopy(document)
    jsonld.canonicalize(document)
    assert document == before


def test_a_failed_normalisation_is_kept_and_raised_again_without_retrying(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expansion = jsonld.expand(copy.deepcopy(ALL["bare/Uni: credential"]))
    calls = []

    def fails(self: Any, input_: Any, options: Any) -> str:
        calls.append(1)
        raise pyld_jsonld.JsonLdError("no RDF form", "jsonld.RdfError")

    monkeypatch.setattr(jsonld._ExpandedProcessor, "normalize", fails)
    for _ in range(2):
        with pytest.raises(pyld_jsonld.JsonLdError, match="no RDF form"):
            expansion.canonical()
    assert calls == [1]  # the expansion was spent on the first try


def test_a_kept_node_reports_what_it_leaves_undefined_at_each_place_it_is_met() -> None:
    document = copy.deepcopy(ALL["rich/Uni: credential"])
    item = {"id": "https://uni.example/theses/1", "type": ["Evidence"], "bogus": "x"}
    document["evidence"] = [item, copy.deepcopy(item)]
    document["issuer"] = {**document["issuer"], "nickname": "Uni"}
    expected = reference_undefined(document)
    assert "evidence[1].bogus" in expected and "issuer.nickname" in expected
    for _ in range(2):  # the second time, every node with an id comes from the kept ones
        jsonld._expansions.clear()
        assert jsonld.undefined_terms(document) == expected
        assert jsonld.canonicalize(document) == reference_canonical(document)


def test_a_kept_node_is_never_answered_under_other_contexts_or_in_another_place() -> None:
    credential = copy.deepcopy(ALL["rich/Uni: credential"])
    issuer = credential["issuer"]
    elsewhere = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:0c1d2e3f-0000-4000-8000-000000000000",
        "type": ["VerifiableCredential"],
        "issuer": issuer,  # the same node under the VC context alone
        "credentialSubject": {"id": "did:example:ada", "knows": issuer},  # and as a value
        "validFrom": "2026-01-01T00:00:00Z",
    }
    for document in (credential, elsewhere, credential, elsewhere):
        jsonld._expansions.clear()
        assert jsonld.canonicalize(document) == reference_canonical(document)
        assert jsonld.undefined_terms(document) == reference_undefined(document)
