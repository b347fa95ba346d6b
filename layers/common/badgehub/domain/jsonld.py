"""JSON-LD over the bundled contexts only: a no-fetch document loader, RDFC-1.0, undefined terms."""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from pyld import jsonld as pyld_jsonld  # type: ignore[import-untyped]
from pyld.context_resolver import ContextResolver  # type: ignore[import-untyped]

from .bundled import bundled_documents

__all__ = [
    "Expansion",
    "JsonLdError",
    "UnknownDocument",
    "bundled_documents",
    "canonicalize",
    "document_loader",
    "expand",
    "extra_documents",
    "undefined_terms",
]

JsonLdError: type[Exception] = pyld_jsonld.JsonLdError

_CACHE_SIZE = 256  # processed contexts kept between calls, keyed by their content
_MEMO_SIZE = 256  # active contexts kept between calls, keyed by (active context, local context)
_EXPANSIONS = 64  # documents seen lately (a status list is checked with every badge it covers)
_NODES = 256  # expanded nodes with an id (an issuer, an achievement), kept between documents
_EXTRA: ContextVar[Mapping[str, Any] | None] = ContextVar("extra_documents", default=None)


class UnknownDocument(pyld_jsonld.JsonLdError):  # type: ignore[misc]
    """A URL we do not ship. Never fetched: a served context could change what signatures cover."""

    def __init__(self, url: str) -> None:
        super().__init__(
            f"{url} is not a bundled JSON-LD document; documents are never fetched",
            "jsonld.LoadDocumentError",
            {"url": url},
            code="loading document failed",
        )
        self.url = url


@contextmanager
def extra_documents(documents: Mapping[str, Any]) -> Iterator[None]:
    """Serves more documents inside the block (test vectors use example contexts we do not ship).

    Scoped to the current context (thread or task), so it never leaks into other work.
    """
    token = _EXTRA.set({**(_EXTRA.get() or {}), **documents})
    try:
        yield
    finally:
        _EXTRA.reset(token)


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld document loader answering from the bundle (and `extra_documents`) and nothing else.

    Bundled documents are tagged `static`: they never change, so pyld keeps each one resolved
    by its URL in our cache (`_options`) instead of copying and re-canonicalising the whole
    context on every call to find it again by content.
    """
    found = {}
    document = (_EXTRA.get() or {}).get(url)
    if document is None:
        document = bundled_documents().get(url)
        found = {"tag": "static"} if document is not None else {}
    if document is None:
        raise UnknownDocument(url)
    return {
        "contextUrl": None,
        "documentUrl": url,
        "contentType": "application/ld+json",
        "document": copy.deepcopy(document),  # pyld resolves relative URLs in place
        **found,
    }


class _BoundedCache(dict[Any, Any]):
    """pyld's resolved-context cache, bounded: verified documents may carry any inline context."""

    def __init__(self, size: int = _CACHE_SIZE) -> None:
        super().__init__()
        self.size = size

    def __setitem__(self, key: Any, value: Any) -> None:
        if key not in self and len(self) >= self.size:
            del self[next(iter(self))]
        super().__setitem__(key, value)


_resolved_contexts = _BoundedCache()
_processed_contexts = _BoundedCache(_MEMO_SIZE)


def _memo() -> _BoundedCache:
    """The shared memo, or a fresh one while extra documents may stand in for a URL we ship."""
    return _processed_contexts if _EXTRA.get() is None else _BoundedCache(_MEMO_SIZE)


def _options() -> dict[str, Any]:
    """Our loader, with a context cache of our own and no base IRI.

    pyld's default cache is process-wide and keyed by URL for loaders that tag their documents,
    so another loader in the process could answer for ours. Without a base, pyld resolves
    relative IRIs against http://example.org/base/ and signs them, where jsonld.js leaves them
    relative and drops them: the canonical forms, and so the signatures, would disagree.
    """
    # With extra documents in play, a fresh cache: they may stand in for a URL we also ship.
    cache = _resolved_contexts if _EXTRA.get() is None else _BoundedCache()
    return {
        "base": None,
        "documentLoader": document_loader,
        "contextResolver": ContextResolver(cache, document_loader),
    }


