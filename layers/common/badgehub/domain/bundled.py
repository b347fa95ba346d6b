"""The JSON-LD contexts shipped in `badgehub/data`, read without any JSON-LD library."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from importlib.resources import files
from types import MappingProxyType
from typing import Any


@functools.cache
def bundled_documents() -> Mapping[str, Any]:
    """URL -> parsed JSON-LD context, from data/manifest.json, each checked against its digest.

    Kept apart from `jsonld` so that reading a context (its aliases, or whether we hold it)
    does not pay for importing pyld.
    """
    data = files("badgehub") / "data"
    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    documents: dict[str, Any] = {}
    for entry in manifest["documents"]:
        if not entry["file"].startswith("contexts/"):
            continue  # JSON schemas are listed too, but are never JSON-LD contexts
        raw = (data / entry["file"]).read_bytes()
        if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
            raise RuntimeError(f"bundled {entry['file']} does not match its pinned digest")
        documents[entry["url"]] = json.loads(raw)
    return MappingProxyType(documents)
