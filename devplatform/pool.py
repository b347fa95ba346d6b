"""Worker processes per function, as Lambda scales execution environments: concurrent invocations
of one function run in separate processes, each running one invocation at a time.

A pool keeps `workers` processes warm and starts more when every one is busy, up to
`max_workers` (a self-call, where a handler fetches a URL on our own host, holds its worker while
the nested request gets another). Past that, requests wait in a bounded queue for a free worker;
a full queue or a wait longer than `queue_timeout_s` is answered as Lambda answers throttling.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .lambda_runtime import Boot
from .template import Function

log = logging.getLogger("devplatform.pool")
WorkerInit = Callable[[], None]  # picklable: it is sent to each worker and called there
_BOOTSTRAP = (
    "import sys; sys.path.insert(0, sys.argv[1]); import devplatform.lambda_runtime as r; r.main()"
)
_PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent)
START_TIMEOUT_S = 60
_LIVE: set[subprocess.Popen[bytes]] = set()  # every worker process not yet reaped
_LIVE_LOCK = threading.Lock()


class InvocationError(Exception):
    """An invocation that produced no result (the platform answers it, not the handler)."""


class Throttled(InvocationError):
    """Every worker busy and the queue full, or the wait for a worker too long."""


class StartFailed(InvocationError):
    """The function's init failed (an import error, a failing init hook)."""


class TimedOut(InvocationError):
    """The handler ran past the function's Timeout; its worker was stopped."""


class HandlerFailed(InvocationError):
    """The handler raised (Lambda's `errorType`/`errorMessage`/`stackTrace`), or its worker died."""

    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(f"{error.get('errorType')}: {error.get('errorMessage')}")
        self.error = error


@dataclass(frozen=True)
class PoolConfig:
    workers: int = 2
    max_workers: int = 4
    queue_size: int = 64
    queue_timeout_s: float = 30.0  # API Gateway's own limit on how long an integration may take


class Worker:
    """One worker process and the front's end of its socket pair. Blocking: used from threads."""

    def __init__(self, process: subprocess.Popen[bytes], conn: Connection, pid: int) -> None:
        self.process = process
        self.conn = conn
        self.pid = pid

    @classmethod
    def start(cls, function: Function, env: dict[str, str], init: WorkerInit) -> Worker:
        ours, theirs = socket.socketpair()
        with theirs:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [
                    sys.executable,
                    "-u",
                    "-c",
                    _BOOTSTRAP,
                    _PACKAGE_PARENT,
                    str(os.getpid()),
                    str(theirs.fileno()),
                ],
                env=env,
                cwd=function.code_uri,
                pass_fds=(theirs.fileno(),),
                start_new_session=True,  # a terminal's Ctrl-C reaches the front, which stops us
            )
        with _LIVE_LOCK:
            _LIVE.add(process)
        conn = Connection(ours.detach())
        try:
            boot = Boot(
                function.logical_id,
                str(function.code_uri),
                function.handler,
                tuple(str(layer) for layer in function.layers),
            )
            conn.send(boot)
            try:
                conn.send(init)
            except (pickle.PicklingError, AttributeError, TypeError) as error:
                raise StartFailed(
                    "worker_init must be picklable: a module-level function, or a "
                    f"functools.partial of one ({error})"
                ) from error
            if not conn.poll(START_TIMEOUT_S):
                raise StartFailed(f"{function.logical_id}: no answer within {START_TIMEOUT_S} s")
            kind, detail = conn.recv()
        except (EOFError, OSError) as error:
            cls(process, conn, process.pid).kill()
            raise StartFailed(f"{function.logical_id}: the worker exited while starting") from error
        except StartFailed:
            cls(process, conn, process.pid).kill()
            raise
        if kind != "ready":
            cls(process, conn, process.pid).kill()
            raise StartFailed(f"{function.logical_id} failed to start:\n{detail}")
        return cls(process, conn, int(detail))

    def call(self, event: Any, context: dict[str, Any], timeout: float) -> Any:
        try:
            self.conn.send(("invoke", event, context))
            if not self.conn.poll(timeout):
                raise TimedOut(f"no answer within {timeout:g} s")
            kind, value = self.conn.recv()
        except (EOFError, OSError) as error:
            raise HandlerFailed(
                {"errorType": "Runtime.ExitError", "errorMessage": "the worker exited"}
            ) from error
        if kind == "ok":
            return value
        raise HandlerFailed(value)

    def kill(self) -> None:
        _reap(self.process, grace=0)
        self.conn.close()


def _reap(process: subprocess.Popen[bytes], grace: float) -> None:
    """SIGTERM, then SIGKILL after `grace` seconds; always waited for, so no zombie stays."""
    with contextlib.suppress(ProcessLookupError):
        if grace:
            process.terminate()
        else:
            process.kill()
    try:
        process.wait(timeout=grace or None)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    with _LIVE_LOCK:
        _LIVE.discard(process)


