"""Creates a template's tables, buckets, queues and event buses with boto3 from its own properties.

moto's CloudFormation drops TTL and key specs, so we never go through it. What the template says
about a resource kind we do not create (log groups, secrets, the API itself) has no local effect.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3

from . import template as cfn

ACCOUNT = "123456789012"
_TABLE_KEYS = (
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "BillingMode",
    "ProvisionedThroughput",
    "SSESpecification",
    "StreamSpecification",
)
# CloudFormation property -> SQS attribute (every value is a string in the SQS API).
_QUEUE_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "FifoQueue",
    "ContentBasedDeduplication",
)
_SUB = re.compile(r"\$\{([^}!]+)\}")


@dataclass(frozen=True)
class LocalNames:
    """Physical names for a template's logical resources.

    The table and the public bucket are named by the caller (each test run picks its own);
    every other resource is named after its logical id.
    """

    table: str = "badgehub-local"
    public_bucket: str = "badgehub-public-local"
    prefix: str = "badgehub-local"

    def ref(self, logical_id: str) -> str:
        named = {"Table": self.table, "PublicBucket": self.public_bucket}
        return named.get(logical_id) or f"{self.prefix}-{logical_id.lower()}"


DEFAULT_NAMES = LocalNames()


class Unresolvable(ValueError):
    """An intrinsic the local platform cannot answer (a deploy-time secret, another stack)."""


@dataclass
class Refs:
    """What `Ref`, `Fn::GetAtt` and `Fn::Sub` resolve to locally: parameters and resources."""

    region: str = "us-east-1"
    values: dict[str, str] = field(default_factory=dict)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)

    def pseudo(self) -> dict[str, str]:
        return {
            "AWS::Region": self.region,
            "AWS::AccountId": ACCOUNT,
            "AWS::Partition": "aws",
            "AWS::StackName": "local",
            "AWS::URLSuffix": "amazonaws.com",
        }

    def ref(self, name: str) -> str:
        known = {**self.pseudo(), **self.values}
        if name not in known:
            raise Unresolvable(f"Ref {name}")
        return known[name]

    def get_att(self, logical_id: str, attribute: str) -> str:
        if (logical_id, attribute) not in self.attributes:
            raise Unresolvable(f"Fn::GetAtt {logical_id}.{attribute}")
        return self.attributes[(logical_id, attribute)]

    def resolve(self, value: Any) -> Any:
        """Resolves the intrinsics in a property value; `Unresolvable` when one cannot be."""
        if isinstance(value, dict):
            if set(value) == {"Ref"}:
                return self.ref(value["Ref"])
            if set(value) == {"Fn::GetAtt"}:
                logical_id, attribute = value["Fn::GetAtt"]
                return self.get_att(logical_id, attribute)
            if set(value) == {"Fn::Sub"}:
                return self._sub(value["Fn::Sub"])
            return {key: self.resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        return value

    def _sub(self, spec: Any) -> str:
        text, variables = (spec, {}) if isinstance(spec, str) else (spec[0], spec[1])
        if "{{resolve:" in text:
            raise Unresolvable("a dynamic reference (resolved at deploy time)")

        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(self.resolve(variables[name]))
            if "." in name:
                logical_id, attribute = name.split(".", 1)
                return self.get_att(logical_id, attribute)
            return self.ref(name)

        return _SUB.sub(one, text)


def client(service: str, region: str, endpoint_url: str | None = None) -> Any:
    """A boto3 client; on a local endpoint with the local platform's own credentials, so the
    front never needs AWS variables in its environment (only its workers get them)."""
    kwargs: dict[str, Any] = {"region_name": region}
    if endpoint_url:
        kwargs.update(
            endpoint_url=endpoint_url,
            aws_access_key_id="local",
            aws_secret_access_key="local",  # noqa: S106 - moto takes any credentials
        )
    return boto3.client(service, **kwargs)  # type: ignore[call-overload]


def create_all(
    names: LocalNames = DEFAULT_NAMES,
    region: str = "us-east-1",
    template: cfn.Template | None = None,
    parameters: Mapping[str, str] | None = None,
    endpoint_url: str | None = None,
) -> Refs:
    """Every table, bucket (with its CORS and policy) and queue (DLQs first) of the template."""
    template = template or cfn.read()
    refs = Refs(region, {**template.parameter_defaults(), **(parameters or {})})
    for logical_id in template.resources("AWS::DynamoDB::Table"):
        create_table(names, region, logical_id, template, endpoint_url)
        _record_table(refs, logical_id, names.ref(logical_id))
    s3 = client("s3", region, endpoint_url)
    for logical_id, props in template.resources("AWS::S3::Bucket").items():
        _create_bucket(s3, names.ref(logical_id), props)
        refs.values[logical_id] = names.ref(logical_id)
        refs.attributes[(logical_id, "Arn")] = f"arn:aws:s3:::{names.ref(logical_id)}"
    for props in template.resources("AWS::S3::BucketPolicy").values():
        _put_bucket_policy(s3, refs, props)
    _create_queues(client("sqs", region, endpoint_url), names, refs, template)
    _create_event_buses(client("events", region, endpoint_url), names, refs, template)
    return refs


def _create_event_buses(events: Any, names: LocalNames, refs: Refs, template: cfn.Template) -> None:
    """Custom buses, named as the template names them (moto records what is put on them)."""
    for logical_id, props in template.resources("AWS::Events::EventBus").items():
        try:
            name = str(refs.resolve(props["Name"]))
        except (KeyError, Unresolvable):
            name = names.ref(logical_id)
        arn = events.create_event_bus(Name=name)["EventBusArn"]
        refs.values[logical_id] = name  # Ref of a bus is its name
        refs.attributes[(logical_id, "Arn")] = arn
        refs.attributes[(logical_id, "Name")] = name


def create_table(
    names: LocalNames,
    region: str,
    logical_id: str = "Table",
    template: cfn.Template | None = None,
    endpoint_url: str | None = None,
) -> None:
    props = (template or cfn.read()).resources("AWS::DynamoDB::Table")[logical_id]
    dynamodb = client("dynamodb", region, endpoint_url)
    name = names.ref(logical_id)
    kwargs: dict[str, Any] = {key: props[key] for key in _TABLE_KEYS if key in props}
    if "SSESpecification" in kwargs:  # CloudFormation spells the API's `Enabled` as `SSEEnabled`
        kwargs["SSESpecification"] = {"Enabled": kwargs["SSESpecification"]["SSEEnabled"]}
    dynamodb.create_table(TableName=name, **kwargs)
    dynamodb.get_waiter("table_exists").wait(TableName=name)
    ttl = props.get("TimeToLiveSpecification")
    if ttl:
        dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
    if props.get("PointInTimeRecoverySpecification"):
        dynamodb.update_continuous_backups(
            TableName=name,
            PointInTimeRecoverySpecification=props["PointInTimeRecoverySpecification"],
        )


def _record_table(refs: Refs, logical_id: str, name: str) -> None:
    refs.values[logical_id] = name
    refs.attributes[(logical_id, "Arn")] = f"arn:aws:dynamodb:{refs.region}:{ACCOUNT}:table/{name}"


def _create_bucket(s3: Any, name: str, props: dict[str, Any]) -> None:
    s3.create_bucket(Bucket=name)
    if "CorsConfiguration" in props:
        rules = props["CorsConfiguration"]["CorsRules"]  # CloudFormation: CorsRules; S3: CORSRules
        s3.put_bucket_cors(
            Bucket=name,
            CORSConfiguration={
                "CORSRules": [
                    {
                        "AllowedMethods": r["AllowedMethods"],
                        "AllowedOrigins": r["AllowedOrigins"],
                        "MaxAgeSeconds": r.get("MaxAge", 0),
                    }
                    for r in rules
                ]
            },
        )


def _put_bucket_policy(s3: Any, refs: Refs, props: dict[str, Any]) -> None:
    policy = props["PolicyDocument"]
    # Local S3 is plain http: keep only the statements that grant, not the TLS-only deny, and
    # of those the ones that mean something here (a grant to a CDN that is not local does not).
    statements = []
    for statement in policy["Statement"]:
        if statement["Effect"] != "Allow":
            continue
        try:
            statements.append(refs.resolve(statement))
        except Unresolvable:
            continue
    if statements:
        document = {"Version": policy.get("Version", "2012-10-17"), "Statement": statements}
        s3.put_bucket_policy(Bucket=refs.resolve(props["Bucket"]), Policy=json.dumps(document))


def _create_queues(sqs: Any, names: LocalNames, refs: Refs, template: cfn.Template) -> None:
    """Queues whose dead-letter queue exists go first, so every RedrivePolicy resolves."""
    pending = dict(template.resources("AWS::SQS::Queue"))
    while pending:
        ready = {
            logical_id: props
            for logical_id, props in pending.items()
            if _redrive_target(props) is None or _redrive_target(props) not in pending
        }
        if not ready:
            raise ValueError(f"queues whose dead-letter queues form a cycle: {sorted(pending)}")
        for logical_id, props in ready.items():
            del pending[logical_id]
            name = names.ref(logical_id)
            if props.get("FifoQueue") and not name.endswith(".fifo"):
                name += ".fifo"  # SQS requires the suffix on FIFO queues
            attributes = {key: _text(props[key]) for key in _QUEUE_ATTRIBUTES if key in props}
            if "RedrivePolicy" in props:
                attributes["RedrivePolicy"] = json.dumps(refs.resolve(props["RedrivePolicy"]))
            url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
            refs.values[logical_id] = url  # Ref of a queue is its URL
            refs.attributes[(logical_id, "QueueName")] = name
            refs.attributes[(logical_id, "QueueUrl")] = url
            refs.attributes[(logical_id, "Arn")] = f"arn:aws:sqs:{refs.region}:{ACCOUNT}:{name}"


def _redrive_target(props: dict[str, Any]) -> str | None:
    target = props.get("RedrivePolicy", {}).get("deadLetterTargetArn")
    if isinstance(target, dict) and "Fn::GetAtt" in target:
        return str(target["Fn::GetAtt"][0])
    return None


def _text(value: Any) -> str:
    """A property value as CloudFormation passes it on: a string, booleans in lower case."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def function_environment(function: cfn.Function, refs: Refs) -> dict[str, str]:
    """One function's variables (Globals, then its own), with intrinsics resolved locally.

    A value that cannot be resolved locally (a secret resolved at deploy time) is left out:
    the local platform sets its own value for it.
    """
    env: dict[str, str] = {}
    for key, value in function.environment.items():
        try:
            env[key] = _text(refs.resolve(value))
        except Unresolvable:
            continue
    return env