class Expansion:
    """One document expanded once: the terms its contexts leave undefined, and (computed on
    first use from that same expansion) its RDFC-1.0 canonical N-Quads.

    The expansion is handed to pyld's normalisation as it is, not copied (pyld may work on it
    in place), so it serves once: the answer, or the error, is kept for every later call."""

    __slots__ = ("_answer", "_expanded", "_lock", "undefined")

    def __init__(self, expanded: Any, undefined: tuple[str, ...]) -> None:
        self._expanded = expanded
        self._answer: str | Exception | None = None
        self._lock = threading.Lock()
        self.undefined = undefined

    def canonical(self) -> str:
        """RDFC-1.0 (URDNA2015); pyld's default, URGNA2012, yields signatures others reject.

        Raises pyld's JsonLdError when the expanded document has no RDF form.
        """
        with self._lock:
            if self._answer is None:
                expanded, self._expanded = self._expanded, None
                options = {**_options(), "algorithm": "URDNA2015", "format": "application/n-quads"}
                try:
                    self._answer = _ExpandedProcessor(_memo(), expanded).normalize([], options)
                except Exception as exc:  # kept: the expansion it came from is spent
                    self._answer = exc
            answer = self._answer
        if isinstance(answer, Exception):
            raise answer
        return answer


_expansions = _BoundedCache(_EXPANSIONS)
_expanded_nodes = _BoundedCache(_NODES)


def expand(document: dict[str, Any]) -> Expansion:
    """The document's expansion, found again when the same content comes back.

    Kept by a digest of the content (keys sorted: expansion sorts them too, and the canonical
    form does not depend on their order), so a later call with an equal document, however
    built, gets the same answer; never while extra documents are in play.
    Raises pyld's JsonLdError for invalid JSON-LD or a context we do not ship.
    """
    key = _content_key(document) if _EXTRA.get() is None else None
    found: Expansion | None = _expansions.get(key) if key is not None else None
    if found is not None:
        return found
    processor = _TermCheckingProcessor(_memo(), _expanded_nodes if _EXTRA.get() is None else None)
    located = _located(document, "")
    root = _Root(located) if isinstance(located, _Located) else located
    expanded = processor.expand(root, _options())
    found = Expansion(expanded, tuple(sorted(set(processor.undefined))))
    if key is not None:
        _expansions[key] = found
    return found


def _content_key(document: Any) -> bytes | None:
    try:
        text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        return None  # not plain JSON (no JSON-LD document we are given): not kept
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def canonicalize(document: dict[str, Any]) -> str:
    """RDFC-1.0 (URDNA2015) N-Quads of the document, from its one expansion.

    Raises pyld's JsonLdError for invalid JSON-LD or a context we do not ship.
    """
    return expand(document).canonical()


def undefined_terms(document: dict[str, Any]) -> list[str]:
    """Keys (dotted paths, `[i]` for array items) that the document's contexts do not define.

    Expansion silently drops them, so they would go unsigned, and strict verifiers reject the
    document. Values that stay relative where an IRI is needed (`@type`, `@id` and `@id`-typed
    terms) are dropped too, and listed as `path.key=value`. Keywords are skipped, and values of
    `@json` terms are opaque, as in JSON-LD itself.
    Raises pyld's JsonLdError for invalid JSON-LD or a context we do not ship.
    """
    return list(expand(document).undefined)


class _Located(dict[str, Any]):
    """A JSON object that remembers where it sits; pyld's deep copy keeps the subclass."""

    path: str


class _Root(_Located):
    """The top of a located copy made for one expansion: pyld's own deep copy of its input
    is not needed (this copy is fresh, and dropped after), so it gets the copy itself."""

    def __init__(self, located: _Located) -> None:
        super().__init__(located)
        self.path = located.path
        if "@context" in self:  # the one value shared with the caller's document
            self["@context"] = copy.deepcopy(self["@context"])

    def __deepcopy__(self, memo: dict[int, Any]) -> _Root:
        return self


