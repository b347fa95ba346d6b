"""SafeHttpFetcher against throwaway local servers (127.0.0.1 only), over https and http."""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from badgehub.adapters.http_fetcher import SafeHttpFetcher, _public
from badgehub.domain import dataintegrity, multibase
from badgehub.domain.verification import Verdict
from badgehub.usecases.verify import CredentialJson, FetchError, verify
from devplatform import tls as local_tls
from tests.unit.test_verification import ISSUER_KEY, credential, raw

Route = Callable[[BaseHTTPRequestHandler], None]


# --- a local certificate authority ---------------------------------------------------------------


@dataclass(frozen=True)
class Tls:
    ca_file: str
    cert_file: str
    key_file: str


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    """A throwaway CA and 127.0.0.1 certificate, made as the local platform makes its own."""
    made = local_tls.ensure(tmp_path_factory.mktemp("tls"))
    return Tls(str(made.ca_file), str(made.cert_file), str(made.key_file))


# --- a local server ------------------------------------------------------------------------------


@dataclass
class Server:
    port: int
    scheme: str
    routes: dict[str, Route] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.scheme}://{self.host}{path}"


def _handler(server: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server.hits[self.path] += 1
            server.headers[self.path] = dict(self.headers.items())
            route = server.routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            route(self)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def _serve(scheme: str, tls: Tls | None) -> Iterator[Server]:
    server = Server(0, scheme)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(server))
    httpd.daemon_threads = True
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls.cert_file, tls.key_file)
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    server.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def https(tls: Tls) -> Iterator[Server]:
    yield from _serve("https", tls)


@pytest.fixture
def http() -> Iterator[Server]:
    yield from _serve("http", None)


def reply(
    body: bytes | dict[str, Any],
    status: int = 200,
    content_type: str = "application/ld+json",
    headers: dict[str, str] | None = None,
) -> Route:
    data = json.dumps(body).encode() if isinstance(body, dict) else body

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    return route


def redirect(location: str, status: int = 302) -> Route:
    return reply(b"", status, "text/plain", {"Location": location})


def fetcher(tls: Tls, server: Server, **options: Any) -> SafeHttpFetcher:
    """Trusts the test CA and exempts the test server from the private-address rule."""
    options.setdefault("allowed_private_hosts", {server.host})
    return SafeHttpFetcher(set(), tls.ca_file, **options)


# --- tests ---------------------------------------------------------------------------------------


def test_fetches_over_https_asking_for_json_ld(tls: Tls, https: Server) -> None:
    https.routes["/doc"] = reply({"hello": "world"})

    answer = fetcher(tls, https).fetch(https.url("/doc"))

    assert (answer.status, json.loads(answer.body)) == (200, {"hello": "world"})
    assert answer.content_type == "application/ld+json" and answer.url == https.url("/doc")
    assert https.headers["/doc"]["Accept"].startswith("application/ld+json")


def test_a_second_fetch_is_answered_from_the_cache(tls: Tls, https: Server) -> None:
    https.routes["/doc"] = reply({"n": 1})
    cached = fetcher(tls, https)
    uncached = fetcher(tls, https, cache_ttl=0.0)

    cached.fetch(https.url("/doc"))
    cached.fetch(https.url("/doc"))
    assert https.hits["/doc"] == 1
    uncached.fetch(https.url("/doc"))
    time.sleep(0.01)
    uncached.fetch(https.url("/doc"))
    assert https.hits["/doc"] == 3


def test_the_cache_keeps_only_the_most_recently_used(tls: Tls, https: Server) -> None:
    https.routes["/a"] = reply({"a": 1})
    https.routes["/b"] = reply({"b": 1})
    small = fetcher(tls, https, cache_size=1)

    for path in ("/a", "/b", "/a"):
        small.fetch(https.url(path))

    assert (https.hits["/a"], https.hits["/b"]) == (2, 1)


