"""The local platform's front: no client stalls another, and what the front answers itself."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

pytestmark = pytest.mark.e2e


def _address(platform: dict[str, Any]) -> tuple[str, int]:
    split = urlsplit(platform["base_url"])
    assert split.hostname and split.port
    return split.hostname, split.port


@contextmanager
def _slow_client(platform: dict[str, Any]) -> Iterator[None]:
    """Completes TLS, then sends a request head one byte a second."""
    context = ssl.create_default_context(cafile=platform["ca_file"])
    connection = context.wrap_socket(
        socket.create_connection(_address(platform)), server_hostname="127.0.0.1"
    )
    stop = threading.Event()

    def dribble() -> None:
        for byte in b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n":
            if stop.wait(1):
                return
            try:
                connection.send(bytes([byte]))
            except OSError:
                return

    thread = threading.Thread(target=dribble, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        connection.close()


def _twenty_requests(platform: dict[str, Any]) -> tuple[list[int], float]:
    url = platform["demo"]["badge"]["links"]["badge"]
    started = time.monotonic()
    with ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(lambda _: requests.get(url, timeout=5).status_code, range(20)))
    return statuses, time.monotonic() - started


def test_an_idle_connection_and_a_slow_client_delay_no_one(platform: dict[str, Any]) -> None:
    idle = socket.create_connection(_address(platform))  # connects, never says a word
    try:
        with _slow_client(platform):
            statuses, elapsed = _twenty_requests(platform)
    finally:
        idle.close()
    assert statuses == [200] * 20  # each within its 5 s timeout: none waited on the others
    assert elapsed < 15


def test_a_tls_handshake_that_never_finishes_blocks_no_one(platform: dict[str, Any]) -> None:
    stuck = socket.create_connection(_address(platform))
    stuck.send(b"\x16\x03\x01\x02\x00")  # the header of a ClientHello, and nothing after it
    try:
        statuses, elapsed = _twenty_requests(platform)
    finally:
        stuck.close()
    assert statuses == [200] * 20  # each within its 5 s timeout: none waited on the others
    assert elapsed < 15


def test_an_oversized_body_is_answered_413_with_the_json_error(platform: dict[str, Any]) -> None:
    reply = requests.post(
        platform["base_url"] + "/v1/verify",
        data=b"{" + b" " * (3 * 1024 * 1024),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert reply.status_code == 413
    error = reply.json()["error"]
    assert error["code"] == "payload_too_large"
    assert error["field"] == "body"
    assert error["message"]


def test_an_unknown_method_on_a_known_path_is_405_json(platform: dict[str, Any]) -> None:
    reply = requests.put(platform["base_url"] + "/v1/issuers", json={}, timeout=5)
    assert reply.status_code == 405
    assert reply.headers["allow"] == "POST"
    assert reply.json()["error"]["code"] == "method_not_allowed"
    assert requests.delete(platform["base_url"] + "/health", timeout=5).status_code == 405


def test_an_unknown_path_is_404_json(platform: dict[str, Any]) -> None:
    reply = requests.get(platform["base_url"] + "/no/such/thing", timeout=5)
    assert reply.status_code == 404
    assert reply.json()["error"]["code"] == "not_found"


def test_stored_images_come_from_the_platforms_own_origin_inert(platform: dict[str, Any]) -> None:
    badge = requests.get(platform["demo"]["badge"]["links"]["badge"], timeout=5).json()
    assert badge["image"].startswith(platform["base_url"] + "/_local/assets/")
    image = requests.get(badge["image"], timeout=5)
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.headers["content-security-policy"] == (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"
    )
    assert image.headers["x-content-type-options"] == "nosniff"
    assert "max-age=31536000" in image.headers["cache-control"]
    missing = requests.get(platform["base_url"] + "/_local/assets/badges/none.png", timeout=5)
    assert missing.status_code == 404
    climbing = requests.get(platform["base_url"] + "/_local/assets/a/../b.png", timeout=5)
    assert climbing.status_code == 404


def test_verifications_of_urls_on_our_own_host_do_not_wait_on_themselves(
    platform: dict[str, Any],
) -> None:
    """Each holds a verify worker while it fetches a page the verify function serves."""
    body = {"url": platform["base_url"] + "/verify"}

    def verify(_: int) -> tuple[int, float]:
        started = time.monotonic()
        reply = requests.post(platform["base_url"] + "/v1/verify", json=body, timeout=30)
        return reply.status_code, time.monotonic() - started

    with ThreadPoolExecutor(4) as pool:  # as many as the verify function's burst of workers
        results = list(pool.map(verify, range(4)))
    # The page is no badge (400), but it was fetched: a starved fetch would end in its 5 s
    # timeout and a 200 report saying it could not download.
    assert [status for status, _ in results] == [400] * 4
    assert max(seconds for _, seconds in results) < 10
