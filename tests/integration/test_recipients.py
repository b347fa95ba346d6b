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
