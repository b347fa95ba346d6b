"""One local execution environment: a process that runs one function's invocations one at a time.

As in Lambda, the function's CodeUri and its layers come first on `sys.path` and the process sees
only that function's environment, so module-level state (Powertools keeps the current event in a
class attribute) is never shared between concurrent invocations. The front talks to it over a
socket pair: it sends the paths, then the init hook, then one invocation at a time.

Stdlib only: every import here is paid again by each worker's start.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

Handler = Callable[[dict[str, Any], Any], Any]
PARENT_POLL_S = 0.5


@dataclass
class LambdaContext:
    """The attributes Powertools reads from a Lambda context."""

    function_name: str
    memory_limit_in_mb: int = 512
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    invoked_function_arn: str = ""
    log_group_name: str = ""
    log_stream_name: str = "local"
    deadline: float = field(default_factory=lambda: time.time() + 15)  # epoch seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.time()) * 1000))


@dataclass(frozen=True)
class Boot:
    """What a worker needs before it can import anything of the function's."""

    function: str
    code_uri: str
    handler: str
    layers: tuple[str, ...]


def aws_endpoint_init() -> None:
    """The default worker init: storage is moto's server, which the handlers' AWS clients reach
    through `AWS_ENDPOINT_URL` in the worker's environment, so there is nothing to install."""


def load_handler(spec: str) -> Handler:
    """`module.attribute` from the function's own directory, as Lambda resolves `Handler`."""
    module_name, attribute = spec.rsplit(".", 1)
    handler: Handler = getattr(importlib.import_module(module_name.replace("/", ".")), attribute)
    return handler


def exit_with_parent(parent: int) -> None:
    """A worker outlives nothing: when the front dies (even by `kill -9`) it exits too.

    Polling the parent id rather than PR_SET_PDEATHSIG: that signal fires when the *thread*
    that started the worker ends, and the front starts workers from more than one thread.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_S)
        os._exit(1)

    if os.getppid() != parent:  # it died before we could watch it
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def serve(conn: Connection, bootstrap_path: str) -> None:
    boot: Boot = conn.recv()
    sys.path[:] = [
        boot.code_uri,
        *boot.layers,
        *(p for p in sys.path if p not in ("", bootstrap_path)),
    ]
    try:
        init: Callable[[], None] = conn.recv()
        init()
        handler = load_handler(boot.handler)
    except Exception:
        conn.send(("failed", traceback.format_exc()))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        _, event, context_fields = message
        context = LambdaContext(function_name=boot.function, **context_fields)
        try:
            result = handler(event, context)
            conn.send(("ok", result))
        except Exception as error:
            conn.send(
                (
                    "error",
                    {
                        "errorType": type(error).__name__,
                        "errorMessage": str(error),
                        "stackTrace": traceback.format_exc().splitlines(),
                    },
                )
            )


def main() -> None:
    """Entry point: `python -c <bootstrap> <devplatform's parent dir> <front pid> <socket fd>`."""
    bootstrap_path, parent, fd = sys.argv[-3], int(sys.argv[-2]), int(sys.argv[-1])
    exit_with_parent(parent)
    conn = Connection(fd)
    try:
        serve(conn, bootstrap_path)
    except (EOFError, BrokenPipeError, ConnectionResetError):
        pass  # the front went away: nothing left to answer
    finally:
        conn.close()
