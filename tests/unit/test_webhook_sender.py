"""The webhook sender is the verifier's SSRF guard posting: refusals before any byte is sent,
no redirects followed, short timeouts. Receivers are real servers on 127.0.0.1."""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest

from badgehub.adapters.http_fetcher import SafeHttpFetcher
from badgehub.ports import FetchError
from badgehub.runtime import settings, wiring
from tests.support.receiver import receiving

BODY = b'{"type":"badge.issued"}'
HEADERS = {"content-type": "application/json", "webhook-id": "msg_1"}


def guarded(timeout: float = 5.0) -> SafeHttpFetcher:
    """As deployed: https only, public addresses only."""
    return SafeHttpFetcher(
        allow_http_hosts=set(), extra_ca_file=None, timeout=timeout, cache_size=0
    )


def local(timeout: float = 5.0) -> SafeHttpFetcher:
    """As the local platform with ALLOW_LOCAL_WEBHOOKS=1."""
    return SafeHttpFetcher(
        allow_http_hosts={"127.0.0.1"},
        extra_ca_file=None,
        timeout=timeout,
        cache_size=0,
        allowed_private_hosts={"127.0.0.1"},
    )


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://10.0.0.1/hooks", "private"),
        ("https://192.168.1.20/hooks", "private"),
        ("https://169.254.169.254/latest/meta-data/", "private"),
        ("https://127.0.0.1/hooks", "private"),
        ("https://[::1]/hooks", "private"),
        ("https://[::ffff:10.0.0.1]/hooks", "private"),
        ("https://localhost/hooks", "private"),
        ("http://portal.example/hooks", "only https"),
        ("ftp://portal.example/hooks", "only https"),
        ("https://user:pw@portal.example/hooks", "not a valid"),
    ],
)
def test_unsafe_targets_are_refused_before_connecting(url: str, reason: str) -> None:
    with pytest.raises(FetchError) as refused:
        guarded().post(url, BODY, HEADERS)
    assert reason in refused.value.reason


def test_a_public_name_that_resolves_to_a_private_address_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def rebinding(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.20.30.40", port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with pytest.raises(FetchError, match="private"):
        guarded().post("https://portal.example/hooks", BODY, HEADERS)


def test_a_local_receiver_without_the_local_setting_is_refused() -> None:
    with receiving() as receiver:
        with pytest.raises(FetchError):
            guarded().post(receiver.url(), BODY, HEADERS)
        assert receiver.received == []


def test_a_redirect_is_an_answer_never_followed() -> None:
    with receiving() as target, receiving(status=302, location=target.url("/moved")) as hop:
        answer = local().post(hop.url(), BODY, HEADERS)
        assert answer.status == 302
        assert len(hop.received) == 1
        assert target.received == []


def test_the_body_and_headers_arrive_as_sent_and_only_an_excerpt_is_read() -> None:
    with receiving(status=200, answer=b"x" * 100_000) as receiver:
        answer = local().post(receiver.url(), BODY, HEADERS)
    assert answer.status == 200
    assert len(answer.excerpt) <= 512
    (got,) = receiver.received
    assert got.body == BODY
    assert got.headers["webhook-id"] == "msg_1"


def test_a_slow_receiver_times_out_quickly() -> None:
    with receiving(delay=3.0) as receiver:
        started = time.perf_counter()
        with pytest.raises(FetchError, match="too long"):
            local(timeout=0.5).post(receiver.url(), BODY, HEADERS)
        assert time.perf_counter() - started < 2.0


def test_the_deployed_sender_allows_no_local_target(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ALLOW_LOCAL_WEBHOOKS", raising=False)
    settings.clear()
    sender = wiring.safe_webhook_sender()
    assert isinstance(sender, SafeHttpFetcher)
    assert sender.allow_http_hosts == set()
    assert sender.allowed_private_hosts == set()
    assert sender.timeout <= 5.0
    monkeypatch.setenv("ALLOW_LOCAL_WEBHOOKS", "1")
    settings.clear()
    assert wiring.safe_webhook_sender().allowed_private_hosts == {"127.0.0.1"}
    settings.clear()


def test_the_template_never_allows_local_webhooks() -> None:
    from devplatform import template

    for function in template.read().functions():
        assert "ALLOW_LOCAL_WEBHOOKS" not in function.environment
    text = template.TEMPLATE.read_text()
    assert "ALLOW_LOCAL_WEBHOOKS" not in text
