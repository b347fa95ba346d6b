"""Independent verifiers, each in its own environment, run as subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


class Ob2Validator:
    """The 1EdTech Open Badges 2.0 validator (PyPI `openbadges` 1.1.2), offline."""

    def __init__(self, python: str) -> None:
        self.python = python

    def validate(
        self, subject: str, recipient: str | None = None, ca_file: str | None = None
    ) -> dict[str, Any]:
        command = [self.python, str(HERE / "ob2_validator" / "run_validator.py"), subject]
        if recipient:
            command += ["--recipient", recipient]
        env = {**os.environ}
        if ca_file:
            env["REQUESTS_CA_BUNDLE"] = ca_file
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=120, env=env, check=False
        )
        # 4: the validator ran and found the badge not valid, which the report says too.
        assert done.returncode in (0, 4), f"validator harness failed:\n{done.stderr}"
        result: dict[str, Any] = json.loads(done.stdout)
        return result["report"]


@pytest.fixture(scope="session")
def ob2_validator() -> Ob2Validator:
    """`make test` installs the validator's virtualenv and passes its interpreter here."""
    python = os.environ.get("OB2_VALIDATOR_PYTHON") or str(
        ROOT / ".venv-ob2validator" / "bin" / "python"
    )
    if not Path(python).exists():
        pytest.fail(
            "the 1EdTech validator is not installed: run `make setup` "
            "(or bash tests/conformance/ob2_validator/install.sh .venv-ob2validator)"
        )
    return Ob2Validator(python)


class VcVerifier:
    """The Digital Credentials Consortium's verifier-core (npm), on node, offline."""

    script = HERE / "vc_verifier" / "verify.mjs"

    def verify(self, credential: dict[str, Any], ca_file: str | None = None) -> dict[str, Any]:
        env = {**os.environ}
        if ca_file:
            env["NODE_EXTRA_CA_CERTS"] = ca_file  # did:web documents come from our https host
        done = subprocess.run(
            ["node", str(self.script), "-"],
            input=json.dumps(credential),
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            check=False,
        )
        assert done.returncode in (0, 4), f"verifier harness failed:\n{done.stdout}\n{done.stderr}"
        result: dict[str, Any] = json.loads(done.stdout)
        return result


@pytest.fixture(scope="session")
def vc_verifier() -> VcVerifier:
    if not (HERE / "vc_verifier" / "node_modules").exists():
        pytest.fail("the VC verifier is not installed: run `make setup`")
    return VcVerifier()


def errors_of(report: dict[str, Any]) -> list[str]:
    return [m["result"] for m in report["messages"] if m["messageLevel"] == "ERROR"]
