"""The recipient's side through the real handlers on moto: e-mail, claim, sessions, backpack."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from badgehub.runtime import jobs, wiring
from tests.integration.conftest import Api, Tenant, issue, mail_text, sent_mail
from tests.support.builders import FixedClock
from tests.support.moto_turns import DYNAMO_CALLS, take_turns

CLAIM_LINK = re.compile(r"https://badges\.test/claim/([A-Za-z0-9_-]+)")


def claim_token(index: int = -1) -> str:
    found = CLAIM_LINK.search(mail_text(sent_mail()[index]))
    assert found, "the e-mail carries a claim link"
    return found.group(1)


def later(minutes: int) -> None:
    """Moves the handlers' clock on, as if the scheduled mailer ran that much later."""
    wiring.ports().clock = FixedClock(datetime.now(UTC) + timedelta(minutes=minutes))


def test_issuing_sends_the_badge_email_at_once_and_the_issuer_sees_it_sent(
    api: Api, tenant: Tenant
) -> None:
    issued = issue(api, tenant)
    [message] = sent_mail()
    assert message["To"] == "ada@example.org"
    assert "Data Literacy" in message["Subject"]
    text = mail_text(message)
    assert CLAIM_LINK.search(text)
    assert not re.search(r"https?://(?!badges\.test)", text)  # no third-party links
    html = message.get_body(preferencelist=("html",))
    assert html is not None and 'src="cid:badge"' in str(html.get_content())
    assert issued["delivery"]["state"] == "sent"
    assert issued["claim"] == {"state": "pending", "changedAt": None}
    assert "visibility" not in issued and "showName" not in issued  # the recipient's own


def test_notify_false_sends_nothing(api: Api, tenant: Tenant) -> None:
    issued = issue(api, tenant, notify=False)
    assert sent_mail() == []
    assert issued["delivery"]["state"] == "not_sent"


def test_a_failing_mail_service_never_fails_issuing_and_the_mailer_sends_it_once_later(
    api: Api, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from badgehub.adapters import aws as aws_clients

    client = aws_clients.sesv2()
    working = client.send_email

    def down(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "Throttling", "Message": "x"}}, "SendEmail")

    monkeypatch.setattr(client, "send_email", down)
    issued = issue(api, tenant)
    assert issued["delivery"]["state"] == "failed"
    assert issued["delivery"]["attempts"] == 1
    assert jobs.send_pending_mail(60_000)["sent"] == 0  # not due yet: the backoff holds it

    later(minutes=2)
    assert jobs.send_pending_mail(60_000)["retried"] == 1  # still down: tried, and later again
    monkeypatch.setattr(client, "send_email", working)
    later(minutes=8)
    assert jobs.send_pending_mail(60_000)["sent"] == 1
    later(minutes=60 * 24 * 3)
    assert jobs.send_pending_mail(60_000)["sent"] == 0
    assert len(sent_mail()) == 1
    view = api.call("GET", f"/v1/assertions/{issued['id']}", token=tenant.key).json()
    assert view["delivery"]["state"] == "sent"
    assert view["delivery"]["attempts"] == 3


