"""Reads `template.yaml` so local resources and routes come from the deployed definition."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader that keeps CloudFormation short-form tags (`!Ref X` -> {"Ref": X})."""


def _cfn_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _cfn_tag)


@cache
def load() -> dict[str, Any]:
    with TEMPLATE.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.load(handle, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
    return data


def resources(kind: str) -> dict[str, dict[str, Any]]:
    return {
        name: resource.get("Properties", {})
        for name, resource in load()["Resources"].items()
        if resource["Type"] == kind
    }


@dataclass(frozen=True)
class Route:
    function: str
    method: str
    path: str

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class Function:
    logical_id: str
    code_uri: Path
    handler: str
    environment: dict[str, Any]


def functions() -> list[Function]:
    globals_env = load().get("Globals", {}).get("Function", {}).get("Environment", {})
    base_env = dict(globals_env.get("Variables", {}))
    found = []
    for name, props in resources("AWS::Serverless::Function").items():
        env = {**base_env, **props.get("Environment", {}).get("Variables", {})}
        found.append(Function(name, ROOT / props["CodeUri"], props["Handler"], env))
    return found


def routes() -> list[Route]:
    found = []
    for name, props in resources("AWS::Serverless::Function").items():
        for event in props.get("Events", {}).values():
            if event["Type"] == "HttpApi":
                found.append(
                    Route(name, event["Properties"]["Method"], event["Properties"]["Path"])
                )
    return found


def schedules() -> list[tuple[str, str]]:
    """(function, schedule expression) for every Schedule event."""
    found = []
    for name, props in resources("AWS::Serverless::Function").items():
        for event in props.get("Events", {}).values():
            if event["Type"] in ("Schedule", "ScheduleV2"):
                found.append((name, event["Properties"]["Schedule"]))
    return found
