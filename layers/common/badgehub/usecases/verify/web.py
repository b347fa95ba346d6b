"""Reading over the web what a badge points to: each document once, and never too many."""

from __future__ import annotations

import json
from urllib.parse import urldefrag

from ...domain.verification.inputs import too_deep
from ...domain.verification.report import Check, unverifiable
from ...domain.verification.values import Json, is_web_url
from ...ports import Fetched, Fetcher, FetchError

MAX_FETCHES = 10  # per verification; a real badge needs at most five documents


class Web:
    """Fetches each URL once per verification: keys and lists are often named twice."""

    def __init__(self, fetcher: Fetcher) -> None:
        self._fetcher = fetcher
        self._seen: dict[str, Fetched | str] = {}

    def get(self, url: str) -> Fetched | str:
        """The answer, or why there is none."""
        address = urldefrag(url).url
        if address not in self._seen:
            if not is_web_url(address):
                self._seen[address] = "it is not a web address"
            elif len(self._seen) >= MAX_FETCHES:
                self._seen[address] = "the badge links to too many documents"
            else:
                try:
                    self._seen[address] = self._fetcher.fetch(address)
                except FetchError as exc:
                    self._seen[address] = exc.reason
        return self._seen[address]

    def json(self, url: str, name: str, what: str, consequence: str = "") -> Json | Check:
        """The JSON object at `url`, or an `unverifiable` check named `name` saying why not."""
        got = self.get(url)
        if isinstance(got, str):
            why = got
        elif got.status != 200:
            why = f"the server answered {got.status}"
        else:
            try:
                document = json.loads(got.body)
            except (ValueError, RecursionError):
                document = None
            if isinstance(document, dict) and not too_deep(document):
                return document
            why = "it is not a usable JSON document"
        return unverifiable(name, f"We could not download {what} from {url} ({why}){consequence}.")


def json_object(body: bytes) -> Json | None:
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) and not too_deep(value) else None
