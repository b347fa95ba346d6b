"""Benchmark driver: the 1EdTech validator verifying many badges in ONE warm process.

Run it with the validator's own interpreter::

    python warm_validator.py < request.json

``request``: ``{"inputs": [URL or compact JWS, ...], "rounds": N, "memory": {url: {"status",
"contentType", "body_b64"}}, "record": true}`` (``memory`` and ``record`` optional). The package
is imported and the network guard of ``run_validator.py`` installed once; the Open Badges
context comes from the package's copy, ``memory`` answers the URLs it holds, and anything else
is fetched from loopback only (``REQUESTS_CA_BUNDLE`` for the platform's CA). With ``record``,
every real fetch is returned, to be replayed from memory.

Prints ``{"verified": [...first pass...], "ms": [[...one round...]], "fetched": real fetches in
the timed rounds, "recorded": {...} or null}``; the first pass warms up and is not timed.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import sys
import time
from typing import Any

import run_validator


def install_memory(
    memory: dict[str, Any], record: dict[str, Any] | None, counter: list[int]
) -> None:
    """Answer remembered URLs before the guard; count and (optionally) keep real fetches."""
    import urllib3
    from requests.adapters import HTTPAdapter

    guarded_send = HTTPAdapter.send

    def send(self: HTTPAdapter, request: Any, **kwargs: Any) -> Any:
        url = request.url or ""
        kept = memory.get(url)
        if kept is not None and request.method in {"GET", "HEAD"}:
            body = base64.b64decode(kept["body_b64"])
            raw = urllib3.HTTPResponse(
                body=io.BytesIO(body),
                headers={"Content-Type": kept["contentType"], "Content-Length": str(len(body))},
                status=kept["status"],
                preload_content=False,
                decode_content=False,
                request_method=request.method,
            )
            return self.build_response(request, raw)
        response = guarded_send(self, request, **kwargs)
        if not run_validator._context_key(url).startswith(("w3id.org", "openbadgespec.org")):
            counter[0] += 1
            if record is not None:
                record[url] = {
                    "status": response.status_code,
                    "contentType": response.headers.get("Content-Type", ""),
                    "body_b64": base64.b64encode(response.content).decode("ascii"),
                }
        return response

    HTTPAdapter.send = send  # type: ignore[method-assign,assignment]


def main() -> int:
    request = json.load(sys.stdin)
    from openbadges import verify  # type: ignore[import-not-found]

    run_validator.install_network_guard(http_timeout=30.0)
    run_validator.install_compat_shims()
    record: dict[str, Any] | None = {} if request.get("record") else None
    counter = [0]
    install_memory(request.get("memory") or {}, record, counter)
    inputs = request["inputs"]

    def valid(badge: str) -> bool:
        with contextlib.redirect_stdout(sys.stderr):
            return verify(badge).get("report", {}).get("valid") is True

    verified = [valid(badge) for badge in inputs]
    counter[0] = 0
    ms = []
    for _ in range(int(request.get("rounds", 3))):
        times = []
        for badge in inputs:
            start = time.perf_counter()
            valid(badge)
            times.append((time.perf_counter() - start) * 1000)
        ms.append(times)
    json.dump(
        {"verified": verified, "ms": ms, "fetched": counter[0], "recorded": record}, sys.stdout
    )
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
