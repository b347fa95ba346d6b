"""JSON-LD over the bundled contexts only: a no-fetch document loader, RDFC-1.0, undefined terms."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from pyld import jsonld as pyld_jsonld  # type: ignore[import-untyped]
from pyld.context_resolver import ContextResolver  # type: ignore[import-untyped]

from .bundled import bundled_documents

__all__ = [
    "JsonLdError",
    "UnknownDocument",
    "bundled_documents",
    "canonicalize",
    "document_loader",
    "extra_documents",
    "undefined_terms",
]

JsonLdError: type[Exception] = pyld_jsonld.JsonLdError

_CACHE_SIZE = 256  # processed contexts kept between calls, keyed by their content
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
    """pyld document loader answering from the bundle (and `extra_documents`) and nothing else."""
    extra = _EXTRA.get()
    document = (extra or {}).get(url)
    bundled = document is None
    if bundled:
        document = bundled_documents().get(url)
    if document is None:
        raise UnknownDocument(url)
    answer = {
        "contextUrl": None,
        "documentUrl": url,
        "contentType": "application/ld+json",
        "document": copy.deepcopy(document),  # pyld resolves relative URLs in place
    }
    if bundled and not extra:
        # A bundled context never changes: pyld may keep it processed, by URL, in our own
        # cache (`_options`), instead of fetching, copying and re-processing it on every call.
        answer["tag"] = "static"
    return answer


class _BoundedCache(dict[str, Any]):
    """pyld's resolved-context cache, bounded: verified documents may carry any inline context."""

    def __setitem__(self, key: str, value: Any) -> None:
        if key not in self and len(self) >= _CACHE_SIZE:
            del self[next(iter(self))]
        super().__setitem__(key, value)


_resolved_contexts = _BoundedCache()


def _options() -> dict[str, Any]:
    """Our loader, with a context cache of our own and no base IRI.

    pyld's default cache is process-wide and keyed by URL for loaders that tag their documents,
    so another loader in the process could answer for ours. Without a base, pyld resolves
    relative IRIs against http://example.org/base/ and signs them, where jsonld.js leaves them
    relative and drops them: the canonical forms, and so the signatures, would disagree.
    """
    # Extra documents may answer for a bundled URL: they get a cache of their own, for the call.
    cache = _resolved_contexts if not _EXTRA.get() else _BoundedCache()
    return {
        "base": None,
        "documentLoader": document_loader,
        "contextResolver": ContextResolver(cache, document_loader),
    }


def canonicalize(document: dict[str, Any]) -> str:
    """RDFC-1.0 (URDNA2015) N-Quads; pyld's default, URGNA2012, yields signatures others reject.

    Raises pyld's JsonLdError for invalid JSON-LD or a context we do not ship.
    """
    options = {**_options(), "algorithm": "URDNA2015", "format": "application/n-quads"}
    result: str = pyld_jsonld.normalize(document, options)
    return result


def undefined_terms(document: dict[str, Any]) -> list[str]:
    """Keys (dotted paths, `[i]` for array items) that the document's contexts do not define.

    Expansion silently drops them, so they would go unsigned, and strict verifiers reject the
    document. Values that stay relative where an IRI is needed (`@type`, `@id` and `@id`-typed
    terms) are dropped too, and listed as `path.key=value`. Keywords are skipped, and values of
    `@json` terms are opaque, as in JSON-LD itself.
    Raises pyld's JsonLdError for invalid JSON-LD or a context we do not ship.
    """
    processor = _TermCheckingProcessor()
    processor.expand(_located(document, ""), _options())
    return sorted(set(processor.undefined))


class _Located(dict[str, Any]):
    """A JSON object that remembers where it sits; pyld's deep copy keeps the subclass."""

    path: str


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


class _TermCheckingProcessor(pyld_jsonld.JsonLdProcessor):  # type: ignore[misc]
    """Expands as pyld does, noting with its path everything pyld's expansion drops.

    The tests are pyld's own drop rules, applied to the active contexts pyld uses.
    """

    def __init__(self) -> None:
        super().__init__()
        self.undefined: list[str] = []
        self._paths: list[str] = []

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
