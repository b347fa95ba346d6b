"""Every backend of a port, so one suite holds them all to the AWS adapter's behaviour."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import pytest
from moto import mock_aws

from badgehub.adapters.tables.core import Table
from badgehub.ports import BlobStore
from badgehub.runtime import wiring
from devplatform import resources
from devplatform.local.file_blobs import FileBlobStore
from devplatform.local.sqlite_table import SqliteTable
from tests.support.memory_table import MemoryTable

# Each backend gets a fresh directory it may keep its data in.
Make = Callable[[Path], Iterator[Table]]
BACKENDS: dict[str, Make] = {}
# Backends several processes can share, each as a picklable opener a child process calls.
SHARED_BACKENDS: dict[str, Callable[[Path], Callable[[], Table]]] = {
    "sqlite": lambda directory: partial(SqliteTable, directory / "table.sqlite3"),
}


def backend(name: str) -> Callable[[Make], Make]:
    def register(make: Make) -> Make:
        BACKENDS[name] = make
        return make

    return register


@backend("memory")
def _memory(_: Path) -> Iterator[Table]:
    yield MemoryTable()


@backend("sqlite")
def _sqlite(directory: Path) -> Iterator[Table]:
    table = SqliteTable(directory / "table.sqlite3")
    yield table
    table.close()


@contextmanager
def moto() -> Iterator[None]:
    """In-process moto with test credentials, and no cached client pointing anywhere else."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }.items():
            patch.setenv(key, value)
        patch.delenv("AWS_ENDPOINT_URL", raising=False)
        with mock_aws():
            wiring.reset()
            yield
        wiring.reset()


@backend("dynamodb")
def _dynamodb(_: Path) -> Iterator[Table]:
    from badgehub.adapters.tables.dynamodb import DynamoTable

    with moto():
        names = resources.LocalNames(table=f"contract-{uuid.uuid4().hex[:8]}", public_bucket="x")
        resources.create_table(names, "us-east-1")
        yield DynamoTable(names.table)


BLOB_BACKENDS: dict[str, Callable[[Path], Iterator[BlobStore]]] = {}


def blob_backend(
    name: str,
) -> Callable[[Callable[[Path], Iterator[BlobStore]]], Callable[[Path], Iterator[BlobStore]]]:
    def register(
        make: Callable[[Path], Iterator[BlobStore]],
    ) -> Callable[[Path], Iterator[BlobStore]]:
        BLOB_BACKENDS[name] = make
        return make

    return register


@blob_backend("file")
def _file_blobs(directory: Path) -> Iterator[BlobStore]:
    yield FileBlobStore(directory / "blobs")


@blob_backend("s3")
def _s3_blobs(_: Path) -> Iterator[BlobStore]:
    from badgehub.adapters.s3_blobs import S3BlobStore

    with moto():
        names = resources.LocalNames(table="x", public_bucket=f"contract-{uuid.uuid4().hex[:8]}")
        resources.client("s3", "us-east-1").create_bucket(Bucket=names.public_bucket)
        yield S3BlobStore(names.public_bucket)


@pytest.fixture(params=sorted(BACKENDS))
def table(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Table]:
    yield from BACKENDS[request.param](tmp_path)


@pytest.fixture(params=sorted(SHARED_BACKENDS))
def shared_table(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], Table]:
    """Opens the same table again in whichever process calls it."""
    return SHARED_BACKENDS[request.param](tmp_path)


@pytest.fixture(params=sorted(BLOB_BACKENDS))
def blobs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BlobStore]:
    yield from BLOB_BACKENDS[request.param](tmp_path)
