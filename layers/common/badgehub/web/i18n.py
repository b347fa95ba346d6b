"""The pages' words in English and Italian, and choosing one from `?lang=` or Accept-Language."""

from __future__ import annotations

LANGUAGES = ("en", "it")

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "title": "Badge verification",
        "verify_title": "Verify an Open Badge",
        "verdict.valid": "Valid badge",
        "verdict.revoked": "Revoked by its issuer",
        "verdict.expired": "Expired",
        "verdict.not_yet_valid": "Not valid yet",
        "verdict.invalid": "Not valid: this badge failed verification",
        "verdict.unverifiable": "Could not be fully verified",
        "explain.valid": "The signature and every check passed. The issuer has not revoked it.",
        "explain.revoked": "The issuer withdrew this badge. It should not be relied on.",
        "explain.expired": "This badge was valid but its expiry date has passed.",
        "explain.not_yet_valid": "This badge only becomes valid on its start date.",
        "explain.invalid": "Something in this badge does not check out; see the checks below.",
        "explain.unverifiable": "Some information needed to check it could not be reached.",
        "reason": "Reason given by the issuer",
        "issued_by": "Issued by",
        "hosted_here": "Issuer hosted and vouched for by this platform",
        "not_hosted_here": "Issuer not hosted by this platform: check the issuer's identity below",
        "issued_on": "Issued on",
        "expires": "Expires",
        "never": "Does not expire",
        "criteria": "What it takes to earn it",
        "criteria_link": "Full criteria",
        "checks": "What we checked",
        "passed": "Passed",
        "failed": "Failed",
        "warning": "Warning",
        "format": "Format",
        "machine": "For software",
        "badge_image": "Badge image",
        "language": "Language",
        "verify_intro": "Upload a badge image (PNG or SVG), paste a signed badge or credential, or give its web address.",
        "field.file": "Badge image (PNG or SVG)",
        "field.text": "Signed badge (JWS / JWT) or credential JSON",
        "field.url": "Web address of the badge",
        "field.email": "Was it issued to this e-mail address? (optional)",
        "submit": "Verify",
        "error": "We could not read that",
        "verify_another": "Verify another badge",
        "recipient": "Recipient",
    },
    "it": {
        "title": "Verifica del badge",
        "verify_title": "Verifica un Open Badge",
        "verdict.valid": "Badge valido",
        "verdict.revoked": "Revocato dall'emittente",
        "verdict.expired": "Scaduto",
        "verdict.not_yet_valid": "Non ancora valido",
        "verdict.invalid": "Non valido: la verifica del badge non è riuscita",
        "verdict.unverifiable": "Non è stato possibile verificarlo del tutto",
        "explain.valid": "La firma e tutti i controlli sono corretti. L'emittente non lo ha revocato.",
        "explain.revoked": "L'emittente ha ritirato questo badge. Non va considerato affidabile.",
        "explain.expired": "Il badge era valido ma la data di scadenza è passata.",
        "explain.not_yet_valid": "Il badge diventa valido solo dalla data di inizio.",
        "explain.invalid": "Qualcosa in questo badge non torna: vedi i controlli qui sotto.",
        "explain.unverifiable": "Alcune informazioni necessarie al controllo non erano raggiungibili.",
        "reason": "Motivo indicato dall'emittente",
        "issued_by": "Emesso da",
        "hosted_here": "Emittente ospitato e garantito da questa piattaforma",
        "not_hosted_here": "Emittente non ospitato da questa piattaforma: controlla l'identità dell'emittente qui sotto",
        "issued_on": "Emesso il",
        "expires": "Scade il",
        "never": "Non scade",
        "criteria": "Cosa serve per ottenerlo",
        "criteria_link": "Criteri completi",
        "checks": "Cosa abbiamo controllato",
        "passed": "Superato",
        "failed": "Non superato",
        "warning": "Avviso",
        "format": "Formato",
        "machine": "Per i programmi",
        "badge_image": "Immagine del badge",
        "language": "Lingua",
        "verify_intro": "Carica l'immagine di un badge (PNG o SVG), incolla un badge firmato o una credenziale, oppure indica il suo indirizzo web.",
        "field.file": "Immagine del badge (PNG o SVG)",
        "field.text": "Badge firmato (JWS / JWT) o credenziale JSON",
        "field.url": "Indirizzo web del badge",
        "field.email": "È stato emesso a questo indirizzo e-mail? (facoltativo)",
        "submit": "Verifica",
        "error": "Non siamo riusciti a leggerlo",
        "verify_another": "Verifica un altro badge",
        "recipient": "Destinatario",
    },
}

CHECK_NAMES: dict[str, dict[str, str]] = {
    "en": {},
    "it": {
        "structure": "Struttura",
        "schema": "Schema",
        "proof": "Firma",
        "key_resolution": "Chiave dell'emittente",
        "hosted": "Documento ospitato",
        "revocation": "Revoca",
        "dates": "Date di validità",
        "recipient": "Destinatario",
    },
}


def choose(query_lang: str | None, accept_language: str | None) -> str:
    """`?lang=` wins; then the first Accept-Language we speak (by q); English otherwise."""
    if query_lang in LANGUAGES:
        return query_lang
    ranked: list[tuple[float, str]] = []
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((quality, tag.strip().lower().split("-")[0]))
    for _, lang in sorted(ranked, key=lambda item: -item[0]):
        if lang in LANGUAGES:
            return lang
    return "en"


def check_title(name: str, lang: str) -> str:
    return CHECK_NAMES.get(lang, {}).get(name) or name.replace("_", " ").capitalize()
