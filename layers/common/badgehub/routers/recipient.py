"""The recipient's pages (claim, sign-in, backpack) and their JSON twin (`/v1/me`).

A cold start pays only for claim and sign-in: the verifier behind imported badges (and the
`cryptography` it loads), the analytics counters and the pages' templates are imported by the
routes that use them.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel, ConfigDict, StrictBool

from ..domain import tokens
from ..domain.errors import DomainError, Forbidden, InvalidInput, Unauthenticated
from ..domain.recipients import ClaimState, Session, Viewer, Visibility
from ..runtime import cookies, wiring
from ..runtime.forms import parse_urlencoded
from ..runtime.http import (
    header,
    image_origins,
    json_body,
    json_response,
    public_urls,
    raw_body,
    status_for,
)
from ..runtime.negotiation import language
from ..runtime.observability import logger
from ..usecases import recipients, sessions
from ..usecases.recipients import Changes, Held, LinkProblem

if TYPE_CHECKING:
    from aws_lambda_powertools.shared.cookies import Cookie

    from ..domain.events import Event
    from ..usecases.imports import Verifier
    from ..web.pages import Page

router = Router()


def _page(page: Page, status: int = 200, set_cookies: list[Cookie] | None = None) -> Response[str]:
    return Response(status, "text/html; charset=utf-8", page.html, page.headers, set_cookies or [])


def _redirect(location: str, set_cookies: list[Cookie] | None = None) -> Response[str]:
    headers = {"Location": location, "Cache-Control": "no-store"}
    return Response(303, "text/plain; charset=utf-8", "", headers, set_cookies or [])


def _verify_url() -> str:
    return public_urls(router).base + "/verify"


def _form() -> dict[str, str]:
    return parse_urlencoded(raw_body(router), header(router, "content-type"))


def safe_next(value: str | None) -> str:
    """Only a path on this site: never `//host`, a scheme, or a backslash trick."""
    if (
        not value
        or not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or any(ord(c) < 32 for c in value)
    ):
        return "/backpack"
    return value


def _session_cookie(opened: sessions.Opened) -> Cookie:
    return cookies.make(
        cookies.SESSION, opened.raw_id, int(tokens.SESSION_ABSOLUTE.total_seconds())
    )


def _signed_in() -> Session:
    return sessions.current_session(cookies.read(router, cookies.SESSION), ports=wiring.ports())


TO_SIGNIN = "/signin?next=/backpack"


def _backpack_session() -> Session | None:
    """The signed-in recipient, or None: backpack pages send everyone else to sign in."""
    try:
        return _signed_in()
    except Unauthenticated:
        return None


# Claim ---------------------------------------------------------------------------------


def _claim_view(token: str, confirm_decline: bool = False) -> Response[str]:
    from ..web import recipient_pages
    from ..web.cards import card_of

    lang = language(router)
    ports = wiring.ports()
    opened = recipients.open_claim(token, ports=ports)
    if isinstance(opened, LinkProblem):
        page = recipient_pages.link_problem_page(
            lang,
            reason=opened.value,
            signin_url="/signin",
            verify_url=_verify_url(),
            image_origins=image_origins(),
        )
        return _page(page, 410 if opened is not LinkProblem.UNKNOWN else 404)
    link, held = opened
    page = recipient_pages.claim_page(
        lang,
        signin_url="/signin",
        card=card_of(held.assertion, held.badge, held.issuer, public_urls(router)),
        recipient_name=held.assertion.recipient_name,
        csrf=recipients.claim_csrf(link, ports=ports),
        action_url=f"/claim/{token}",
        verify_url=_verify_url(),
        image_origins=image_origins(),
        confirm_decline=confirm_decline,
    )
    return _page(page)


@router.get("/claim/<token>")
def claim(token: str) -> Response[str]:
    return _claim_view(token)


@router.post("/claim/<token>")
def answer_claim(token: str) -> Response[str]:
    """Accept signs in and opens the backpack; Decline asks once more before it hides it."""
    form = _form()
    action = form.get("action", "")
    if action == "decline":
        return _claim_view(token, confirm_decline=True)
    if action == "cancel":
        return _redirect(f"/claim/{token}")
    if action not in ("accept", "decline-confirmed"):
        raise InvalidInput("choose accept or decline", field="action")
    try:
        opened = recipients.answer_claim(
            token, action == "accept", form.get("csrf"), ports=wiring.ports()
        )
    except DomainError as error:
        if isinstance(error, Forbidden):
            raise
        return _claim_view(token)  # the link's own page says what is wrong with it
    return _redirect("/backpack", [_session_cookie(opened)])


# Sign-in -------------------------------------------------------------------------------


def _signin_form(
    status: int = 200, *, email: str | None = None, error: str | None = None, sent: bool = False
) -> Response[str]:
    from ..web import recipient_pages

    form_secret = cookies.read(router, cookies.FORM) or secrets.token_urlsafe(24)
    csrf = tokens.csrf_token(wiring.ports().secret_for("csrf"), f"form:{form_secret}")
    next_path = router.current_event.get_query_string_value("next")
    page = recipient_pages.signin_page(
        language(router),
        csrf=csrf,
        action_url="/signin",
        verify_url=_verify_url(),
        image_origins=image_origins(),
        email=email,
        error=error,
        sent=sent,
        next_path=safe_next(next_path) if next_path else None,
    )
    return _page(page, status, [cookies.make(cookies.FORM, form_secret, 3600)])


@router.get("/signin")
def signin() -> Response[str]:
    return _signin_form()


@router.post("/signin")
def request_signin() -> Response[str]:
    from ..domain.models import RecipientInput

    form = _form()
    form_secret = cookies.read(router, cookies.FORM) or ""
    key = wiring.ports().secret_for("csrf")
    if not form_secret or not tokens.csrf_matches(key, f"form:{form_secret}", form.get("csrf")):
        return _signin_form(403, error="expired_form")
    try:
        email = RecipientInput(email=form.get("email", "")).email
    except ValueError:
        return _signin_form(400, email=form.get("email"), error="invalid_email")
    client = str(
        (router.current_event.get("requestContext") or {}).get("http", {}).get("sourceIp", "")
    )
    try:
        mail = sessions.request_signin(email, client, language(router), ports=wiring.ports())
    except DomainError as error:
        code = "rate_limited" if status_for(error) == 429 else error.message
        response = _signin_form(status_for(error), email=email, error=code)
        retry = getattr(error, "retry_after", None)
        if retry is not None:
            response.headers["Retry-After"] = str(retry)
        return response
    send_now(mail)
    return _signin_form(email=None, sent=True)


def send_now(mail: Event) -> None:
    """The link goes out at once (the scheduled mailer retries if the mail service fails);
    the answer is the same whatever happens here."""
    from ..usecases import mailer

    try:
        mailer.deliver(mail, public_urls(router), wiring.mail_renderer(), ports=wiring.ports())
    except Exception:  # the request is stored: the mailer's next run has it
        logger.exception("the sign-in e-mail will be retried", extra={"event": mail.id})


@router.get("/signin/<token>")
def signin_link(token: str) -> Response[str]:
    """Mail scanners open links: the link is spent only by the button on this page."""
    from ..web import recipient_pages

    link = sessions.find_signin_link(token, ports=wiring.ports())
    if link is None or not link.usable(wiring.ports().clock.now()):
        reason = "unknown" if link is None else ("used" if link.used_at else "expired")
        page = recipient_pages.link_problem_page(
            language(router),
            reason=reason,
            signin_url="/signin",
            verify_url=_verify_url(),
            image_origins=image_origins(),
        )
        return _page(page, 404 if link is None else 410)
    csrf = tokens.csrf_token(wiring.ports().secret_for("csrf"), f"signin:{link.token_hash}")
    page = recipient_pages.signin_confirm_page(
        language(router),
        csrf=csrf,
        action_url=f"/signin/{token}",
        next_path=safe_next(router.current_event.get_query_string_value("next")),
        verify_url=_verify_url(),
        image_origins=image_origins(),
    )
    return _page(page)


@router.post("/signin/<token>")
def use_signin_link(token: str) -> Response[str]:
    form = _form()
    ports = wiring.ports()
    link = sessions.find_signin_link(token, ports=ports)
    bound = f"signin:{link.token_hash}" if link else ""
    if link is None or not tokens.csrf_matches(ports.secret_for("csrf"), bound, form.get("csrf")):
        return signin_link(token)
    try:
        opened = sessions.use_signin_link(link, ports=ports)
    except Unauthenticated:
        return signin_link(token)
    return _redirect(safe_next(form.get("next")), [_session_cookie(opened)])


@router.post("/signout")
def signout() -> Response[str]:
    form = _form()
    try:
        session = _signed_in()
        sessions.check_csrf(session, form.get("csrf"), ports=wiring.ports())
    except Unauthenticated:
        return _redirect("/signin", [cookies.clear(cookies.SESSION)])
    sessions.end_session(cookies.read(router, cookies.SESSION), ports=wiring.ports())
    return _redirect("/signin", [cookies.clear(cookies.SESSION)])


# Backpack ------------------------------------------------------------------------------


def _verifier() -> Verifier:
    """The platform's verifier, as the verify function runs it (our own documents from the
    store, anyone else's through the safe fetcher)."""
    from ..usecases.own_documents import OwnDocumentsFetcher
    from ..usecases.verify import verify

    urls = public_urls(router)
    fetcher = OwnDocumentsFetcher(wiring.ports(), urls, wiring.fetcher(urls.base))

    def run(subject: Any, email: str) -> Any:
        return verify(subject, fetcher, wiring.ports().clock.now(), email, urls.base)

    return run


