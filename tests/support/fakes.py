"""In-memory adapters for fast use-case tests: the real stores over a `MemoryTable`, blobs in a
dict, keys generated in memory. The table is held to the contract suite, so they can't drift."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from badgehub.domain.errors import NotFound, PayloadTooLarge, ServiceUnavailable
from badgehub.domain.keys import Algorithm, SigningKey
from badgehub.ports import (
    BusEvent,
    Clock,
    CreatedKey,
    EventBusError,
    FetchError,
    KeyServiceError,
    Posted,
)
from badgehub.runtime.wiring import Ports
from tests.support.builders import FixedClock
from tests.support.memory_table import MemoryTable

PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


class MemoryBlobs:
    def __init__(self) -> None:
        self.objects: dict[str, tuple[bytes, str]] = {}

    def put_public(self, key: str, data: bytes, content_type: str) -> None:
        self.objects[key] = (data, content_type)

    def get_public(self, key: str) -> bytes:
        if key not in self.objects:
            raise NotFound("no such image", field="image")
        return self.objects[key][0]

    def delete_public(self, key: str) -> None:
        self.objects.pop(key, None)


class MemoryPrivateBlobs:
    """Private documents in a dict; links are `memory://<key>?until=<epoch>` (tests open them)."""

    def __init__(self, clock: Clock) -> None:
        self.objects: dict[str, tuple[bytes, str]] = {}
        self.clock = clock

    def put_private(self, key: str, data: bytes, content_type: str) -> None:
        self.objects[key] = (data, content_type)

    def delete_private(self, key: str) -> None:
        self.objects.pop(key, None)

    def private_link(self, key: str, filename: str, lifetime: timedelta) -> str:
        until = int((self.clock.now() + lifetime).timestamp())
        return f"memory://{key}?until={until}&name={filename}"

    def open(self, link: str) -> bytes:
        key, _, rest = link.removeprefix("memory://").partition("?")
        until = int(rest.split("&")[0].removeprefix("until="))
        if self.clock.now().timestamp() >= until or key not in self.objects:
            raise NotFound("expired or missing", field="link")
        return self.objects[key][0]


class MemoryKeys:
    """A key service in memory; `failing = True` makes every signature fail, as a KMS outage."""

    provider = "memory"

    def __init__(self) -> None:
        self.keys: dict[str, PrivateKey] = {}
        self.failing = False

    def create_key(self, algorithm: Algorithm, issuer_id: str) -> CreatedKey:
        private: PrivateKey
        if algorithm is Algorithm.ED25519:
            private = ed25519.Ed25519PrivateKey.generate()
        elif algorithm is Algorithm.ES256:
            private = ec.generate_private_key(ec.SECP256R1())
        else:
            private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        ref = str(uuid.uuid4())
        self.keys[ref] = private
        pem = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return CreatedKey(self.provider, ref, pem.decode())

    def sign(self, key: SigningKey, message: bytes) -> bytes:
        if self.failing:
            raise KeyServiceError("the key service is down")
        private = self.keys[key.provider_ref]
        if isinstance(private, ed25519.Ed25519PrivateKey):
            return private.sign(message)
        if isinstance(private, ec.EllipticCurvePrivateKey):
            r, s = decode_dss_signature(private.sign(message, ec.ECDSA(hashes.SHA256())))
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return private.sign(message, padding.PKCS1v15(), hashes.SHA256())

    def discard_key(self, key: CreatedKey) -> None:
        self.keys.pop(key.provider_ref, None)


class MemoryBus:
    """The event bus in memory; `failing = True` makes it refuse, as an outage."""

    def __init__(self) -> None:
        self.events: list[BusEvent] = []
        self.failing = False

    def publish(self, event: BusEvent) -> None:
        if self.failing:
            raise EventBusError("the bus is down")
        self.events.append(event)


class RecordingSender:
    """Webhook posts in memory: each answered with `status`, or failing with `failure`;
    `answers` maps a URL to its own status."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, bytes, dict[str, str]]] = []
        self.status = 204
        self.failure: str | None = None
        self.answers: dict[str, int | str] = {}

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Posted:
        self.posts.append((url, body, headers))
        answer = self.answers.get(url, self.failure or self.status)
        if isinstance(answer, str):
            raise FetchError(answer)
        return Posted(answer, b"ok")


class MemoryRowQueue:
    """Batch rows waiting for the worker, in order; `failing = True` refuses them (an outage)."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.failing = False

    def send(self, messages: Sequence[str]) -> None:
        if self.failing:
            raise ServiceUnavailable("the row queue is down")
        self.messages += messages

    def drain(self) -> list[str]:
        taken, self.messages = self.messages, []
        return taken


class MemoryUploads:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def upload_url(self, key: str, content_type: str, expires_in: int) -> str:
        return f"https://uploads.example/{key}?expires={expires_in}"

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.objects[key] = data

    def size(self, key: str) -> int:
        if key not in self.objects:
            raise NotFound("nothing was uploaded", field="upload")
        return len(self.objects[key])

    def read(self, key: str, max_bytes: int) -> bytes:
        if key not in self.objects:
            raise NotFound("nothing was uploaded", field="upload")
        if len(self.objects[key]) > max_bytes:
            raise PayloadTooLarge("too large", field="body")
        return self.objects[key]

    def delete(self, key: str) -> None:
        self.objects.pop(key, None)


class FakePorts(Ports):
    """The production bundle over in-memory adapters; the parts stay reachable for asserts."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.table = MemoryTable()
        self.memory_blobs = MemoryBlobs()
        self.memory_keys = MemoryKeys()
        clock = clock or FixedClock()
        self.memory_private = MemoryPrivateBlobs(clock)
        self.bus = MemoryBus()
        self.sender = RecordingSender()
        self.memory_queue = MemoryRowQueue()
        self.memory_uploads = MemoryUploads()
        super().__init__(
            row_queue=lambda: self.memory_queue,
            uploads=lambda: self.memory_uploads,
            table=lambda: self.table,
            blobs=lambda: self.memory_blobs,
            key_service=lambda: self.memory_keys,
            event_bus=lambda: self.bus,
            webhook_sender=lambda: self.sender,
            secret=lambda: b"app-secret-for-tests",
            clock=clock or FixedClock(),
            private_blobs=lambda: self.memory_private,
        )
