"""What the security scanner cannot see: each skipped finding says why, and no secret is
resolved into a function's configuration."""

from __future__ import annotations

from typing import Any

from devplatform import template


def _resources() -> dict[str, dict[str, Any]]:
    resources: dict[str, dict[str, Any]] = template.load()["Resources"]
    return resources


def test_every_skipped_finding_gives_a_one_line_reason() -> None:
    skips = [
        (name, skip)
        for name, resource in _resources().items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]
    assert skips, "the template skips no finding: drop this test's premise"
    for name, skip in skips:
        reason = str(skip.get("comment", ""))
        assert skip["id"].startswith("CKV_"), (name, skip)
        assert len(reason) > 20 and "\n" not in reason, (name, skip)


def test_no_function_sees_a_secret_in_its_environment() -> None:
    for function in template.functions():
        for name, value in function.environment.items():
            assert "{{resolve:" not in str(value), (function.logical_id, name)
            assert name != "APP_SECRET", function.logical_id


def test_every_function_may_read_the_app_secret_and_only_that_secret() -> None:
    for name, props in template.resources("AWS::Serverless::Function").items():
        grants = [p for p in props["Policies"] if "AWSSecretsManagerGetSecretValuePolicy" in p]
        assert grants == [
            {"AWSSecretsManagerGetSecretValuePolicy": {"SecretArn": {"Ref": "AppSecret"}}}
        ], name


def test_badge_images_are_private_in_s3_and_served_with_the_stored_image_headers() -> None:
    from badgehub.domain.images import STORED_IMAGE_HEADERS

    resources = _resources()
    block = resources["PublicBucket"]["Properties"]["PublicAccessBlockConfiguration"]
    assert all(block.values()), block
    policy = resources["PublicBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert all(s["Principal"] != "*" for s in policy if s["Effect"] == "Allow"), policy
    headers = resources["ImagesHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
    csp = headers["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert csp == STORED_IMAGE_HEADERS["Content-Security-Policy"]
