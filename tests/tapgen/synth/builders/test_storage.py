"""The uploads bucket, its notifications, and the access-log bucket."""

from __future__ import annotations

from typing import Any

import pytest

from tapgen.settings import Settings
from tapgen.synth.builders.compute import logical_id
from tests.conftest import CONTRACT, Template, props
from tests.tapgen.synth.builders.helpers import STACK_KEY_ARN, statements, tls_deny_resources

BUCKETS = ("UploadsBucket", "AccessLogBucket")


def encryption_default(template: Template, logical_id: str) -> dict[str, Any]:
    rule = props(template["Resources"], logical_id)["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    return dict(rule["ServerSideEncryptionByDefault"], BucketKeyEnabled=rule.get("BucketKeyEnabled"))


def test_uploads_bucket_uses_stack_key_with_bucket_key(template: Template) -> None:
    assert encryption_default(template, "UploadsBucket") == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": STACK_KEY_ARN,
        "BucketKeyEnabled": True,
    }


def test_access_log_bucket_uses_sse_s3_because_logging_cannot_write_kms(template: Template) -> None:
    assert encryption_default(template, "AccessLogBucket")["SSEAlgorithm"] == "AES256"


@pytest.mark.parametrize("bucket", BUCKETS)
def test_bucket_blocks_all_public_access(template: Template, bucket: str) -> None:
    block = props(template["Resources"], bucket)["PublicAccessBlockConfiguration"]
    assert block == dict.fromkeys(
        ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"), True
    )


@pytest.mark.parametrize("bucket", BUCKETS)
def test_bucket_is_versioned_and_owner_enforced(template: Template, bucket: str) -> None:
    assert props(template["Resources"], bucket)["VersioningConfiguration"] == {"Status": "Enabled"}
    assert props(template["Resources"], bucket)["OwnershipControls"]["Rules"] == [
        {"ObjectOwnership": "BucketOwnerEnforced"}
    ]


def test_uploads_lifecycle_expires_noncurrent_versions_and_multipart(template: Template, settings: Settings) -> None:
    (rule,) = props(template["Resources"], "UploadsBucket")["LifecycleConfiguration"]["Rules"]
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": settings.noncurrent_version_expiry_days}
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}
    assert rule["Status"] == "Enabled"


def test_access_logs_expire(template: Template, settings: Settings) -> None:
    (rule,) = props(template["Resources"], "AccessLogBucket")["LifecycleConfiguration"]["Rules"]
    assert rule["ExpirationInDays"] == settings.access_log_expiry_days


def test_uploads_bucket_logs_to_access_log_bucket(template: Template) -> None:
    logging = props(template["Resources"], "UploadsBucket")["LoggingConfiguration"]
    assert logging["DestinationBucketName"] == {"Ref": "AccessLogBucket"}


def test_uploads_bucket_has_a_literal_name(template: Template) -> None:
    name = props(template["Resources"], "UploadsBucket")["BucketName"]
    assert name == {"Fn::Sub": "tap-${EnvironmentSuffix}-uploads-${AWS::AccountId}-${AWS::Region}"}


def test_browser_uploads_allowed_only_from_configured_origins(template: Template, settings: Settings) -> None:
    (rule,) = props(template["Resources"], "UploadsBucket")["CorsConfiguration"]["CorsRules"]
    assert rule["AllowedOrigins"] == list(settings.api.cors_origins)
    assert set(rule["AllowedMethods"]) == {"GET", "POST"}


def notification_routes(template: Template) -> dict[str, str]:
    """suffix → processor logical id, with every rule checked for event and prefix."""
    routes = {}
    for config in props(template["Resources"], "UploadsBucket")["NotificationConfiguration"]["LambdaConfigurations"]:
        assert config["Event"] == "s3:ObjectCreated:*"
        rules = {r["Name"]: r["Value"] for r in config["Filter"]["S3Key"]["Rules"]}
        assert rules["prefix"] == CONTRACT.UPLOAD_PREFIX
        routes[rules["suffix"]] = config["Function"]["Fn::GetAtt"][0]
    return routes


def test_each_suffix_routes_to_its_kinds_processor(template: Template) -> None:
    expected = {
        suffix: f"{kind.capitalize()}Function"
        for kind, suffixes in CONTRACT.KIND_SUFFIXES.items()
        for suffix in suffixes
    }
    assert notification_routes(template) == expected
    assert set(expected) == set(CONTRACT.CONTENT_TYPES)  # every suffix a caller may upload is processed


def test_suffix_filters_do_not_overlap(template: Template) -> None:
    suffixes = list(notification_routes(template))
    overlapping = [(a, b) for a in suffixes for b in suffixes if a != b and a.endswith(b)]
    assert overlapping == []


def test_bucket_waits_for_the_invoke_permissions(template: Template) -> None:
    depends = template["Resources"]["UploadsBucket"]["DependsOn"]
    assert sorted(depends) == sorted(logical_id(fn.name, "S3Permission") for fn in CONTRACT.PROCESSORS)


@pytest.mark.parametrize(
    ("policy", "bucket"), [("UploadsBucketPolicy", "UploadsBucket"), ("AccessLogBucketPolicy", "AccessLogBucket")]
)
def test_bucket_policy_denies_insecure_transport_on_bucket_and_objects(
    template: Template, policy: str, bucket: str
) -> None:
    resource = template["Resources"][policy]["Properties"]
    assert resource["Bucket"] == {"Ref": bucket}
    covered = [str(r) for r in tls_deny_resources(resource["PolicyDocument"])]
    assert len(covered) == 2
    assert any(r.endswith("/*'}") or "/*" in r for r in covered)


def test_only_s3_logging_of_the_uploads_bucket_in_this_account_may_write_logs(template: Template) -> None:
    document = template["Resources"]["AccessLogBucketPolicy"]["Properties"]["PolicyDocument"]
    (allow,) = [s for s in statements(document) if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert allow["Action"] == ["s3:PutObject"]
    assert allow["Condition"]["ArnLike"]["aws:SourceArn"] == {
        "Fn::Sub": "arn:${AWS::Partition}:s3:::tap-${EnvironmentSuffix}-uploads-${AWS::AccountId}-${AWS::Region}"
    }
    assert allow["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
