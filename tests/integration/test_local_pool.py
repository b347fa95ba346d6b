"""Worker pools: Lambda's concurrency, throttling, timeouts and crashes, with real processes."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from devplatform import pool, template
from devplatform.lambda_runtime import aws_endpoint_init
from devplatform.pool import (
    FunctionPool,
    HandlerFailed,
    PoolConfig,
    StartFailed,
    Throttled,
    TimedOut,
)
from tests.e2e.conftest import FIXTURE_TEMPLATE

PROBE = next(
    f for f in template.read(FIXTURE_TEMPLATE).functions() if f.logical_id == "ProbeFunction"
)
ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}


def _sleep(seconds: float) -> dict[str, Any]:
    return {"routeKey": "GET /sleep/{seconds}", "pathParameters": {"seconds": str(seconds)}}


WHOAMI = {"routeKey": "GET /whoami"}


@pytest.fixture
def io() -> Iterator[ThreadPoolExecutor]:
    executor = ThreadPoolExecutor(16)
    yield executor
    pool.stop_all()
    executor.shutdown(wait=False, cancel_futures=True)


def _run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """In a thread of its own: a browser test's session may hold this thread's event loop."""
    with ThreadPoolExecutor(1) as runner:
        return runner.submit(asyncio.run, coroutine).result()


def _pool(
    io: ThreadPoolExecutor, function: template.Function = PROBE, **config: Any
) -> FunctionPool:
    return FunctionPool(function, ENV, aws_endpoint_init, PoolConfig(**config), io)


async def _body_pid(functions_pool: FunctionPool, event: dict[str, Any], **kwargs: Any) -> int:
    import json

    reply = await functions_pool.invoke(event, **kwargs)
    return int(json.loads(reply["body"])["pid"])


def test_a_full_queue_is_throttled_at_once(io: ThreadPoolExecutor) -> None:
    async def scenario() -> list[Any]:
        probe = _pool(io, workers=1, max_workers=1, queue_size=1)
        await probe.warm()
        return await asyncio.gather(
            *(probe.invoke(_sleep(0.5)) for _ in range(3)), return_exceptions=True
        )

    results = _run(scenario())
    assert sum(isinstance(r, Throttled) for r in results) == 1
    assert sum(isinstance(r, dict) and r["statusCode"] == 200 for r in results) == 2


def test_a_request_that_waits_too_long_for_a_worker_is_throttled(io: ThreadPoolExecutor) -> None:
    async def scenario() -> list[Any]:
        probe = _pool(io, workers=1, max_workers=1, queue_timeout_s=0.3)
        await probe.warm()
        return await asyncio.gather(
            probe.invoke(_sleep(1)), probe.invoke(WHOAMI), return_exceptions=True
        )

    running, waiting = _run(scenario())
    assert running["statusCode"] == 200
    assert isinstance(waiting, Throttled)


def test_a_handler_error_keeps_the_worker_and_a_crash_replaces_it(io: ThreadPoolExecutor) -> None:
    async def scenario() -> tuple[int, int, int]:
        probe = _pool(io, workers=1, max_workers=1)
        await probe.warm()
        first = await _body_pid(probe, WHOAMI)
        with pytest.raises(HandlerFailed) as raised:
            await probe.invoke({"raise": "no good"})
        assert raised.value.error["errorType"] == "RuntimeError"
        assert raised.value.error["errorMessage"] == "no good"
        after_error = await _body_pid(probe, WHOAMI)
        with pytest.raises(HandlerFailed, match="exited"):
            await probe.invoke({"exit": 3})
        after_crash = await _body_pid(probe, WHOAMI)
        return first, after_error, after_crash

    first, after_error, after_crash = _run(scenario())
    assert after_error == first
    assert after_crash != first


def test_a_handler_past_its_timeout_is_stopped(io: ThreadPoolExecutor) -> None:
    quick = dataclasses.replace(PROBE, timeout_s=0.5)

    async def scenario() -> tuple[int, int]:
        probe = _pool(io, quick, workers=1, max_workers=1)
        await probe.warm()
        before = await _body_pid(probe, WHOAMI)
        started = time.monotonic()
        with pytest.raises(TimedOut):
            await probe.invoke(_sleep(5))
        assert time.monotonic() - started < 2
        return before, await _body_pid(probe, WHOAMI)

    before, after = _run(scenario())
    assert before != after


def test_a_function_that_cannot_start_says_why(io: ThreadPoolExecutor) -> None:
    broken = dataclasses.replace(PROBE, handler="missing.handler")
    with pytest.raises(StartFailed, match="No module named 'missing'"):
        _run(_pool(io, broken, workers=1).warm())


def test_a_self_call_gets_a_worker_of_its_own_when_all_are_busy(io: ThreadPoolExecutor) -> None:
    async def scenario() -> tuple[float, int, int]:
        probe = _pool(io, workers=1, max_workers=1)
        await probe.warm()
        busy = asyncio.ensure_future(_body_pid(probe, _sleep(3)))
        await asyncio.sleep(0.2)
        started = time.monotonic()
        nested = await _body_pid(probe, WHOAMI, self_call=True)
        elapsed = time.monotonic() - started
        return elapsed, nested, await busy

    elapsed, nested, busy = _run(scenario())
    assert nested != busy
    assert elapsed < 2.5  # it did not wait for the busy worker
