"""What the file blob store promises beyond the shared contract: safe keys, types, atomicity."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from badgehub.domain.errors import NotFound
from devplatform.local.file_blobs import FileBlobStore, InvalidKey
from tests.support.builders import SVG, png_bytes

KEY = f"badges/{uuid.uuid4()}/image-0123456789abcdef.png"
NOT_KEYS = [
    "",
    "../outside.png",
    "badges/../../outside.png",
    "/etc/passwd",
    "badges\\x\\image.png",
    "badges/x\x00.png",
    "badges//image.png",
    "badges/./image.png",
    "badges/x/",
    ".hidden",
    f"badges/{uuid.uuid4()}/.image-0123456789abcdef.png.type",  # a sidecar is not a blob
    "x" * 1025,
]


@pytest.fixture
def store(tmp_path: Path) -> FileBlobStore:
    return FileBlobStore(tmp_path / "blobs")


def test_a_stored_blob_is_a_file_under_the_root_with_its_type(store: FileBlobStore) -> None:
    store.put_public(KEY, png_bytes(), "image/png")
    path = store.path_of(KEY)
    assert path == store.root / KEY
    assert path.read_bytes() == png_bytes()
    assert store.content_type_of(KEY) == "image/png"
    store.put_public(KEY, SVG, "image/svg+xml")
    assert store.content_type_of(KEY) == "image/svg+xml"


def test_writes_leave_no_temporary_files(store: FileBlobStore) -> None:
    for n in range(3):
        store.put_public(KEY, bytes([n]) * 1000, "image/png")
    names = sorted(p.name for p in store.path_of(KEY).parent.iterdir())
    assert names == [".image-0123456789abcdef.png.type", "image-0123456789abcdef.png"]


@pytest.mark.parametrize("key", NOT_KEYS)
def test_keys_that_could_leave_the_root_are_refused(store: FileBlobStore, key: str) -> None:
    with pytest.raises(InvalidKey):
        store.put_public(key, b"x", "image/png")
    with pytest.raises(NotFound):
        store.get_public(key)
    with pytest.raises(NotFound):
        store.path_of(key)
    with pytest.raises(NotFound):
        store.content_type_of(key)


def test_a_symlink_out_of_the_root_is_not_followed(store: FileBlobStore, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(b"secret")
    (store.root / "badges").symlink_to(outside, target_is_directory=True)
    with pytest.raises(InvalidKey):
        store.put_public("badges/new.png", b"x", "image/png")
    with pytest.raises(NotFound):
        store.get_public("badges/secret.png")
    assert sorted(p.name for p in outside.iterdir()) == ["secret.png"]


def test_a_missing_blob_has_no_path_and_no_type(store: FileBlobStore) -> None:
    with pytest.raises(NotFound):
        store.path_of(KEY)
    with pytest.raises(NotFound):
        store.content_type_of(KEY)
