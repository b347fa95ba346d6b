"""moto's server on 127.0.0.1 in a process of its own, one request at a time.

moto is not safe under parallel transactions: with several workers writing at once, a failed
`TransactWriteItems` restores a copy of the whole table (other writers' changes vanish) and its
dicts change size mid-iteration. Workers run handlers in parallel; their calls into moto take
turns behind one lock. (The local adapters that replace moto are process-safe on their own.)

Its own process, not a thread of the front's: moto is CPU-bound, and in the front's process it
would hold the interpreter lock the front needs to answer anyone, `/health` included.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
_PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent)


class Serialised:
    """A WSGI app called under a lock, its response body read inside the lock too."""

    def __init__(self, app: WsgiApp) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with self._lock:
            result = self._app(environ, start_response)
            try:
                return list(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()


class MotoServer:
    """The emulator process, seen from the front."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._host = host
        self._process: subprocess.Popen[str] | None = None

    def start(self, timeout: float = 30) -> str:
        """Starts serving on a free port; returns the endpoint URL."""
        self._process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "devplatform.emulator", self._host, str(os.getpid())],
            cwd=_PACKAGE_PARENT,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,  # stopped by the front, not by a terminal's Ctrl-C
        )
        port = _read_line(self._process.stdout, timeout)
        if not port.strip().isdigit():
            self.stop()
            raise RuntimeError(f"moto did not start: {port!r}")
        return f"http://{self._host}:{port.strip()}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def stop(self) -> None:
        if self._process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            self._process.terminate()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout:
            self._process.stdout.close()
        self._process = None


def _read_line(stream: IO[str] | None, timeout: float) -> str:
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(stream.readline() if stream else ""))
    reader.daemon = True
    reader.start()
    reader.join(timeout)
    return line[0] if line else ""


def serve(host: str, parent: int) -> None:
    """The emulator process: moto's app behind the lock, its port on stdout, until stopped."""
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    from .lambda_runtime import exit_with_parent

    exit_with_parent(parent)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = Serialised(DomainDispatcherApplication(create_backend_app))
    server = make_server(host, 0, app, threaded=True, request_handler=MotoRequestHandler)
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