def stop_all(grace: float = 3.0) -> None:
    """Terminates every worker this process started (those still starting included)."""
    with _LIVE_LOCK:
        processes = list(_LIVE)
    for process in processes:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
    for process in processes:
        _reap(process, grace)


class FunctionPool:
    """The workers of one function. Lives on the front's event loop; blocking work in `io`."""

    def __init__(
        self,
        function: Function,
        env: dict[str, str],
        init: WorkerInit,
        config: PoolConfig,
        io: Executor,
    ) -> None:
        self.function = function
        self.config = config
        self._env = env
        self._init = init
        self._io = io
        self._idle: asyncio.Queue[Worker | StartFailed] = asyncio.Queue()
        self._workers: set[Worker] = set()
        self._size = 0  # started and starting
        self._waiting = 0
        self._spawns: set[asyncio.Task[None]] = set()

    @property
    def pids(self) -> list[int]:
        return sorted(worker.pid for worker in self._workers)

    async def warm(self) -> None:
        """Starts the warm workers; a function that cannot start fails the platform's start."""
        count = self.config.workers - self._size
        self._size += count
        started = await asyncio.gather(
            *(self._start_one() for _ in range(count)), return_exceptions=True
        )
        failures = [item for item in started if isinstance(item, BaseException)]
        for item in started:
            if isinstance(item, Worker):
                self._idle.put_nowait(item)
        if failures:
            raise failures[0]

    async def invoke(
        self, event: Any, request_id: str | None = None, self_call: bool = False
    ) -> Any:
        """Runs the event on a free worker. `self_call`: the request comes from a handler of
        ours, waiting on it with a worker held (see `_take`)."""
        worker = await (self._start_for_self_call() if self._needs_own(self_call) else self._take())
        timeout = self.function.timeout_s
        context = {
            "aws_request_id": request_id or str(uuid.uuid4()),
            "memory_limit_in_mb": self.function.memory_mb,
            "invoked_function_arn": (
                f"arn:aws:lambda:us-east-1:123456789012:function:{self.function.logical_id}"
            ),
            "deadline": time.time() + timeout,
        }
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(self._io, worker.call, event, context, timeout)
        except (TimedOut, HandlerFailed) as error:
            if isinstance(error, TimedOut) or worker.process.poll() is not None:
                log.warning("%s: %s; starting a fresh worker", self.function.logical_id, error)
                self._discard(worker)  # Lambda stops an environment that timed out or crashed
            else:
                self._release(worker)
            raise
        except BaseException:
            self._discard(worker)  # cancelled mid-call: its answer would go to the next caller
            raise
        self._release(worker)
        return result

    def _needs_own(self, self_call: bool) -> bool:
        """A self-call must not queue behind the very requests that wait on it: when no worker
        is free it gets one of its own, past `max_workers` (up to twice that)."""
        return self_call and self._idle.empty() and self._size < 2 * self.config.max_workers

    async def _start_for_self_call(self) -> Worker:
        self._size += 1
        try:
            return await self._start_one()
        except StartFailed:
            self._size -= 1
            raise

    def _release(self, worker: Worker) -> None:
        if self._size > self.config.max_workers and not self._waiting:
            self._retire(worker)  # a self-call's extra worker goes once it is not needed
        else:
            self._idle.put_nowait(worker)

    async def _take(self) -> Worker:
        item = self._idle.get_nowait() if not self._idle.empty() else await self._wait()
        if isinstance(item, Worker):
            return item
        raise item

    async def _wait(self) -> Worker | StartFailed:
        """Queued: starts a worker if the pool may grow, then waits for the first one free."""
        if self._waiting >= self.config.queue_size:
            raise Throttled(f"{self.function.logical_id}: every worker is busy and the queue full")
        if self._size < self.config.max_workers:
            self._spawn()
        self._waiting += 1
        try:
            return await asyncio.wait_for(self._idle.get(), self.config.queue_timeout_s)
        except TimeoutError as error:
            raise Throttled(
                f"{self.function.logical_id}: no free worker within "
                f"{self.config.queue_timeout_s:g} s"
            ) from error
        finally:
            self._waiting -= 1

    def _spawn(self) -> None:
        self._size += 1
        task = asyncio.get_running_loop().create_task(self._spawn_into_idle())
        self._spawns.add(task)
        task.add_done_callback(self._spawns.discard)

    async def _spawn_into_idle(self) -> None:
        try:
            worker = await self._start_one()
        except StartFailed as error:
            self._size -= 1
            self._idle.put_nowait(error)  # the waiter that gets it reports the init error
            return
        self._idle.put_nowait(worker)

    async def _start_one(self) -> Worker:
        loop = asyncio.get_running_loop()
        worker = await loop.run_in_executor(
            self._io, Worker.start, self.function, self._env, self._init
        )
        self._workers.add(worker)
        return worker

    def _retire(self, worker: Worker) -> None:
        self._workers.discard(worker)
        self._size -= 1
        self._io.submit(worker.kill)

    def _discard(self, worker: Worker) -> None:
        self._retire(worker)
        if self._size < self.config.workers or self._waiting:
            self._spawn()