def _backpack_page(
    session: Session, notice: str | None = None, import_error: str | None = None, status: int = 200
) -> Response[str]:
    from ..usecases import analytics, imports
    from ..usecases.supplements import public_view
    from ..web import recipient_pages
    from ..web.cards import ImportedItem, backpack_item

    ports = wiring.ports()
    urls = public_urls(router)
    now = ports.clock.now()
    items = [
        backpack_item(
            held,
            urls,
            now,
            supplement=public_view(held.assertion.id, Viewer.OWNER, urls, ports=ports),
            analytics=analytics.summary(held.assertion.id, ports=ports),
        )
        for held in recipients.backpack(session, ports=ports)
    ]
    brought = [
        ImportedItem(
            import_id=shown.badge.id,
            name=shown.badge.name or "Open Badge",
            issuer_name=shown.badge.issuer_name or "",
            verdict=shown.report.verdict.value,
            imported_on=shown.badge.imported_at,
            remove_url=f"/backpack/imports/{shown.badge.id}/remove",
        )
        for shown in imports.imported_badges(session, _verifier(), ports=ports)
    ]
    page = recipient_pages.backpack_page(
        language(router),
        email=session.email,
        items=items,
        csrf=sessions.csrf_for(session, ports=ports),
        signout_url="/signout",
        verify_url=_verify_url(),
        image_origins=image_origins(),
        notice=notice,
        imports=brought,
        import_error=import_error,
    )
    return _page(page, status)