def test_a_body_over_the_size_cap_is_refused(tls: Tls, https: Server) -> None:
    def streamed(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.end_headers()  # no Content-Length: the cap must hold while reading
        for _ in range(64):
            handler.wfile.write(b" " * 1024)

    https.routes["/streamed"] = streamed
    https.routes["/declared"] = reply(b"x" * 5000)
    capped = fetcher(tls, https, max_bytes=4096)

    for path in ("/streamed", "/declared"):
        with pytest.raises(FetchError, match="larger than 4096 bytes"):
            capped.fetch(https.url(path))


def test_redirects_are_followed_on_allowed_hosts(tls: Tls, https: Server) -> None:
    https.routes["/old"] = redirect("/doc", 301)
    https.routes["/doc"] = reply({"moved": True})

    answer = fetcher(tls, https).fetch(https.url("/old"))

    assert json.loads(answer.body) == {"moved": True} and answer.url == https.url("/doc")


@pytest.mark.parametrize(
    "target",
    [
        "https://10.0.0.1/badge",
        "https://192.168.1.10/badge",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/badge",
        "https://localhost/badge",
    ],
)
def test_a_redirect_to_a_private_address_is_refused(tls: Tls, https: Server, target: str) -> None:
    https.routes["/hop"] = redirect(target)

    with pytest.raises(FetchError, match="private or reserved"):
        fetcher(tls, https).fetch(https.url("/hop"))


def test_a_redirect_to_another_port_of_an_exempt_host_is_refused(tls: Tls, https: Server) -> None:
    https.routes["/hop"] = redirect("https://127.0.0.1:9/doc")

    with pytest.raises(FetchError, match="private or reserved"):
        fetcher(tls, https).fetch(https.url("/hop"))


def test_a_redirect_loop_stops(tls: Tls, https: Server) -> None:
    https.routes["/loop"] = redirect("/loop")

    with pytest.raises(FetchError, match="redirects too many times"):
        fetcher(tls, https).fetch(https.url("/loop"))

    assert https.hits["/loop"] == 4


def test_a_redirect_from_https_to_http_is_refused(tls: Tls, https: Server) -> None:
    https.routes["/down"] = redirect("http://example.org/badge")

    with pytest.raises(FetchError, match="only https"):
        fetcher(tls, https).fetch(https.url("/down"))


def test_plain_http_is_refused_unless_the_host_is_allowed(tls: Tls, http: Server) -> None:
    http.routes["/doc"] = reply({"plain": True})

    with pytest.raises(FetchError, match="only https"):
        fetcher(tls, http).fetch(http.url("/doc"))
    assert http.hits["/doc"] == 0

    allowed = SafeHttpFetcher({http.host}, None, allowed_private_hosts={http.host})
    assert json.loads(allowed.fetch(http.url("/doc")).body) == {"plain": True}


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_private_addresses_are_refused_before_connecting(
    tls: Tls, https: Server, host: str
) -> None:
    https.routes["/doc"] = reply({"secret": True})
    strict = SafeHttpFetcher(set(), tls.ca_file)

    with pytest.raises(FetchError, match="private or reserved"):
        strict.fetch(f"https://{host}:{https.port}/doc")

    assert https.hits["/doc"] == 0


def test_a_slow_server_times_out(tls: Tls, https: Server) -> None:
    def slow(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(1.5)
        reply({"late": True})(handler)

    https.routes["/slow"] = slow
    started = time.monotonic()

    with pytest.raises(FetchError, match="too long"):
        fetcher(tls, https, timeout=0.3).fetch(https.url("/slow"))

    assert time.monotonic() - started < 1.2


def test_a_server_dripping_bytes_hits_the_overall_deadline(tls: Tls, https: Server) -> None:
    def drip(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.end_headers()
        for _ in range(30):
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.05)

    https.routes["/drip"] = drip
    started = time.monotonic()

    with pytest.raises(FetchError, match="too long"):
        fetcher(tls, https, timeout=0.4).fetch(https.url("/drip"))

    assert time.monotonic() - started < 1.2


def test_an_untrusted_certificate_is_refused(https: Server) -> None:
    https.routes["/doc"] = reply({"hello": "world"})
    default_trust = SafeHttpFetcher(set(), None, allowed_private_hosts={https.host})

    with pytest.raises(FetchError, match="secure connection"):
        default_trust.fetch(https.url("/doc"))


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/x", "https://user:pw@example.org/x", "https:///nohost", "not a url"],
)
def test_addresses_that_are_not_plain_https_are_refused(url: str) -> None:
    with pytest.raises(FetchError):
        SafeHttpFetcher(set(), None).fetch(url)


def test_gone_answers_are_returned_not_raised(tls: Tls, https: Server) -> None:
    https.routes["/gone"] = reply({"revoked": True}, status=410)

    assert fetcher(tls, https).fetch(https.url("/gone")).status == 410


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("100.64.0.1", False),
        ("169.254.169.254", False),
        ("224.0.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:10.0.0.1", False),
        ("ff02::1", False),
    ],
)
def test_only_global_unicast_addresses_are_public(address: str, public: bool) -> None:
    assert _public(address) is public


def test_a_did_web_credential_verifies_end_to_end_through_the_fetcher(
    tls: Tls, https: Server
) -> None:
    did = f"did:web:127.0.0.1%3A{https.port}:issuers:x"
    method = f"{did}#key-1"
    https.routes["/issuers/x/did.json"] = reply(
        {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": did,
            "verificationMethod": [
                {
                    "id": method,
                    "type": "Multikey",
                    "controller": did,
                    "publicKeyMultibase": multibase.ed25519_multikey(raw(ISSUER_KEY)),
                }
            ],
            "assertionMethod": [method],
        },
        content_type="application/did+json",
    )
    signed = dataintegrity.add_proof(
        credential(did),
        verification_method=method,
        created=datetime(2026, 1, 10, tzinfo=UTC),
        sign=ISSUER_KEY.sign,
    )

    report = verify(
        CredentialJson(signed),
        fetcher(tls, https),
        datetime(2026, 6, 1, tzinfo=UTC),
        own_base_url=f"https://127.0.0.1:{https.port}",
    )

    assert report.verdict is Verdict.VALID, report.to_json()
    assert report.summary is not None and report.summary.hosted_here
