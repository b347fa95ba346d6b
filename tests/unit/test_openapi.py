"""The OpenAPI document describes exactly the routes the template deploys."""

import re
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


def _json_property_names(schema: object, where: str) -> list[str]:
    """Every property name a JSON schema declares, with where it is declared."""
    found: list[str] = []
    if isinstance(schema, dict):
        for name, inner in (schema.get("properties") or {}).items():
            found.append(f"{where}.{name}")
            found += _json_property_names(inner, f"{where}.{name}")
        for key in ("items", "additionalProperties"):
            found += _json_property_names(schema.get(key), where + "[]")
    return found


def test_every_json_field_is_documented_in_camel_case() -> None:
    """One casing on the wire: the JSON bodies (and their links) are camelCase; only HTML
    form fields (application/x-www-form-urlencoded, multipart) keep their form names."""
    spec = _spec()
    names = []
    for name, schema in spec["components"]["schemas"].items():
        names += _json_property_names(schema, name)
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            bodies = [operation.get("requestBody", {}), *operation["responses"].values()]
            for body in bodies:
                media = body.get("content", {}).get("application/json", {})
                names += _json_property_names(media.get("schema"), f"{method} {path}")
    assert [n for n in names if not re.match(r"^[a-z][a-zA-Z0-9]*$", n.rsplit(".", 1)[-1])] == []
