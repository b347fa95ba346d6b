"""Where the platform is and who we are: `BADGEHUB_URL`, `BADGEHUB_API_KEY`, or options."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import CliError

URL_VARIABLE = "BADGEHUB_URL"
KEY_VARIABLE = "BADGEHUB_API_KEY"
CA_VARIABLE = "BADGEHUB_CA_BUNDLE"
# The local platform's README tells a shell to trust its CA through these; honour them too.
CA_FALLBACKS = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


@dataclass(frozen=True)
class Config:
    base_url: str
    api_key: str | None
    ca_bundle: str | None
    timeout: float

    @property
    def key_may_travel(self) -> bool:
        """An API key goes only over https, or plain http to this machine (the local
        platform's `--http`): never in clear text across a network."""
        parts = urlsplit(self.base_url)
        return parts.scheme == "https" or is_this_machine(parts.hostname or "")


def is_this_machine(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def load(
    environ: Mapping[str, str],
    *,
    url: str | None = None,
    ca_bundle: str | None = None,
    timeout: float = 60.0,
) -> Config:
    base = (url or environ.get(URL_VARIABLE) or "").strip()
    if not base:
        raise CliError(
            f"no platform address: set {URL_VARIABLE} (e.g. https://127.0.0.1:3000) or pass --url"
        )
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CliError(f"{URL_VARIABLE} must be an http(s) address, not {base!r}")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise CliError(f"{URL_VARIABLE} must be a plain address (no user, query or fragment)")
    if timeout <= 0:
        raise CliError("--timeout must be a positive number of seconds")
    bundle = ca_bundle or environ.get(CA_VARIABLE)
    for name in CA_FALLBACKS:
        bundle = bundle or environ.get(name)
    if bundle and not os.path.isfile(bundle):
        raise CliError(f"the CA bundle {bundle!r} is not a file")
    key = (environ.get(KEY_VARIABLE) or "").strip() or None
    return Config(base.rstrip("/"), key, bundle or None, timeout)
