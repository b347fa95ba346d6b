"""Every table, bucket and queue of a template, from its own properties; per-function variables."""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from devplatform import resources, template
from tests.e2e.conftest import FIXTURE_TEMPLATE

NAMES = resources.LocalNames(prefix="t")


@pytest.fixture
def local_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield


def test_queues_are_made_dead_letter_queue_first_with_their_redrive_policy(local_aws: None) -> None:
    refs = resources.create_all(NAMES, template=template.read(FIXTURE_TEMPLATE))
    sqs = boto3.client("sqs", region_name="us-east-1")
    jobs = sqs.get_queue_attributes(QueueUrl=refs.ref("Jobs"), AttributeNames=["All"])["Attributes"]
    assert jobs["VisibilityTimeout"] == "1"
    assert json.loads(jobs["RedrivePolicy"]) == {
        "deadLetterTargetArn": refs.get_att("JobsDead", "Arn"),
        "maxReceiveCount": 2,
    }
    dead = sqs.get_queue_attributes(QueueUrl=refs.ref("JobsDead"), AttributeNames=["All"])
    assert dead["Attributes"]["MessageRetentionPeriod"] == "1209600"
    assert refs.get_att("JobsDead", "Arn") == dead["Attributes"]["QueueArn"]
    buckets = [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]]
    assert buckets == [NAMES.ref("Records")]


def test_each_function_gets_globals_and_its_own_variables_resolved(local_aws: None) -> None:
    source = template.read(FIXTURE_TEMPLATE)
    refs = resources.create_all(NAMES, template=source)
    functions = {f.logical_id: f for f in source.functions()}
    probe = resources.function_environment(functions["ProbeFunction"], refs)
    other = resources.function_environment(functions["OtherFunction"], refs)
    assert probe == {
        "SHARED": "everyone",
        "RECORDS_BUCKET": NAMES.ref("Records"),
        "ONLY_PROBE": "probe-value",
        "JOBS_QUEUE": refs.ref("Jobs"),
        "JOBS_ARN": refs.get_att("Jobs", "Arn"),
    }
    assert other == {
        "SHARED": "everyone",
        "RECORDS_BUCKET": NAMES.ref("Records"),
        "ONLY_OTHER": "other-value",
    }


def test_the_deployed_template_keeps_its_table_settings_and_leaves_deploy_time_secrets_out(
    local_aws: None,
) -> None:
    refs = resources.create_all(
        NAMES, parameters={"PublicBaseUrl": "https://x", "AdminApiKeyHash": "0" * 64}
    )
    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    ttl = dynamodb.describe_time_to_live(TableName=NAMES.table)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expires_at"
    issue = next(f for f in template.functions() if f.logical_id == "IssueFunction")
    env = resources.function_environment(issue, refs)
    assert env["TABLE_NAME"] == NAMES.table
    assert env["PUBLIC_BASE_URL"] == "https://x"
    assert env["POWERTOOLS_SERVICE_NAME"] == "issue"
    assert "CURSOR_SECRET" not in env  # a Secrets Manager reference: the platform sets its own
    verify = next(f for f in template.functions() if f.logical_id == "VerifyFunction")
    assert "ADMIN_API_KEY_HASH" not in resources.function_environment(verify, refs)


def test_intrinsics_resolve_locally() -> None:
    refs = resources.Refs(values={"Bucket": "b"}, attributes={("Bucket", "Arn"): "arn:aws:s3:::b"})
    assert refs.resolve({"Fn::Sub": "${Bucket.Arn}/*"}) == "arn:aws:s3:::b/*"
    assert refs.resolve({"Fn::Sub": "arn:${AWS::Partition}:kms:${AWS::Region}:x"}) == (
        "arn:aws:kms:us-east-1:x"
    )
    assert refs.resolve({"Fn::Sub": ["${Name}-x", {"Name": {"Ref": "Bucket"}}]}) == "b-x"
    with pytest.raises(resources.Unresolvable):
        refs.resolve({"Fn::Sub": "{{resolve:secretsmanager:${Bucket}:SecretString}}"})
    with pytest.raises(resources.Unresolvable):
        refs.resolve({"Ref": "Elsewhere"})
