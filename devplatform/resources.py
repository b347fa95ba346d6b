"""Creates the template's table and buckets with boto3 from their own properties.

moto's CloudFormation drops TTL and key specs, so we never go through it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import boto3

from . import template


@dataclass(frozen=True)
class LocalNames:
    """Physical names for the template's logical resources."""

    table: str
    public_bucket: str

    def ref(self, logical_id: str) -> str:
        return {"Table": self.table, "PublicBucket": self.public_bucket}[logical_id]


DEFAULT_NAMES = LocalNames(table="badgehub-local", public_bucket="badgehub-public-local")
_TABLE_KEYS = (
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "BillingMode",
    "SSESpecification",
)


def create_all(names: LocalNames = DEFAULT_NAMES, region: str = "us-east-1") -> None:
    create_table(names, region)
    create_public_bucket(names, region)


def create_table(names: LocalNames, region: str) -> None:
    props = template.resources("AWS::DynamoDB::Table")["Table"]
    client = boto3.client("dynamodb", region_name=region)
    kwargs: dict[str, Any] = {key: props[key] for key in _TABLE_KEYS if key in props}
    if "SSESpecification" in kwargs:  # CloudFormation spells the API's `Enabled` as `SSEEnabled`
        kwargs["SSESpecification"] = {"Enabled": kwargs["SSESpecification"]["SSEEnabled"]}
    client.create_table(TableName=names.table, **kwargs)
    client.get_waiter("table_exists").wait(TableName=names.table)
    ttl = props.get("TimeToLiveSpecification")
    if ttl:
        client.update_time_to_live(TableName=names.table, TimeToLiveSpecification=ttl)
    if props.get("PointInTimeRecoverySpecification"):
        client.update_continuous_backups(
            TableName=names.table,
            PointInTimeRecoverySpecification=props["PointInTimeRecoverySpecification"],
        )


def create_public_bucket(names: LocalNames, region: str) -> None:
    s3 = boto3.client("s3", region_name=region)
    s3.create_bucket(Bucket=names.public_bucket)
    props = template.resources("AWS::S3::Bucket")["PublicBucket"]
    if "CorsConfiguration" in props:
        rules = props["CorsConfiguration"][
            "CorsRules"
        ]  # CloudFormation: CorsRules; S3 API: CORSRules
        s3.put_bucket_cors(
            Bucket=names.public_bucket,
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
    policy = template.resources("AWS::S3::BucketPolicy")["PublicBucketPolicy"]["PolicyDocument"]
    # Local S3 is plain http: keep only the statements that grant, not the TLS-only deny.
    statements = [
        _resolve(statement, names)
        for statement in policy["Statement"]
        if statement["Effect"] == "Allow"
    ]
    document = {"Version": policy["Version"], "Statement": statements}
    s3.put_bucket_policy(Bucket=names.public_bucket, Policy=json.dumps(document))


def _resolve(value: Any, names: LocalNames) -> Any:
    """Resolves the few intrinsics the template uses in resource properties."""
    if isinstance(value, dict):
        if set(value) == {"Ref"}:
            return names.ref(value["Ref"])
        if set(value) == {"Fn::Sub"}:
            text = str(value["Fn::Sub"])
            for logical in ("Table", "PublicBucket"):
                text = text.replace(f"${{{logical}.Arn}}", _arn(logical, names))
                text = text.replace(f"${{{logical}}}", names.ref(logical))
            return text
        if set(value) == {"Fn::GetAtt"}:
            return _arn(value["Fn::GetAtt"][0], names)
        return {key: _resolve(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item, names) for item in value]
    return value


def _arn(logical_id: str, names: LocalNames) -> str:
    if logical_id == "PublicBucket":
        return f"arn:aws:s3:::{names.public_bucket}"
    return f"arn:aws:dynamodb:us-east-1:123456789012:table/{names.table}"


def function_environment(names: LocalNames, parameters: dict[str, str]) -> dict[str, str]:
    """The union of every function's environment, with Refs resolved to local values."""
    env: dict[str, str] = {}
    for function in template.functions():
        for key, value in function.environment.items():
            if isinstance(value, dict) and "Ref" in value:
                ref = value["Ref"]
                env[key] = parameters[ref] if ref in parameters else names.ref(ref)
            elif isinstance(value, dict):
                continue  # resolved at deploy time (secrets); the local platform sets its own
            else:
                env[key] = str(value)
    env.pop("POWERTOOLS_SERVICE_NAME", None)
    return env
