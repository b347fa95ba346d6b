"""After `sam build`: the layer holds our package and every dependency it declares.

The layer is built for arm64, so its compiled wheels cannot be imported on an x86 build host;
we check the distributions' metadata and the package's files instead, and import the pure
package code against the build output's pure-Python dependencies where possible.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _api_reference_problems(layer: Path) -> list[str]:
    """The API reference reads the OpenAPI document and Swagger UI's files from the layer."""
    problems = []
    spec = layer / "badgehub" / "data" / "openapi.yaml"
    if spec.is_symlink() or not spec.is_file():
        problems.append("the layer's openapi.yaml must be a copy, not a link")
    elif spec.read_bytes() != (ROOT / "docs" / "openapi.yaml").read_bytes():
        problems.append("the layer's openapi.yaml differs from docs/openapi.yaml")
    for name in ("swagger-ui-bundle.js", "swagger-ui.css"):
        if not (layer / "swagger_ui" / "static" / name).is_file():
            problems.append(f"the layer has no Swagger UI {name}")
    return problems


def main(build_dir: Path) -> int:
    layer = build_dir / "CommonLayer" / "python"
    problems: list[str] = []
    installed = {_normalise(p.name.split("-")[0]) for p in layer.glob("*.dist-info") if p.is_dir()}
    for line in (ROOT / "layers" / "common" / "requirements.txt").read_text().splitlines():
        requirement = line.split("#")[0].strip()
        if not requirement:
            continue
        name = _normalise(re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0])
        if name not in installed:
            problems.append(f"layer is missing the distribution {name}")
    source = ROOT / "layers" / "common" / "badgehub"
    for path in source.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            built = layer / "badgehub" / path.relative_to(source)
            if not built.exists():
                problems.append(f"layer is missing {built.relative_to(build_dir)}")
    problems += _api_reference_problems(layer)
    for function in ("IssueFunction", "VerifyFunction"):
        if not (build_dir / function / "app.py").exists():
            problems.append(f"{function} has no app.py in the build")
    for problem in problems:
        print(problem, file=sys.stderr)
    print("layer build check:", "ok" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".aws-sam" / "build"))
