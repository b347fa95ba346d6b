"""Cold starts stay cheap: the verification packages and the handlers load heavy libraries
(and the modules of routes they have not served yet) on first use only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYER = ROOT / "layers" / "common"
HEAVY = ("pyld", "jsonschema", "boto3", "botocore", "aws_lambda_powertools", "PIL")
# A handler is imported as Lambda does: `app` from its own code directory, the layer on the path.
_HANDLER_PROBE = (
    "import sys, json, importlib.util as u;"
    "s = u.spec_from_file_location('app', 'app.py'); m = u.module_from_spec(s);"
    "s.loader.exec_module(m); print(json.dumps(sorted(sys.modules)))"
)


def _loaded(probe: str, cwd: Path = ROOT) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(LAYER), "TABLE_NAME": "t", "PUBLIC_BUCKET": "b"}
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return set(json.loads(out.stdout))


@pytest.mark.parametrize("module", ["badgehub.domain.verification", "badgehub.usecases.verify"])
def test_importing_verification_loads_no_heavy_library(module: str) -> None:
    loaded = {
        name.split(".")[0]
        for name in _loaded(f"import sys, json, {module}; print(json.dumps(sorted(sys.modules)))")
    }
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


# What each handler leaves for the routes that need it, by function and the router that proves
# the handler was really imported. Claim: the verifier behind imported badges (with
# `cryptography` and base58) and the analytics counters, needed only by the backpack; issue:
# bulk issuing and webhooks, loaded by their own routes; all: the models of aggregates the
# function never touches, which the ports name in signatures only; and the pages' templates.
KEPT_OUT = {
    "claim": (
        "recipient",
        (
            "cryptography",
            "base58",
            "jinja2",
            "badgehub.domain.verification",
            "badgehub.usecases.verify",
            "badgehub.usecases.imports",
            "badgehub.usecases.analytics",
            "badgehub.domain.batches",
            "badgehub.domain.webhooks",
            "badgehub.domain.supplements",
            "badgehub.web",
        ),
    ),
    "share": (
        "share",
        (
            "cryptography",
            "jinja2",
            "PIL",
            "badgehub.domain.batches",
            "badgehub.domain.webhooks",
            "badgehub.domain.supplements",
            "badgehub.domain.keys",
            "badgehub.web",
        ),
    ),
    "issue": (
        "webhooks",
        (
            "badgehub.usecases.batches",
            "badgehub.domain.batches",
            "badgehub.usecases.webhooks",
            "badgehub.domain.webhooks",
        ),
    ),
}


@pytest.mark.parametrize("function", sorted(KEPT_OUT))
def test_importing_a_handler_leaves_route_only_modules_unloaded(function: str) -> None:
    router, deferred = KEPT_OUT[function]
    # Given the handler module imported in a fresh interpreter, as a cold start does
    loaded = _loaded(_HANDLER_PROBE, cwd=ROOT / "functions" / function)
    # Then it is really that handler (its router is in), and none of the deferred modules is
    assert f"badgehub.routers.{router}" in loaded
    assert loaded.isdisjoint(deferred), sorted(loaded & set(deferred))
