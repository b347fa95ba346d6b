"""The local platform keeps its data: stopped by Ctrl-C or killed outright, it comes back
serving the same badges, signed by the same keys, for the same issuer keys."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from devplatform.process import ROOT

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start(data_dir: Path, info_file: Path, log: Path, port: int) -> subprocess.Popen[bytes]:
    info_file.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devplatform",
            "--port",
            str(port),
            "--info-file",
            str(info_file),
            "--data-dir",
            str(data_dir),
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while not info_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(log.read_text())
        time.sleep(0.1)
    return process


def stop(process: subprocess.Popen[bytes], how: str) -> None:
    if how == "ctrl-c":
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    else:
        process.kill()  # kill -9: no chance to tidy up
        process.wait(timeout=30)
        time.sleep(1.5)  # its workers notice the front is gone and leave


def verify(info: dict[str, Any], url: str) -> str:
    reply = requests.post(
        f"{info['base_url']}/v1/verify", json={"url": url}, verify=info["ca_file"], timeout=60
    )
    reply.raise_for_status()
    verdict: str = reply.json()["verdict"]
    return verdict


@pytest.mark.parametrize("how", ["ctrl-c", "kill-9"])
def test_badges_keys_and_images_survive_a_restart(tmp_path: Path, how: str) -> None:
    data, info_file, log = tmp_path / "data", tmp_path / "info.json", tmp_path / "platform.log"
    port = free_port()  # the same address after the restart, as `make run` keeps 3000
    process = start(data, info_file, log, port)
    try:
        info = json.loads(info_file.read_text())
        demo = info["demo"]
        issued = requests.post(
            f"{info['base_url']}/v1/badges/{demo['badge']['id']}/assertions",
            json={"recipient": {"email": "kept@example.org"}},
            headers={"Authorization": f"Bearer {demo['api_key']}"},
            verify=info["ca_file"],
            timeout=60,
        )
        assert issued.status_code == 201, issued.text
        badge = issued.json()
        baked = requests.get(badge["links"]["baked"], verify=info["ca_file"], timeout=60).content
    finally:
        stop(process, how)

    process = start(data, info_file, log, port)
    try:
        again = json.loads(info_file.read_text())
        assert again["demo"]["api_key"] == demo["api_key"]  # the same demo, not a second one
        url = badge["links"]["assertion"]
        assert requests.get(url, verify=again["ca_file"], timeout=60).status_code == 200
        assert verify(again, url) == "valid"
        uploaded = requests.post(
            f"{again['base_url']}/v1/verify",
            data=baked,
            headers={"Content-Type": "image/png"},
            verify=again["ca_file"],
            timeout=60,
        ).json()
        assert uploaded["verdict"] == "valid", uploaded  # downloaded before, verifies after
        second = requests.post(
            f"{again['base_url']}/v1/badges/{demo['badge']['id']}/assertions",
            json={"recipient": {"email": "kept@example.org"}},
            headers={"Authorization": f"Bearer {demo['api_key']}"},
            verify=again["ca_file"],
            timeout=60,
        )
        assert second.status_code == 201, second.text  # the issuer's API key still works
    finally:
        stop(process, "ctrl-c")