@router.get("/backpack")
def backpack() -> Response[str]:
    session = _backpack_session()
    if session is None:
        return _redirect(TO_SIGNIN)
    saved = router.current_event.get_query_string_value("saved")
    return _backpack_page(session, "saved" if saved else None)


def _form_changes(form: dict[str, str]) -> Changes:
    try:
        return Changes(
            visibility=Visibility(form["visibility"]) if form.get("visibility") else None,
            show_name={"on": True, "off": False}[form["show_name"]]
            if form.get("show_name")
            else None,
            claim=ClaimState(form["claim"]) if form.get("claim") else None,
            supplement_visible={"on": True, "off": False}[form["supplement_visible"]]
            if form.get("supplement_visible")
            else None,
        )
    except (ValueError, KeyError) as exc:
        raise InvalidInput("that choice is not one of the options", field="body") from exc


@router.post("/backpack/<assertion_id>")
def change_badge(assertion_id: str) -> Response[str]:
    session = _backpack_session()
    if session is None:
        return _redirect(TO_SIGNIN)
    form = _form()
    ports = wiring.ports()
    sessions.check_csrf(session, form.get("csrf"), ports=ports)
    recipients.change(session, assertion_id, _form_changes(form), ports=ports)
    return _redirect(f"/backpack?saved=1#badge-{assertion_id}")


