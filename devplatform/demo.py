"""Demo content: a badge image drawn at start-up and a demo issuer and badge seeded over HTTP."""

from __future__ import annotations

import base64
import io
import json
import ssl
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw


def badge_png(
    label: str = "OB", size: int = 256, colour: tuple[int, int, int] = (33, 92, 168)
) -> bytes:
    """A simple round badge; real PNG bytes, so every image check runs on it."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, size - 4, size - 4), fill=colour, outline=(250, 200, 40), width=10)
    draw.text((size // 2, size // 2), label, fill=(255, 255, 255), anchor="mm", font_size=size // 4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _call(
    base_url: str,
    method: str,
    path: str,
    token: str,
    body: dict[str, Any] | None,
    ca_file: str | None = None,
) -> Any:
    request = urllib.request.Request(  # noqa: S310 - our own local base URL
        base_url + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    context = ssl.create_default_context(cafile=ca_file) if ca_file else None
    with urllib.request.urlopen(request, timeout=10, context=context) as response:  # noqa: S310
        return json.loads(response.read())


def seed(base_url: str, admin_key: str, ca_file: str | None = None) -> dict[str, Any]:
    """Creates the demo issuer, its API key and one badge class, as an issuer portal would."""

    def call(method: str, path: str, token: str, body: dict[str, Any] | None) -> Any:
        return _call(base_url, method, path, token, body, ca_file)

    issuer = call(
        "POST",
        "/v1/issuers",
        admin_key,
        {
            "name": "Demo University",
            "url": "https://university.example.org",
            "email": "badges@university.example.org",
            "description": "A demo issuer seeded by the local platform.",
        },
    )
    key = call("POST", f"/v1/issuers/{issuer['id']}/api-keys", admin_key, {"label": "demo"})
    badge = call(
        "POST",
        f"/v1/issuers/{issuer['id']}/badges",
        key["key"],
        {
            "name": "Open Badges Explorer",
            "description": "Awarded for issuing and verifying a first Open Badge.",
            "criteria": {"narrative": "Issue a badge through the API and verify it."},
            "image": data_uri(badge_png()),
            "tags": ["demo", "open-badges"],
        },
    )
    return {"issuer": issuer, "api_key": key["key"], "badge": badge}


DEMO_FILE = "demo.json"


def seed_once(
    base_url: str, admin_key: str, ca_file: str | None, data_dir: Path | None
) -> dict[str, Any]:
    """The demo, seeded on the first start and reused on the next ones (its API key is kept
    in the data directory, 0600), so a restart serves the same demo badge and key."""
    saved = data_dir / DEMO_FILE if data_dir is not None else None
    if saved is not None and saved.exists():
        demo: dict[str, Any] = json.loads(saved.read_text(encoding="utf-8"))
        try:
            _call(
                base_url, "GET", f"/v1/badges/{demo['badge']['id']}", demo["api_key"], None, ca_file
            )
        except (urllib.error.URLError, KeyError, ValueError):
            pass  # the data was reset meanwhile: seed again
        else:
            return demo
    demo = seed(base_url, admin_key, ca_file)
    if saved is not None:
        partial = saved.with_suffix(".partial")
        partial.write_text(json.dumps(demo), encoding="utf-8")
        partial.chmod(0o600)
        partial.replace(saved)
    return demo
