"""The local platform's front at the socket level, as a kept-alive client meets it."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from devplatform.front import Front, FrontConfig, FrontServer, LoopThread
from devplatform.gateway import Router


@pytest.fixture
def front() -> Iterator[FrontServer]:
    loop = LoopThread()
    server = FrontServer(loop, FrontConfig(), 0)
    server.start(Front(Router([]), {}, FrontConfig()))
    try:
        yield server
    finally:
        server.stop()
        loop.stop()


def test_answers_go_out_at_once_without_nagle_s_wait(front: FrontServer) -> None:
    """With Nagle's algorithm on, a short answer's body waited for the client's delayed ACK of
    its head: about 44 ms for each small answer on a kept-alive connection."""
    with socket.create_connection(("127.0.0.1", front.port), timeout=5) as client:
        for _ in range(2):  # the second answer on the same connection is the one that waited
            client.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            answer = b""
            while not answer.endswith(b'{"status":"ok"}'):  # head and body may come apart
                chunk = client.recv(65536)
                assert chunk, answer  # closed before the whole answer came
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 200")
        assert front._server is not None
        [connection] = front._server.server_state.connections
        accepted = connection.transport.get_extra_info("socket")
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
