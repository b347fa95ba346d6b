"""The blob store's contract: the local file store behaves as the S3 adapter does."""

from __future__ import annotations

import uuid

import pytest

from badgehub.domain.errors import NotFound
from badgehub.ports import BlobStore
from tests.support.builders import SVG, png_bytes


def a_key(name: str = "image-0123456789abcdef.png") -> str:
    return f"badges/{uuid.uuid4()}/{name}"


def test_put_then_get_returns_the_same_bytes(blobs: BlobStore) -> None:
    key, every_byte = a_key(), bytes(range(256)) * 64
    blobs.put_public(key, every_byte, "image/png")
    assert blobs.get_public(key) == every_byte


def test_a_second_put_replaces_the_blob(blobs: BlobStore) -> None:
    key = a_key("image-0123456789abcdef.svg")
    blobs.put_public(key, png_bytes(), "image/png")
    blobs.put_public(key, SVG, "image/svg+xml")
    assert blobs.get_public(key) == SVG


def test_keys_are_independent_even_when_one_extends_another(blobs: BlobStore) -> None:
    key = a_key()
    blobs.put_public(key, b"first", "image/png")
    blobs.put_public(key + ".old", b"second", "image/png")
    assert blobs.get_public(key) == b"first"
    blobs.delete_public(key + ".old")
    assert blobs.get_public(key) == b"first"


def test_a_missing_blob_is_not_found(blobs: BlobStore) -> None:
    with pytest.raises(NotFound):
        blobs.get_public(a_key())


def test_delete_removes_the_blob_and_deleting_nothing_is_fine(blobs: BlobStore) -> None:
    key = a_key()
    blobs.put_public(key, b"x", "image/png")
    blobs.delete_public(key)
    with pytest.raises(NotFound):
        blobs.get_public(key)
    blobs.delete_public(key)
    blobs.delete_public(a_key())