@router.post("/backpack/import")
def import_badge() -> Response[str]:
    """A badge from elsewhere: an image, pasted text or a URL, as on the /verify form."""
    from ..runtime.forms import parse_multipart
    from ..usecases import imports
    from ..web.verify_inputs import subject_from_form

    session = _backpack_session()
    if session is None:
        return _redirect(TO_SIGNIN)
    form = parse_multipart(raw_body(router), header(router, "content-type"))
    ports = wiring.ports()
    sessions.check_csrf(session, form.fields.get("csrf"), ports=ports)
    try:
        imports.import_badge(session, subject_from_form(form), _verifier(), ports=ports)
    except DomainError as error:
        return _backpack_page(session, import_error=error.message, status=status_for(error))
    return _redirect("/backpack?saved=1#imports-title")


@router.post("/backpack/imports/<import_id>/remove")
def remove_import(import_id: str) -> Response[str]:
    from ..usecases import imports

    session = _backpack_session()
    if session is None:
        return _redirect(TO_SIGNIN)
    form = _form()
    ports = wiring.ports()
    sessions.check_csrf(session, form.get("csrf"), ports=ports)
    imports.remove(session, import_id, ports=ports)
    return _redirect("/backpack?saved=1#imports-title")


# JSON for software ---------------------------------------------------------------------


class MeChanges(BaseModel):
    """PATCH /v1/me/assertions/{id}: any of the recipient's choices."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)

    visibility: Visibility | None = None
    showName: StrictBool | None = None  # noqa: N815 - the wire name; true/false, never 0/1
    claim: ClaimState | None = None
    supplementVisible: StrictBool | None = None  # noqa: N815 - the wire name


def _me_view(held: Held) -> dict[str, Any]:
    from ..usecases import analytics
    from ..usecases.supplements import public_view
    from ..web.cards import backpack_item

    urls = public_urls(router)
    ports = wiring.ports()
    shown = public_view(held.assertion.id, Viewer.OWNER, urls, ports=ports)
    item = backpack_item(held, urls, ports.clock.now(), shown)
    return {
        "id": held.assertion.id,
        "badge": {"id": held.badge.id, "name": held.badge.name},
        "issuer": {"id": held.issuer.id, "name": held.issuer.name},
        "issuedOn": held.assertion.issued_on.isoformat(),
        "expires": held.assertion.expires.isoformat() if held.assertion.expires else None,
        "claim": held.entry.claim.value,
        "visibility": held.entry.visibility.value,
        "showName": held.entry.show_name,
        "supplementVisible": held.entry.supplement_visible,
        "supplement": None
        if shown is None
        else {
            "version": shown.version,
            "attachedAt": shown.attached_at.isoformat(),
            "digest": shown.digest,
            "size": shown.size,
            "signedByIssuer": shown.signed,
            "download": shown.download_url,
        },
        "verdict": item.verdict,
        "links": {
            "verify": item.card.verify_url,
            "baked": item.download_png_url,
            "bakedCredential": item.download_ob3_url,
            "share": urls.share(held.assertion.id),
        },
        "analytics": analytics.summary(held.assertion.id, ports=wiring.ports()).to_json(),
    }


@router.get("/v1/me/assertions")
def my_assertions() -> Response[str]:
    session = _signed_in()
    ports = wiring.ports()
    csrf = sessions.csrf_for(session, ports=ports)
    items = [_me_view(held) for held in recipients.backpack(session, ports=ports)]
    headers = {"Cache-Control": "no-store", "X-CSRF-Token": csrf}
    return json_response(200, {"items": items, "csrfToken": csrf}, headers)


@router.patch("/v1/me/assertions/<assertion_id>")
def change_my_assertion(assertion_id: str) -> Response[str]:
    session = _signed_in()
    ports = wiring.ports()
    sessions.check_csrf(session, header(router, "x-csrf-token"), ports=ports)
    body = json_body(router, MeChanges)
    changes = Changes(
        visibility=body.visibility,
        show_name=body.showName,
        claim=body.claim,
        supplement_visible=body.supplementVisible,
    )
    held = recipients.change(session, assertion_id, changes, ports=ports)
    return json_response(200, _me_view(held), {"Cache-Control": "no-store"})
