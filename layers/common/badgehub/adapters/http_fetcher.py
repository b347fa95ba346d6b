"""Fetches the documents a badge names, without letting a badge steer requests anywhere unsafe."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urljoin, urlsplit

from ..ports import Fetched, FetchError, Posted

ACCEPT = (
    "application/ld+json, application/vc+ld+json;q=0.95, application/json;q=0.9, "
    "application/vc+jwt;q=0.8, text/plain;q=0.5, image/png;q=0.4, image/svg+xml;q=0.4, */*;q=0.1"
)
USER_AGENT = "badgehub-verifier/1.0"
WEBHOOK_USER_AGENT = "badgehub-webhooks/1.0"
EXCERPT_BYTES = 512  # of a webhook receiver's answer: enough to say why it refused
MAX_REDIRECTS = 3
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CACHEABLE = frozenset({200, 404, 410})
_CHUNK = 64 * 1024
_MAX_URL = 2048


class SafeHttpFetcher:
    """GET over https (http only for `allow_http_hosts`), refusing non-public addresses.

    Every hop is checked: the host is resolved first and the connection goes to the address
    that was checked (so DNS cannot change its answer in between), redirects are followed by
    hand, at most MAX_REDIRECTS, each re-checked. Bodies are read up to `max_bytes`, within
    `timeout` seconds overall. Answers (200, 404, 410) are cached, LRU with a TTL.
    Hosts are named as `host` or `host:port`; `allowed_private_hosts` may resolve anywhere
    (the platform's own host when it runs locally).
    """

    def __init__(
        self,
        allow_http_hosts: set[str],
        extra_ca_file: str | None,
        timeout: float = 5.0,
        max_bytes: int = 1_000_000,
        cache_size: int = 256,
        cache_ttl: float = 300.0,
        allowed_private_hosts: set[str] | None = None,
    ) -> None:
        self.allow_http_hosts = {h.lower() for h in allow_http_hosts}
        self.allowed_private_hosts = {h.lower() for h in allowed_private_hosts or set()}
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.cache_size = cache_size
        self.cache_ttl = cache_ttl
        self._tls = ssl.create_default_context()
        if extra_ca_file:
            self._tls.load_verify_locations(cafile=extra_ca_file)
        self._cache: OrderedDict[str, tuple[float, Fetched]] = OrderedDict()
        self._lock = threading.Lock()

    def fetch(self, url: str) -> Fetched:
        cached = self._cached(url)
        if cached is not None:
            return cached
        deadline = time.monotonic() + self.timeout
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            answer, location = self._get(current, deadline)
            if location is None:
                self._remember(url, answer)
                return answer
            current = location
        raise FetchError("it redirects too many times")

    # --- one hop -------------------------------------------------------------------------------

    def _get(self, url: str, deadline: float) -> tuple[Fetched, str | None]:
        """The answer, or the next address when it is a redirect."""
        scheme, host, port, target = self._target(url)
        address = self._address(host, port)
        connection = self._connection(scheme, host, port, address, deadline)
        with _failures(), _closing(connection):
            connection.request(
                "GET",
                target,
                headers={
                    "Accept": ACCEPT,
                    "Accept-Encoding": "identity",
                    "User-Agent": USER_AGENT,
                },
            )
            response = connection.getresponse()
            if response.status in _REDIRECTS and response.getheader("Location"):
                return _empty(response.status, url), urljoin(url, response.getheader("Location"))
            body = self._read(response, deadline)
            content_type = response.getheader("Content-Type", "") or ""
            return Fetched(response.status, content_type, body, url), None

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Posted:
        """POST once to a checked address (webhooks); a redirect is an answer like any other,
        never followed. Reads at most EXCERPT_BYTES of the answer."""
        deadline = time.monotonic() + self.timeout
        scheme, host, port, target = self._target(url)
        address = self._address(host, port)
        connection = self._connection(scheme, host, port, address, deadline)
        with _failures(), _closing(connection):
            connection.request(
                "POST",
                target,
                body=body,
                headers={
                    **headers,
                    "User-Agent": WEBHOOK_USER_AGENT,
                    "Accept-Encoding": "identity",
                },
            )
            response = connection.getresponse()
            excerpt = response.read(EXCERPT_BYTES)
            return Posted(response.status, excerpt)

    def _target(self, url: str) -> tuple[str, str, int, str]:
        """(scheme, host, port, path?query) for an address we may fetch at all."""
        if len(url) > _MAX_URL or any(c.isspace() for c in url):
            raise FetchError("it is not a valid web address")
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise FetchError("it is not a valid web address") from None
        scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
        if not host or parts.username is not None or parts.password is not None:
            raise FetchError("it is not a valid web address")
        if scheme == "https":
            port = port or 443
        elif scheme == "http" and self._named(self.allow_http_hosts, host, port or 80):
            port = port or 80
        else:
            raise FetchError("only https addresses can be checked")
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return scheme, host, port, target

    def _address(self, host: str, port: int) -> str:
        """The IP address to connect to, checked before any byte is sent."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise FetchError("its host name could not be found") from None
        addresses = [str(info[4][0]) for info in infos]
        if not addresses:
            raise FetchError("its host name could not be found")
        if not self._named(self.allowed_private_hosts, host, port):
            for address in addresses:
                if not _public(address):
                    raise FetchError("it points to a private or reserved network address")
        return addresses[0]

    def _connection(
        self, scheme: str, host: str, port: int, address: str, deadline: float
    ) -> http.client.HTTPConnection:
        remaining = max(0.001, deadline - time.monotonic())
        if scheme == "https":
            return _PinnedHttps(host, port, address, remaining, self._tls)
        return _PinnedHttp(host, port, address, remaining)

    def _read(self, response: http.client.HTTPResponse, deadline: float) -> bytes:
        declared = response.getheader("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"the document is larger than {self.max_bytes} bytes")
        chunks: list[bytes] = []
        size = 0
        while True:
            if time.monotonic() > deadline:
                raise FetchError("the server took too long to answer")
            chunk = response.read1(_CHUNK) if hasattr(response, "read1") else response.read(_CHUNK)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(f"the document is larger than {self.max_bytes} bytes")
            chunks.append(chunk)

    @staticmethod
    def _named(hosts: set[str], host: str, port: int) -> bool:
        bare = host.strip("[]")
        return host in hosts or f"{host}:{port}" in hosts or f"[{bare}]:{port}" in hosts

    # --- cache ---------------------------------------------------------------------------------

    def _cached(self, url: str) -> Fetched | None:
        with self._lock:
            entry = self._cache.get(url)
            if entry is None:
                return None
            expires, answer = entry
            if expires < time.monotonic():
                del self._cache[url]
                return None
            self._cache.move_to_end(url)
            return answer

    def _remember(self, url: str, answer: Fetched) -> None:
        if answer.status not in _CACHEABLE or self.cache_size <= 0:
            return
        with self._lock:
            self._cache[url] = (time.monotonic() + self.cache_ttl, answer)
            self._cache.move_to_end(url)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)


@contextmanager
def _failures() -> Iterator[None]:
    """Transport failures as the plain phrases a report or a delivery log shows."""
    try:
        yield
    except TimeoutError:
        raise FetchError("the server took too long to answer") from None
    except ssl.SSLError:
        raise FetchError("its secure connection could not be verified") from None
    except (OSError, http.client.HTTPException):
        raise FetchError("the connection failed") from None


@contextmanager
def _closing(connection: http.client.HTTPConnection) -> Iterator[None]:
    try:
        yield
    finally:
        connection.close()


def _public(address: str) -> bool:
    """Only globally routable unicast addresses (IPv4-mapped IPv6 judged as IPv4)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_multicast or ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved
    )


def _empty(status: int, url: str) -> Fetched:
    return Fetched(status, "", b"", url)


class _PinnedHttp(http.client.HTTPConnection):
    """Connects to the checked address; the Host header still names the host."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHttps(http.client.HTTPSConnection):
    """TLS to the checked address, with SNI and certificate checks for the host name."""

    def __init__(
        self, host: str, port: int, address: str, timeout: float, context: ssl.SSLContext
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._tls = context

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        try:
            self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise
