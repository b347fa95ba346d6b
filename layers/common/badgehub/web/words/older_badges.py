"""The verification page's words for Open Badges 1.x badges and for endorsements."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "ob1.note": "An Open Badges 1.0/1.1 badge, checked as its Open Badges 2.0 equivalent.",
        "endorses": "Endorses",
    },
    "it": {
        "ob1.note": "Un Open Badge 1.0/1.1, verificato come il suo equivalente Open Badges 2.0.",
        "endorses": "Approva",
    },
}
