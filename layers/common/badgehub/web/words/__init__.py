"""The pages' and e-mails' words by area, in English and Italian; `i18n.MESSAGES` holds them all.

Each module has `WORDS`, a dict per language; keys never repeat across areas (checked when merged).
"""
