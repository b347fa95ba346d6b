"""The notifier's e-mails (a Diploma Supplement is here, a badge still waits, a badge expires)."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "notice.supplement.subject.new": "Your Diploma Supplement for “{badge}” is here",
        "notice.supplement.subject.corrected": "Your Diploma Supplement for “{badge}” was corrected",
        "notice.supplement.intro.new": "{issuer} has attached your Diploma Supplement to your badge “{badge}”.",
        "notice.supplement.intro.corrected": "{issuer} has corrected the Diploma Supplement of your badge “{badge}”. The new version replaces the earlier one, which is no longer shown to anyone.",
        "notice.supplement.what": "The Diploma Supplement is the document that describes your degree in detail: the programme, what you studied and the results you achieved, in the standard form used across Europe.",
        "notice.supplement.private": "For now only you and {issuer} can see it. In your backpack, next to the badge, you choose whether to make it visible to other users: then it shows wherever your badge is verified or shared, until you switch it off.",
        "notice.signin_first": "If you are not signed in, you will first be asked for this e-mail address and sent a sign-in link.",
        "notice.backpack_button": "Open your backpack",
        "notice.reminder.subject": "Reminder: {issuer} awarded you “{badge}”",
        "notice.reminder.intro": "{issuer} awarded you the badge “{badge}” {age} days ago, and it is still waiting for you to accept it.",
        "notice.reminder.replaces": "This link replaces the one in earlier e-mails, which no longer works.",
        "notice.reminder.last": "This is the last reminder we send about this badge.",
        "notice.expiring.subject": "Your badge “{badge}” expires on {date}",
        "notice.expiring.intro": "Your badge “{badge}” from {issuer} expires on {date}. From then on its verification page will say that it has expired.",
        "notice.expiring.renew": "If you need it to stay valid, ask {issuer} whether it can be renewed.",
    },
    "it": {
        "notice.supplement.subject.new": "È arrivato il tuo Supplemento al diploma per “{badge}”",
        "notice.supplement.subject.corrected": "Il tuo Supplemento al diploma per “{badge}” è stato corretto",
        "notice.supplement.intro.new": "{issuer} ha allegato il tuo Supplemento al diploma al tuo badge “{badge}”.",
        "notice.supplement.intro.corrected": "{issuer} ha corretto il Supplemento al diploma del tuo badge “{badge}”. La nuova versione sostituisce la precedente, che non viene più mostrata a nessuno.",
        "notice.supplement.what": "Il Supplemento al diploma è il documento che descrive in dettaglio il tuo titolo di studio: il corso, gli insegnamenti seguiti e i risultati ottenuti, nella forma standard usata in tutta Europa.",
        "notice.supplement.private": "Per ora possono vederlo solo tu e {issuer}. Nel tuo zaino, accanto al badge, scegli se renderlo visibile agli altri utenti: da quel momento compare ovunque il badge venga verificato o condiviso, finché non lo disattivi.",
        "notice.signin_first": "Se non hai ancora effettuato l'accesso, ti chiederemo prima questo indirizzo e-mail e ti invieremo un link di accesso.",
        "notice.backpack_button": "Apri il tuo zaino",
        "notice.reminder.subject": "Promemoria: {issuer} ti ha conferito il badge “{badge}”",
        "notice.reminder.intro": "{issuer} ti ha conferito il badge “{badge}” {age} giorni fa, e aspetta ancora che tu lo accetti.",
        "notice.reminder.replaces": "Questo link sostituisce quello delle e-mail precedenti, che non funziona più.",
        "notice.reminder.last": "È l'ultimo promemoria che ti inviamo per questo badge.",
        "notice.expiring.subject": "Il tuo badge “{badge}” scade il {date}",
        "notice.expiring.intro": "Il tuo badge “{badge}” di {issuer} scade il {date}. Da quel giorno la sua pagina di verifica dirà che è scaduto.",
        "notice.expiring.renew": "Se ti serve che resti valido, chiedi a {issuer} se può essere rinnovato.",
    },
}
