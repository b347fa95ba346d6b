"""The API reference: `docs/openapi.yaml` as JSON, and Swagger UI's page around it.

Swagger UI's script and stylesheet are the files the `swagger-ui-py` distribution ships (read
from where pip installed it, never fetched); our page and its start-up script are ours. Every
asset is served under a name that carries its digest, so it can be cached for good, and the
page names each one with Subresource Integrity.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from . import i18n

ASSETS_PREFIX = "/docs/assets/"
SPEC_PATH = "/openapi.json"

# The page runs only scripts and styles served from our own origin; its one request is the
# OpenAPI document. Swagger UI sets some styles through the DOM (not blocked by style-src) and
# draws its icons as data: images.
PAGE_CSP = (
    "default-src 'none'; "
    "script-src 'self'; "
    "style-src 'self'; "
    "img-src 'self' data:; "
    "connect-src 'self'; "
    "form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class Asset:
    name: str  # as served: `swagger-ui-bundle.<digest>.js`
    media_type: str
    body: str
    integrity: str

    @property
    def path(self) -> str:
        return ASSETS_PREFIX + self.name


def _swagger_ui_static() -> Path:
    """Where `swagger-ui-py` keeps Swagger UI's files, found without importing the package
    (its `__init__` loads web-framework adapters we do not use)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or spec.origin is None:
        raise RuntimeError("swagger-ui-py is not installed: the API docs page cannot be served")
    return Path(spec.origin).parent / "static"


def _asset(stem: str, suffix: str, media_type: str, raw: bytes) -> Asset:
    digest = hashlib.sha384(raw).digest()
    tag = hashlib.sha256(raw).hexdigest()[:12]
    return Asset(
        name=f"{stem}.{tag}{suffix}",
        media_type=media_type,
        body=raw.decode("utf-8"),
        integrity="sha384-" + base64.b64encode(digest).decode("ascii"),
    )


@cache
def assets() -> dict[str, Asset]:
    """The page's files by role: `script` and `style` (Swagger UI's), `init` and `page_style`
    (ours)."""
    vendor = _swagger_ui_static()
    ours = files("badgehub.web") / "static"
    js, css = "text/javascript; charset=utf-8", "text/css; charset=utf-8"
    return {
        "script": _asset(
            "swagger-ui-bundle", ".js", js, (vendor / "swagger-ui-bundle.js").read_bytes()
        ),
        "style": _asset("swagger-ui", ".css", css, (vendor / "swagger-ui.css").read_bytes()),
        "init": _asset("api-docs", ".js", js, (ours / "api-docs.js").read_bytes()),
        "page_style": _asset("api-docs", ".css", css, (ours / "api-docs.css").read_bytes()),
    }


def asset_named(name: str) -> Asset | None:
    """Only the page's own files, by their exact served names: nothing else is reachable."""
    return next((a for a in assets().values() if a.name == name), None)


@cache
def openapi_json() -> str:
    """The OpenAPI document, parsed from the YAML shipped in `badgehub/data` (a link to
    `docs/openapi.yaml` in the source tree, a copy in the built layer)."""
    import yaml

    text = (files("badgehub") / "data" / "openapi.yaml").read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    document: Any = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class DocsPage:
    html: str
    headers: dict[str, str]


def docs_page(lang: str, accessibility_url: str) -> DocsPage:
    from .pages import _environment

    html = (
        _environment()
        .get_template("api_docs.html")
        .render(
            lang=lang,
            t=i18n.MESSAGES[lang],
            assets=assets(),
            spec_url=SPEC_PATH,
            accessibility_url=accessibility_url,
        )
    )
    headers = {
        "Content-Security-Policy": PAGE_CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-cache",
        "Vary": "Accept-Language",
    }
    return DocsPage(html, headers)
