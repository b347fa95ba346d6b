"""Verification for anyone: the `/verify` form, the badge page and `POST /v1/verify`.

The verification engine, pyld and Jinja2 load on the first verification or page, not for
every public document: documents are most of the verify function's traffic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from ..domain.errors import DomainError
from ..runtime import wiring
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

if TYPE_CHECKING:
    from ..domain.verification import Report
    from ..usecases.verify import VerifySubject
    from ..web.pages import Page

router = Router()


def html_response(page: Page, status: int = 200) -> Response[str]:
    return Response(status, "text/html; charset=utf-8", page.html, page.headers)


def run_verification(subject: VerifySubject, email: str | None) -> Report:
    from ..usecases.own_documents import OwnDocumentsFetcher
    from ..usecases.verify import verify

    urls = public_urls(router)
    fetcher = OwnDocumentsFetcher(wiring.ports(), urls, wiring.fetcher(urls.base))
    return verify(subject, fetcher, wiring.ports().clock.now(), email, urls.base)


def verification_page(
    subject: VerifySubject,
    email: str | None,
    links: list[tuple[str, str]] | None = None,
    recipient_name: str | None = None,
    recorded: dict[str, Any] | None = None,
) -> Response[str]:
    """`recorded`: our own records of a badge hosted here, shown for what a revoked badge's
    documents no longer say."""
    from ..domain.recipients import Viewer
    from ..usecases.supplements import own_assertion_id, public_view
    from ..web import pages
    from ..web.verify_views import page_report

    report = run_verification(subject, email)
    urls = public_urls(router)
    ours = own_assertion_id(report, urls)
    page = pages.report_page(
        page_report(report, recorded),
        language(router),
        urls.base + "/verify",
        image_origins(),
        links,
        recipient_name=recipient_name,
        supplement=public_view(ours, Viewer.ANYONE, urls, ports=wiring.ports()) if ours else None,
    )
    return html_response(page)


def badge_page(assertion_id: str) -> Response[str]:
    """The page a recruiter sees at a badge's own URL."""
    from ..usecases.public import recorded_facts
    from ..usecases.recipients import public_name
    from ..usecases.verify import Url
    from ..web.verify_views import document_links

    urls = public_urls(router)
    return verification_page(
        Url(urls.assertion(assertion_id)),
        None,
        document_links(urls, assertion_id),
        public_name(assertion_id, ports=wiring.ports()),
        recorded_facts(assertion_id, ports=wiring.ports(), urls=urls),
    )


@router.get("/verify")
def verify_form() -> Response[str]:
    from ..web import pages

    base = public_urls(router).base
    return html_response(
        pages.verify_form_page(language(router), base + "/verify", image_origins())
    )


@router.post("/verify")
def verify_form_submit() -> Response[str]:
    """The form: an uploaded image, pasted text or a URL; errors come back on the form."""
    from ..runtime.forms import FormData, parse_multipart
    from ..web import pages
    from ..web.verify_inputs import subject_from_form

    form = FormData()
    email = None
    try:
        # An unreadable form is answered on the form too: a person sent it from this page.
        form = parse_multipart(raw_body(router), header(router, "content-type"))
        email = form.fields.get("email") or None
        return verification_page(subject_from_form(form), email)
    except DomainError as error:
        page = pages.verify_form_page(
            language(router),
            public_urls(router).base + "/verify",
            image_origins(),
            error=error.message,
            text=form.fields.get("text"),
            url=form.fields.get("url"),
            email=email,
        )
        return html_response(page, status_for(error))


@router.post("/v1/verify")
def verify_api() -> Response[str]:
    """JSON (`credential`, `jws` or `url`) or a baked image as the raw body."""
    from ..runtime.views import VerifyRequest
    from ..usecases.verify import BakedImage
    from ..web.verify_inputs import subject_from_request

    content_type = (header(router, "content-type") or "").split(";")[0].strip()
    email = router.current_event.get_query_string_value("recipient")
    if content_type in ("image/png", "image/svg+xml"):
        subject: VerifySubject = BakedImage(raw_body(router))
    else:
        body = json_body(router, VerifyRequest)
        email = body.recipient or email
        subject = subject_from_request(body)
    report = run_verification(subject, email)
    count_api_verification(report)
    return json_response(200, report.to_json())


def count_api_verification(report: Report) -> None:
    """Earner analytics: a check by software of one of our own badges (signature good)."""
    from ..usecases import analytics

    ours = analytics.own_assertion(report, public_urls(router), ports=wiring.ports())
    if ours is not None:
        ports = wiring.ports()
        analytics.record(
            ours, "api_verification", header(router, "user-agent"), ports=ports
        ).settle()
