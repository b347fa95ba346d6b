"""Reads `template.yaml` so local resources, routes, schedules and queues come from the deployed
definition. Any template can be read (tests run the local platform on a small one of their own).
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


# An HttpApi event with no Path and Method: API Gateway's catch-all, for whatever no route matches.
DEFAULT_ROUTE = "$default"


@dataclass(frozen=True)
class Route:
    function: str
    method: str
    path: str

    @property
    def route_key(self) -> str:
        return DEFAULT_ROUTE if self.path == DEFAULT_ROUTE else f"{self.method} {self.path}"


@dataclass(frozen=True)
class Function:
    logical_id: str
    code_uri: Path
    handler: str
    environment: dict[str, Any]
    memory_mb: int = 512
    timeout_s: float = 3  # Lambda's own default when a template says nothing
    layers: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Schedule:
    """A `Schedule` (EventBridge rule) or `ScheduleV2` (EventBridge Scheduler) event."""

    function: str
    name: str
    expression: str
    input: str | None = None
    enabled: bool = True
    timezone: str = "UTC"


@dataclass(frozen=True)
class QueueEvent:
    """An `SQS` event: the function reads `queue` in batches of `batch_size`."""

    function: str
    name: str
    queue: str  # logical id of the AWS::SQS::Queue
    batch_size: int = 10
    report_failures: bool = False
    enabled: bool = True
    max_concurrency: int | None = None  # ScalingConfig.MaximumConcurrency: invocations at once


@dataclass(frozen=True)
class BucketEvent:
    """An `S3` event: the bucket's notices of `events` on keys that pass `rules` (S3Key filter
    rules: prefix, suffix) go to the function, one notice an invocation."""

    function: str
    name: str
    bucket: str  # logical id of the AWS::S3::Bucket
    events: tuple[str, ...]
    rules: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Template:
    path: Path
    data: dict[str, Any] = field(repr=False)

    @property
    def root(self) -> Path:
        """CodeUri and ContentUri are relative to the template's directory, as in SAM."""
        return self.path.parent

    def resources(self, kind: str) -> dict[str, dict[str, Any]]:
        return {
            name: resource.get("Properties", {})
            for name, resource in self.data.get("Resources", {}).items()
            if resource["Type"] == kind
        }

    def resource_type(self, logical_id: str) -> str | None:
        resource = self.data.get("Resources", {}).get(logical_id)
        return str(resource["Type"]) if resource else None

    def parameter_defaults(self) -> dict[str, str]:
        return {
            name: str(spec["Default"])
            for name, spec in self.data.get("Parameters", {}).items()
            if "Default" in spec
        }

    def functions(self) -> list[Function]:
        defaults = self.data.get("Globals", {}).get("Function", {})
        base_env = dict(defaults.get("Environment", {}).get("Variables", {}))
        found = []
        for name, props in self.resources("AWS::Serverless::Function").items():
            env = {**base_env, **props.get("Environment", {}).get("Variables", {})}
            found.append(
                Function(
                    logical_id=name,
                    code_uri=self.root / props["CodeUri"],
                    handler=props["Handler"],
                    environment=env,
                    memory_mb=int(props.get("MemorySize", defaults.get("MemorySize", 128))),
                    timeout_s=float(props.get("Timeout", defaults.get("Timeout", 3))),
                    layers=self._layer_dirs(
                        [*defaults.get("Layers", []), *props.get("Layers", [])]
                    ),
                )
            )
        return found

    def _layer_dirs(self, layers: list[Any]) -> tuple[Path, ...]:
        """The ContentUri of each layer the template builds itself (others are AWS-managed)."""
        built = self.resources("AWS::Serverless::LayerVersion")
        dirs = []
        for layer in layers:
            if isinstance(layer, dict) and layer.get("Ref") in built:
                dirs.append(self.root / built[layer["Ref"]]["ContentUri"])
        return tuple(dirs)

    def _events(self, kinds: tuple[str, ...]) -> list[tuple[str, str, dict[str, Any]]]:
        found = []
        for function, props in self.resources("AWS::Serverless::Function").items():
            for name, event in props.get("Events", {}).items():
                if event["Type"] in kinds:
                    found.append((function, name, event.get("Properties", {})))
        return found

    def routes(self) -> list[Route]:
        """Every HttpApi route with a path; the catch-all is `default_route`."""
        return [
            Route(function, props["Method"].upper(), props["Path"])
            for function, _, props in self._events(("HttpApi",))
            if "Path" in props
        ]

    def default_route(self) -> Route | None:
        """The `$default` route (an HttpApi event without Path and Method), if any."""
        found = [f for f, _, props in self._events(("HttpApi",)) if "Path" not in props]
        if len(found) > 1:
            raise ValueError(f"only one function may take the $default route: {found}")
        return Route(found[0], "ANY", DEFAULT_ROUTE) if found else None

    def schedules(self) -> list[Schedule]:
        found = []
        for function, name, props in self._events(("Schedule", "ScheduleV2")):
            enabled = props.get("Enabled", True) and props.get("State", "ENABLED") == "ENABLED"
            found.append(
                Schedule(
                    function=function,
                    name=name,
                    expression=props.get("Schedule") or props["ScheduleExpression"],
                    input=props.get("Input"),
                    enabled=bool(enabled),
                    timezone=props.get("ScheduleExpressionTimezone", "UTC"),
                )
            )
        return found

    def queue_events(self) -> list[QueueEvent]:
        found = []
        for function, name, props in self._events(("SQS",)):
            queue = props["Queue"]
            logical = queue["Fn::GetAtt"][0] if "Fn::GetAtt" in queue else queue.get("Ref")
            if self.resource_type(logical) != "AWS::SQS::Queue":
                raise ValueError(f"{function}.{name}: the queue must be a queue of this template")
            found.append(
                QueueEvent(
                    function=function,
                    name=name,
                    queue=logical,
                    batch_size=int(props.get("BatchSize", 10)),
                    report_failures="ReportBatchItemFailures"
                    in props.get("FunctionResponseTypes", []),
                    enabled=bool(props.get("Enabled", True)),
                    max_concurrency=_int_or_none(
                        props.get("ScalingConfig", {}).get("MaximumConcurrency")
                    ),
                )
            )
        return found

    def bucket_events(self) -> list[BucketEvent]:
        found = []
        for function, name, props in self._events(("S3",)):
            bucket = props["Bucket"].get("Ref") if isinstance(props["Bucket"], dict) else None
            if not isinstance(bucket, str) or self.resource_type(bucket) != "AWS::S3::Bucket":
                raise ValueError(f"{function}.{name}: the bucket must be a bucket of this template")
            events = props["Events"]
            rules = props.get("Filter", {}).get("S3Key", {}).get("Rules", [])
            found.append(
                BucketEvent(
                    function=function,
                    name=name,
                    bucket=bucket,
                    events=tuple([events] if isinstance(events, str) else events),
                    rules=tuple((str(r["Name"]), str(r["Value"])) for r in rules),
                )
            )
        return found


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


@cache
def read(path: Path = TEMPLATE) -> Template:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.load(handle, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
    return Template(path.resolve(), data)


# The deployed template, as the tests and benchmarks read it.


def load() -> dict[str, Any]:
    return read().data


def resources(kind: str) -> dict[str, dict[str, Any]]:
    return read().resources(kind)


def functions() -> list[Function]:
    return read().functions()


def routes() -> list[Route]:
    return read().routes()


def schedules() -> list[Schedule]:
    return read().schedules()
