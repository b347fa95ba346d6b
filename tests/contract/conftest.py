"""Every `Table` backend, so one suite holds them all to DynamoDB's behaviour."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from moto import mock_aws

from badgehub.adapters.tables.core import Table
from badgehub.runtime import wiring
from devplatform import resources
from tests.support.memory_table import MemoryTable

BACKENDS: dict[str, Callable[[], Iterator[Table]]] = {}


def backend(name: str) -> Callable[[Callable[[], Iterator[Table]]], Callable[[], Iterator[Table]]]:
    def register(make: Callable[[], Iterator[Table]]) -> Callable[[], Iterator[Table]]:
        BACKENDS[name] = make
        return make

    return register


@backend("memory")
def _memory() -> Iterator[Table]:
    yield MemoryTable()


@backend("dynamodb")
def _dynamodb() -> Iterator[Table]:
    from badgehub.adapters.tables.dynamodb import DynamoTable

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
            names = resources.LocalNames(
                table=f"contract-{uuid.uuid4().hex[:8]}", public_bucket="x"
            )
            resources.create_table(names, "us-east-1")
            yield DynamoTable(names.table)
        wiring.reset()


@pytest.fixture(params=sorted(BACKENDS))
def table(request: pytest.FixtureRequest) -> Iterator[Table]:
    yield from BACKENDS[request.param]()
