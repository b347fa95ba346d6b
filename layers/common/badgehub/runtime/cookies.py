"""Cookies of the recipient pages: the session, and the sign-in form's CSRF companion.

`__Host-` names: sent only over https, only to this host, for every path; never readable by
scripts (`HttpOnly`), and `SameSite=Lax` so other sites can't post forms with them.
"""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import BaseRouter
from aws_lambda_powertools.shared.cookies import Cookie, SameSite

SESSION = "__Host-session"
FORM = "__Host-form"


def read(router: BaseRouter, name: str) -> str | None:
    for cookie in router.current_event.get("cookies") or []:
        key, _, value = str(cookie).partition("=")
        if key.strip() == name:
            return value.strip()
    return None


def make(name: str, value: str, max_age: int) -> Cookie:
    return Cookie(
        name=name,
        value=value,
        path="/",
        secure=True,
        http_only=True,
        max_age=max_age,
        same_site=SameSite.LAX_MODE,
    )


def clear(name: str) -> Cookie:
    return make(name, "", 0)
