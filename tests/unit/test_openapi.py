"""The OpenAPI document describes exactly the routes the template deploys."""

from pathlib import Path

import yaml
from openapi_spec_validator import validate

from devplatform import template

SPEC = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


def _spec() -> dict:
    return yaml.safe_load(SPEC.read_text())


def test_openapi_document_is_valid() -> None:
    validate(_spec())


def test_every_deployed_route_is_documented_and_nothing_else() -> None:
    documented = {
        f"{method.upper()} {path}"
        for path, operations in _spec()["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }
    deployed = {route.route_key for route in template.routes()}
    assert documented == deployed


def test_the_document_served_at_openapi_yaml_is_this_one() -> None:
    """The layer carries a copy to serve (docs/ is not deployed); it must not drift."""
    served = Path(__file__).resolve().parents[2] / "layers/common/badgehub/data/openapi.yaml"
    assert served.read_text() == SPEC.read_text(), (
        "copy docs/openapi.yaml to layers/common/badgehub/data/openapi.yaml"
    )
