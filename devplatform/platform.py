"""Starts the whole platform on 127.0.0.1: moto's server, the resources, the gateway."""

from __future__ import annotations

import logging
import os
import secrets
import threading
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from moto.server import ThreadedMotoServer

from . import resources, tls
from .gateway import Gateway, make_http_server
from .template import ROOT

LOCAL_DIR = ROOT / ".local"

HOST = "127.0.0.1"
REGION = "us-east-1"


def local_secret(name: str) -> str:
    """A random secret made once under `.local/` (the deployment gets it from Secrets Manager)."""
    path = LOCAL_DIR / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


@dataclass
class LocalPlatform:
    port: int = 3000
    admin_api_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    names: resources.LocalNames = resources.DEFAULT_NAMES
    https: bool = True
    tls_dir: Path = tls.DEFAULT_DIR
    ca_file: str = ""
    _moto: ThreadedMotoServer | None = None
    _http: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    base_url: str = ""
    aws_endpoint: str = ""

    def start(self) -> LocalPlatform:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._moto = ThreadedMotoServer(ip_address=HOST, port=0, verbose=False)
        self._moto.start()
        moto_host, moto_port = self._moto.get_host_and_port()
        self.aws_endpoint = f"http://{moto_host}:{moto_port}"
        self._http = make_http_server(Gateway(), HOST, self.port)
        self.port = self._http.server_address[1]
        scheme = "http"
        if self.https:
            local_tls = tls.ensure(self.tls_dir)
            self._http.socket = local_tls.server_context().wrap_socket(
                self._http.socket, server_side=True
            )
            self.ca_file = str(local_tls.ca_file)
            scheme = "https"
        self.base_url = f"{scheme}://{HOST}:{self.port}"
        os.environ.update(self._aws_environment())
        resources.create_all(self.names, REGION)
        os.environ.update(self._function_environment())
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()
        return self

    def _aws_environment(self) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL": self.aws_endpoint,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
        }

    def _function_environment(self) -> dict[str, str]:
        from badgehub.domain.apikeys import hash_secret

        env = resources.function_environment(
            self.names,
            {
                "PublicBaseUrl": self.base_url,
                "AdminApiKeyHash": hash_secret(self.admin_api_key),
            },
        )
        env["ASSETS_BASE_URL"] = f"{self.aws_endpoint}/{self.names.public_bucket}"
        env["POWERTOOLS_SERVICE_NAME"] = "badgehub-local"
        # moto has no Ed25519 KMS keys and re-hashes DIGEST messages: the two local deviations.
        env["ED25519_KEY_SERVICE"] = "secretsmanager"
        env["KMS_SIGN_DIGEST"] = "false"
        env["APP_SECRET"] = local_secret("app-secret")
        if self.ca_file:
            env["VERIFY_EXTRA_CA_FILE"] = self.ca_file
        return env

    def stop(self) -> None:
        if self._http:
            self._http.shutdown()
            self._http.server_close()
        if self._moto:
            self._moto.stop()

    def describe(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "aws_endpoint": self.aws_endpoint,
            "ca_file": self.ca_file or None,
        }