def test_two_mailer_runs_at_once_send_each_email_once(
    api: Api, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from badgehub.adapters import aws as aws_clients

    client = aws_clients.sesv2()
    working = client.send_email
    monkeypatch.setattr(
        client,
        "send_email",
        lambda **_: (_ for _ in ()).throw(
            ClientError({"Error": {"Code": "Throttling", "Message": "x"}}, "SendEmail")
        ),
    )
    for n in range(5):
        issue(api, tenant, email=f"grad{n}@example.org")
    monkeypatch.setattr(client, "send_email", working)
    take_turns(monkeypatch, client, ["send_email"])
    take_turns(monkeypatch, aws_clients.dynamodb(), DYNAMO_CALLS)
    later(minutes=2)
    runs: list[dict[str, int]] = []
    threads = [
        threading.Thread(target=lambda: runs.append(jobs.send_pending_mail(60_000)))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(run["sent"] for run in runs) == 5
    assert sorted(m["To"] for m in sent_mail()) == [f"grad{n}@example.org" for n in range(5)]


def test_resend_makes_a_new_link_and_the_old_one_stops_working(api: Api, tenant: Tenant) -> None:
    from badgehub.usecases import recipients

    issued = issue(api, tenant)
    first = claim_token()
    reply = api.call("POST", f"/v1/assertions/{issued['id']}/resend", token=tenant.key)
    assert reply.status == 200, reply.body
    second = claim_token()
    assert first != second
    assert recipients.open_claim(first, ports=wiring.ports()) is recipients.LinkProblem.USED
    assert not isinstance(
        recipients.open_claim(second, ports=wiring.ports()), recipients.LinkProblem
    )


def test_resend_belongs_to_the_issuer_alone(api: Api, tenant: Tenant) -> None:
    from tests.integration.conftest import make_tenant

    issued = issue(api, tenant)
    other = make_tenant(api, "Other University")
    reply = api.call("POST", f"/v1/assertions/{issued['id']}/resend", token=other.key)
    assert reply.status == 403
    assert len(sent_mail()) == 1


# Claim, sessions and the authorization matrix ------------------------------------------


def accept(api: Api, token: str) -> str:
    """Accepts through the claim link as the claim page's form does; returns the session."""
    from badgehub.usecases import recipients

    opened = recipients.open_claim(token, ports=wiring.ports())
    assert not isinstance(opened, recipients.LinkProblem)
    csrf = recipients.claim_csrf(opened[0], ports=wiring.ports())
    reply = api.call(
        "POST",
        f"/claim/{token}",
        raw=f"action=accept&csrf={csrf}".encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert reply.status == 303, reply.body
    assert reply.headers["location"] == "/backpack"
    cookie = reply.headers["set-cookie"]
    assert cookie.startswith("__Host-session=")
    for attribute in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert attribute in cookie
    return cookie.split(";", 1)[0].split("=", 1)[1]


def me(
    api: Api,
    session: str | None,
    method: str = "GET",
    path: str = "/v1/me/assertions",
    body: Any = None,
    csrf: str | None = None,
    token: str | None = None,
) -> Any:
    headers = {}
    if session:
        headers["cookie"] = f"__Host-session={session}"
    if csrf:
        headers["x-csrf-token"] = csrf
    return api.call(method, path, body, headers=headers, token=token)


def test_accepting_through_the_link_signs_in_and_the_issuer_sees_the_answer(
    api: Api, tenant: Tenant
) -> None:
    issued = issue(api, tenant)
    session = accept(api, claim_token())
    listing = me(api, session).json()
    assert [(i["id"], i["claim"], i["visibility"], i["showName"]) for i in listing["items"]] == [
        (issued["id"], "accepted", "public", False)
    ]
    view = api.call("GET", f"/v1/assertions/{issued['id']}", token=tenant.key).json()
    assert view["claim"]["state"] == "accepted"
    assert "visibility" not in view and "showName" not in view


def test_a_claim_link_works_once(api: Api, tenant: Tenant) -> None:
    issue(api, tenant)
    token = claim_token()
    accept(api, token)
    replay = api.call("GET", f"/claim/{token}", headers={"accept": "text/html"})
    assert replay.status == 410
    forged = api.call("GET", "/claim/" + "A" * 43, headers={"accept": "text/html"})
    assert forged.status == 404


def test_a_claim_form_without_its_csrf_token_changes_nothing(api: Api, tenant: Tenant) -> None:
    issued = issue(api, tenant)
    token = claim_token()
    reply = api.call(
        "POST",
        f"/claim/{token}",
        raw=b"action=accept&csrf=forged",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert reply.status == 403
    view = api.call("GET", f"/v1/assertions/{issued['id']}", token=tenant.key).json()
    assert view["claim"]["state"] == "pending"


def test_recipients_act_only_on_their_own_badges(api: Api, tenant: Tenant) -> None:
    ada_badge = issue(api, tenant, email="ada@example.org")
    ada = accept(api, claim_token())
    bob_badge = issue(api, tenant, email="bob@example.org")
    bob = accept(api, claim_token())
    bob_csrf = me(api, bob).json()["csrfToken"]
    ada_csrf = me(api, ada).json()["csrfToken"]

    # Bob sees only his own badge, and cannot touch Ada's (it does not exist for him).
    assert [i["id"] for i in me(api, bob).json()["items"]] == [bob_badge["id"]]
    path = f"/v1/me/assertions/{ada_badge['id']}"
    assert me(api, bob, "PATCH", path, {"visibility": "private"}, bob_csrf).status == 404
    # Ada's own change needs her CSRF token, not Bob's.
    assert me(api, ada, "PATCH", path, {"visibility": "private"}, bob_csrf).status == 403
    assert me(api, ada, "PATCH", path, {"visibility": "private"}, ada_csrf).status == 200
    # Anonymous callers and issuer keys never open a recipient route.
    assert me(api, None).status == 401
    assert me(api, None, token=tenant.key).status == 401
    assert (
        me(api, None, "PATCH", path, {"visibility": "public"}, ada_csrf, tenant.key).status == 401
    )
    # The issuer cannot change the recipient's choices through its own API either.
    assert api.call("PATCH", path, {"visibility": "public"}, token=tenant.key).status == 401
    assert me(api, ada).json()["items"][0]["visibility"] == "private"


def test_backpack_forms_need_the_session_and_its_csrf(api: Api, tenant: Tenant) -> None:
    issued = issue(api, tenant)
    session = accept(api, claim_token())
    csrf = me(api, session).json()["csrfToken"]
    form = {"content-type": "application/x-www-form-urlencoded"}
    anonymous = api.call("POST", f"/backpack/{issued['id']}", raw=b"show_name=on", headers=form)
    assert (anonymous.status, anonymous.headers["location"]) == (303, "/signin?next=/backpack")
    cookie = {"cookie": f"__Host-session={session}", **form}
    forged = api.call(
        "POST", f"/backpack/{issued['id']}", raw=b"show_name=on&csrf=x", headers=cookie
    )
    assert forged.status == 403
    saved = api.call(
        "POST",
        f"/backpack/{issued['id']}",
        raw=f"show_name=on&csrf={csrf}".encode(),
        headers=cookie,
    )
    assert saved.status == 303
    assert me(api, session).json()["items"][0]["showName"] is True


def test_signout_ends_the_session(api: Api, tenant: Tenant) -> None:
    issue(api, tenant)
    session = accept(api, claim_token())
    csrf = me(api, session).json()["csrfToken"]
    reply = api.call(
        "POST",
        "/signout",
        raw=f"csrf={csrf}".encode(),
        headers={
            "cookie": f"__Host-session={session}",
            "content-type": "application/x-www-form-urlencoded",
        },
    )
    assert reply.status == 303
    assert me(api, session).status == 401


def test_sessions_end_when_idle(api: Api, tenant: Tenant) -> None:
    issue(api, tenant)
    session = accept(api, claim_token())
    later(minutes=3 * 60)
    assert me(api, session).status == 401


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example", "/\\evil", "\\\\x"])
def test_next_never_leaves_the_site(target: str) -> None:
    from badgehub.routers.recipient import safe_next

    assert safe_next(target) == "/backpack"
    assert safe_next("/backpack?x=1") == "/backpack?x=1"


# Sign-in by e-mail ---------------------------------------------------------------------

SIGNIN_LINK = re.compile(r"https://badges\.test/signin/([A-Za-z0-9_-]+)")
FORM = {"content-type": "application/x-www-form-urlencoded"}


def ask_for_link(api: Api, email: str, client: str = "198.51.100.7") -> Any:
    from badgehub.domain import tokens

    form_secret = "form-secret-of-this-browser"
    csrf = tokens.csrf_token(wiring.ports().secret_for("csrf"), f"form:{form_secret}")
    return api.call(
        "POST",
        "/signin",
        raw=f"email={email}&csrf={csrf}".encode(),
        headers={**FORM, "cookie": f"__Host-form={form_secret}", "x-test-source-ip": client},
    )


def signin_token() -> str:
    found = SIGNIN_LINK.search(mail_text(sent_mail()[-1]))
    assert found
    return found.group(1)


def test_signin_answers_the_same_whether_or_not_the_address_has_badges(
    api: Api, tenant: Tenant
) -> None:
    issue(api, tenant, notify=False)
    known = ask_for_link(api, "ada@example.org")
    unknown = ask_for_link(api, "nobody@example.org")
    assert known.status == unknown.status == 200

    def without_nonce(body: bytes) -> bytes:
        return re.sub(rb'nonce="[^"]+"|name="csrf" value="[^"]+"', b"", body)

    assert without_nonce(known.body) == without_nonce(unknown.body)
    assert [m["To"] for m in sent_mail()] == ["ada@example.org"]  # at once, and only to Ada
    assert jobs.send_pending_mail(60_000)["sent"] == 0  # nothing left over for the schedule


def test_a_signin_link_opens_a_session_once_and_only_by_its_button(
    api: Api, tenant: Tenant
) -> None:
    from badgehub.domain import tokens

    issue(api, tenant, notify=False)
    ask_for_link(api, "ada@example.org")
    token = signin_token()
    page = api.call("GET", f"/signin/{token}", headers={"accept": "text/html"})
    assert page.status == 200  # a mail scanner opening the link spends nothing
    link = wiring.ports().recipients.get_link(
        __import__("badgehub.domain.recipients", fromlist=["LinkPurpose"]).LinkPurpose.SIGNIN,
        tokens.token_hash(token),
    )
    assert link is not None and link.used_at is None
    csrf = tokens.csrf_token(wiring.ports().secret_for("csrf"), f"signin:{link.token_hash}")
    used = api.call("POST", f"/signin/{token}", raw=f"csrf={csrf}".encode(), headers=FORM)
    assert used.status == 303
    session = used.headers["set-cookie"].split(";", 1)[0].split("=", 1)[1]
    assert [i["claim"] for i in me(api, session).json()["items"]] == ["pending"]
    again = api.call("POST", f"/signin/{token}", raw=f"csrf={csrf}".encode(), headers=FORM)
    assert again.status == 410


def mid_hour() -> None:
    """Rate limits count in fixed hours: tests that fill one must not straddle two."""
    wiring.ports().clock = FixedClock(datetime.now(UTC).replace(minute=30, second=0))


def test_signin_is_rate_limited_per_address(api: Api, tenant: Tenant) -> None:
    mid_hour()
    statuses = [ask_for_link(api, "ada@example.org", f"203.0.113.{n}").status for n in range(6)]
    assert statuses == [200] * 5 + [429]
    limited = ask_for_link(api, "ada@example.org", "203.0.113.99")
    assert int(limited.headers["retry-after"]) > 0


def test_signin_is_rate_limited_per_client(api: Api, tenant: Tenant) -> None:
    mid_hour()
    statuses = [ask_for_link(api, f"person{n}@example.org").status for n in range(21)]
    assert statuses == [200] * 20 + [429]


# Badges from elsewhere -----------------------------------------------------------------


def multipart(fields: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    boundary = "----badgehub-test"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    body = ("".join(parts) + f"--{boundary}--\r\n").encode()
    return body, {"content-type": f"multipart/form-data; boundary={boundary}"}


def import_badge(api: Api, session: str, text: str) -> Any:
    csrf = me(api, session).json()["csrfToken"]
    body, headers = multipart({"csrf": csrf, "text": text})
    return api.call(
        "POST",
        "/backpack/import",
        raw=body,
        headers={**headers, "cookie": f"__Host-session={session}"},
    )


def test_a_badge_from_elsewhere_is_kept_only_if_it_verifies_and_names_the_recipient(
    api: Api, tenant: Tenant
) -> None:
    import json

    from tests.integration.conftest import make_tenant

    issue(api, tenant, email="ada@example.org")
    ada = accept(api, claim_token())
    other = make_tenant(api, "Another Academy")
    mine = issue(api, other, email="ada@example.org", notify=False)
    theirs = issue(api, other, email="bob@example.org", notify=False)
    credential = api.call("GET", f"/assertions/{mine['id']}/credential").json()
    tampered = {**credential, "validFrom": "2020-01-01T00:00:00Z"}
    someone_elses = api.call("GET", f"/assertions/{theirs['id']}/credential").json()

    assert import_badge(api, ada, json.dumps(tampered)).status == 400
    refused = import_badge(api, ada, json.dumps(someone_elses))
    assert refused.status == 400
    alert = re.findall(rb'id="import-error">.*?<p>(.*?)</p>', refused.body, re.S)
    assert alert == [b"this badge was not issued to the address you are signed in with"]
    added = import_badge(api, ada, json.dumps(credential))
    assert added.status == 303, added.body
    page = api.call("GET", "/backpack", headers={"cookie": f"__Host-session={ada}"})
    assert page.status == 200
    assert b"From elsewhere" in page.body and b"Another Academy" in page.body
    [stored] = wiring.ports().recipients.list_imports(
        wiring.ports()
        .sessions.get_session(
            __import__("badgehub.domain.tokens", fromlist=["token_hash"]).token_hash(ada)
        )
        .recipient_key  # type: ignore[union-attr]
    )
    # Revoked since it was added: the backpack says so at once.
    api.call("POST", f"/v1/assertions/{mine['id']}/revoke", {"reason": "x"}, token=other.key)
    page = api.call("GET", "/backpack", headers={"cookie": f"__Host-session={ada}"})
    assert b"Revoked by its issuer" in page.body
    # Another recipient cannot remove it.
    issue(api, tenant, email="bob@example.org")
    bob = accept(api, claim_token())
    bob_csrf = me(api, bob).json()["csrfToken"]
    api.call(
        "POST",
        f"/backpack/imports/{stored.id}/remove",
        raw=f"csrf={bob_csrf}".encode(),
        headers={**FORM, "cookie": f"__Host-session={bob}"},
    )
    assert len(wiring.ports().recipients.list_imports(stored.recipient_key)) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"visibility": "everyone"}, "visibility"),
        ({"showName": "yes please"}, "showName"),
        ({"claim": "pending"}, "claim"),
        ({"owner": "me"}, "owner"),
    ],
)
def test_bad_changes_to_my_badge_are_a_400_naming_the_field_and_change_nothing(
    api: Api, tenant: Tenant, body: dict[str, Any], field: str
) -> None:
    issued = issue(api, tenant)
    session = accept(api, claim_token())
    csrf = me(api, session).json()["csrfToken"]
    reply = me(api, session, "PATCH", f"/v1/me/assertions/{issued['id']}", body, csrf)
    assert reply.status == 400
    assert reply.json()["error"]["field"] == field
    [mine] = me(api, session).json()["items"]
    assert (mine["claim"], mine["visibility"], mine["showName"]) == ("accepted", "public", False)
