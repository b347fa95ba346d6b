"""The verification packages stay cheap to import: heavy libraries load on first use only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

LAYER = Path(__file__).resolve().parents[2] / "layers" / "common"
HEAVY = ("pyld", "jsonschema", "boto3", "botocore", "aws_lambda_powertools", "PIL")


@pytest.mark.parametrize("module", ["badgehub.domain.verification", "badgehub.usecases.verify"])
def test_importing_verification_loads_no_heavy_library(module: str) -> None:
    probe = f"import sys, json, {module}; print(json.dumps(sorted(sys.modules)))"
    env = {**os.environ, "PYTHONPATH": str(LAYER)}
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    loaded = {name.split(".")[0] for name in json.loads(out.stdout)}
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
