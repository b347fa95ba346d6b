"""The Diploma Supplement's words (backpack switch, verification-page section)."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "supplement.title": "Diploma Supplement",
        "supplement.attached": "Attached by the issuer on",
        "supplement.version": "Version",
        "supplement.size": "Size",
        "supplement.kb": "{size} KB",
        "supplement.digest": "SHA-384 digest",
        "supplement.signed": "The file's digest matches what the issuer signed for this badge.",
        "supplement.unsigned": "The issuer's signature over this file could not be checked: do not rely on it.",
        "supplement.download": "Download the Diploma Supplement (PDF)",
        "supplement.link_note": "The download link works for 10 minutes; reload the page for a new one.",
        "supplement.statement": "The issuer's signed statement (JWS)",
        "supplement.switch": "Make the Diploma Supplement visible to other users",
        "supplement.switch_on": "Yes: show it wherever this badge is verified or shared",
        "supplement.switch_off": "No: only you and the issuer can see it",
        "supplement.state_on": "visible to other users",
        "supplement.state_off": "visible only to you",
        "supplement.new": "Your issuer attached a Diploma Supplement to this badge.",
    },
    "it": {
        "supplement.title": "Supplemento al diploma",
        "supplement.attached": "Allegato dall'emittente il",
        "supplement.version": "Versione",
        "supplement.size": "Dimensione",
        "supplement.kb": "{size} KB",
        "supplement.digest": "Impronta SHA-384",
        "supplement.signed": "L'impronta del file corrisponde a quella firmata dall'emittente per questo badge.",
        "supplement.unsigned": "Non è stato possibile verificare la firma dell'emittente su questo file: non farvi affidamento.",
        "supplement.download": "Scarica il Supplemento al diploma (PDF)",
        "supplement.link_note": "Il link per scaricarlo funziona per 10 minuti; ricarica la pagina per averne uno nuovo.",
        "supplement.statement": "La dichiarazione firmata dall'emittente (JWS)",
        "supplement.switch": "Rendi visibile il Supplemento al diploma agli altri utenti",
        "supplement.switch_on": "Sì: mostralo ovunque questo badge venga verificato o condiviso",
        "supplement.switch_off": "No: lo vedete solo tu e l'emittente",
        "supplement.state_on": "visibile agli altri utenti",
        "supplement.state_off": "visibile solo a te",
        "supplement.new": "Il tuo emittente ha allegato un Supplemento al diploma a questo badge.",
    },
}
