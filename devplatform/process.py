"""Runs the local platform in its own process, as `make run` does (e2e tests, benchmarks)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def running_platform(
    timeout: float = 60, template: Path | None = None, args: Sequence[str] = ()
) -> Iterator[dict[str, Any]]:
    """The platform started as `make run` starts it; yields what it wrote to its info file
    (base URL, CA, keys, the front's and workers' pids). `args` go to `python -m devplatform`.
    """
    with tempfile.TemporaryDirectory() as tmp:
        info_file = Path(tmp) / "info.json"
        log = (Path(tmp) / "platform.log").open("w+")
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "devplatform",
                "--port",
                "0",
                "--info-file",
                str(info_file),
                *(["--template", str(template)] if template else []),
                *(
                    []
                    if "--in-memory" in args or "--data-dir" in args
                    else ["--data-dir", str(Path(tmp) / "data")]
                ),
                *args,
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + timeout
            while not info_file.exists():
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"local platform did not start:\n{log.read()}")
                time.sleep(0.1)
            yield json.loads(info_file.read_text())
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()