def _located(value: Any, path: str) -> Any:
    if isinstance(value, list):
        return [_located(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if not isinstance(value, dict):
        return value
    node = _Located(
        (key, item if key == "@context" else _located(item, _join(path, key)))
        for key, item in value.items()
    )
    node.path = path
    return node


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _is_iri(value: Any) -> bool:
    return bool(pyld_jsonld._is_absolute_iri(value))


_HOOKS = ("_expand_object", "_expand_value", "_expand_iri")
if not all(hasattr(pyld_jsonld.JsonLdProcessor, hook) for hook in _HOOKS):
    # Without them undefined_terms would silently find nothing: fail loudly on a pyld upgrade.
    raise ImportError("this pyld lacks the expansion methods undefined_terms builds on")


class _MemoisingProcessor(pyld_jsonld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor, keeping the active contexts it builds between calls.

    pyld caches a processed context by the active context it was applied to, but a type- or
    property-scoped context (the OB 3.0 context has one per type) is applied to a fresh copy of
    the active context on every node, so that cache never hits: each expansion rebuilt about
    a hundred and thirty term definitions, four fifths of its time. Here the result of applying
    a local context to a frozen (so unchanging) active context is kept, keyed by that active
    context's id and the local context; the same frozen result then keys the next level, so
    whole chains are found again. The local context is held by the memo and compared on every
    hit (identity, else equality), so a reused object id can never answer for another context.
    """

    def __init__(self, memo: _BoundedCache) -> None:
        super().__init__()
        self._memo = memo

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        def process() -> Any:
            return super(_MemoisingProcessor, self)._process_context(
                active_ctx,
                local_ctx,
                options,
                override_protected,
                propagate,
                validate_scoped,
                cycles,
            )

        if cycles or not isinstance(active_ctx, _FROZEN):
            return process()  # a context being built can still change: never key on it
        key = (
            active_ctx["_uuid"],
            _context_key(local_ctx),
            override_protected,
            propagate,
            validate_scoped,
        )
        found = self._memo.get(key)
        if found is not None and (found[0] is local_ctx or found[0] == local_ctx):
            return found[1]
        result = process()
        if isinstance(result, _FROZEN):
            self._memo[key] = (copy.deepcopy(local_ctx), result)
        return result


_FROZEN = pyld_jsonld.frozendict


def _context_key(local_ctx: Any) -> Any:
    """Context URLs key by value; an inline context by its object id, checked on each hit."""
    if isinstance(local_ctx, str):
        return local_ctx
    if isinstance(local_ctx, list) and all(isinstance(item, str) for item in local_ctx):
        return tuple(local_ctx)
    return id(local_ctx)


class _ExpandedProcessor(_MemoisingProcessor):
    """Normalises a document already expanded: pyld's to_rdf asks `expand` for its input."""

    def __init__(self, memo: _BoundedCache, expanded: Any) -> None:
        super().__init__(memo)
        self._expanded = expanded

    def expand(self, input_: Any, options: Any) -> Any:
        return self._expanded  # used once (see `Expansion`): pyld may work on it in place


class _TermCheckingProcessor(_MemoisingProcessor):
    """Expands as pyld does, noting with its path everything pyld's expansion drops.

    The tests are pyld's own drop rules, applied to the active contexts pyld uses.
    """

    def __init__(self, memo: _BoundedCache, nodes: _BoundedCache | None = None) -> None:
        super().__init__(memo)
        self.undefined: list[str] = []
        self._paths: list[str] = []
        self._nodes = nodes

    def _expand(
        self,
        active_ctx: Any,
        active_property: Any,
        element: Any,
        options: Any,
        inside_list: bool = False,
        inside_index: bool = False,
        type_scoped_ctx: Any = None,
    ) -> Any:
        """pyld's, except that a node with an id (the issuer, the achievement: the same in
        every badge of a batch) met again in the same place of the same active contexts is
        answered from `nodes`: its expansion and what it left undefined (replayed at the
        node's path), exactly as expanding it again would give."""

        def expand() -> Any:
            return super(_TermCheckingProcessor, self)._expand(
                active_ctx,
                active_property,
                element,
                options,
                inside_list=inside_list,
                inside_index=inside_index,
                type_scoped_ctx=type_scoped_ctx,
            )

        key = self._node_key(active_ctx, active_property, element, options, type_scoped_ctx)
        if key is None or self._nodes is None:
            return expand()
        path = element.path
        key = (*key, inside_list, inside_index)
        found = self._nodes.get(key)
        if found is not None:
            expanded, undefined = found
            self.undefined.extend(path + rest for rest in undefined)
            return copy.deepcopy(expanded)  # normalisation may work on it in place
        before = len(self.undefined)
        expanded = expand()
        noted = self.undefined[before:]
        if all(entry.startswith(path) for entry in noted):
            rest = tuple(entry[len(path) :] for entry in noted)
            self._nodes[key] = (copy.deepcopy(expanded), rest)
        return expanded

    @staticmethod
    def _node_key(
        active_ctx: Any, active_property: Any, element: Any, options: Any, type_scoped_ctx: Any
    ) -> tuple[Any, ...] | None:
        """What the expansion of `element` depends on, or None for an element not kept:
        anything but a located node with a string id below the top, or one expanded in an
        active context that can still change (not frozen)."""
        if not isinstance(element, _Located) or isinstance(element, _Root) or not element.path:
            return None
        if not isinstance(element.get("id", element.get("@id")), str):
            return None
        scoped = type_scoped_ctx if type_scoped_ctx is not None else active_ctx
        if not isinstance(active_ctx, _FROZEN) or not isinstance(scoped, _FROZEN):
            return None
        content = _content_key(element)
        if content is None:
            return None
        return (
            active_ctx["_uuid"],
            scoped["_uuid"] if type_scoped_ctx is not None else None,
            active_property,
            content,
            options.get("base"),
            bool(options.get("isFrame")),
            bool(options.get("keepFreeFloatingNodes")),
            options.get("processingMode"),
        )

    def _expand_object(
        self,
        active_ctx: Any,
        active_property: Any,
        expanded_active_property: Any,
        element: Any,
        expanded_parent: Any,
        options: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        path = getattr(element, "path", "")
        type_ctx = kwargs.get("type_scoped_ctx") or (args[2] if len(args) > 2 else None)
        self._check_keys(active_ctx, type_ctx or active_ctx, element, path, options.get("base"))
        self._paths.append(path)
        try:
            return super()._expand_object(
                active_ctx,
                active_property,
                expanded_active_property,
                element,
                expanded_parent,
                options,
                *args,
                **kwargs,
            )
        finally:
            self._paths.pop()

    def _check_keys(
        self, active_ctx: Any, type_ctx: Any, element: Mapping[str, Any], path: str, base: Any
    ) -> None:
        terms = {key: self._expand_iri(active_ctx, key, vocab=True) for key in element}
        is_value = "@value" in terms.values()
        for key, value in element.items():
            term, where = terms[key], _join(path, key)
            if term is None or not (_is_iri(term) or pyld_jsonld._is_keyword(term)):
                if not key.startswith("@"):  # "@"-forms that are no keywords: ignored by design
                    self.undefined.append(where)
                continue
            if is_value or term not in ("@id", "@type"):
                continue
            vocab = term == "@type"
            for name in value if isinstance(value, list) else [value]:
                if not isinstance(name, str):
                    continue
                iri = self._expand_iri(
                    type_ctx if vocab else active_ctx, name, vocab=vocab, base=base
                )
                if not _is_iri(iri):
                    self.undefined.append(f"{where}={name}")

    def _expand_value(self, active_ctx: Any, active_property: Any, value: Any, options: Any) -> Any:
        expanded = super()._expand_value(active_ctx, active_property, value, options)
        iri = expanded.get("@id") if isinstance(expanded, dict) else None
        if isinstance(iri, str) and not _is_iri(iri):
            path = self._paths[-1] if self._paths else ""
            self.undefined.append(f"{_join(path, active_property)}={value}")
        return expanded
