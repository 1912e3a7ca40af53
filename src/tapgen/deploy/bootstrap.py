"""The artifact bucket a region's deploys upload to, made as CDK's bootstrap makes its own: versioned, encrypted,
TLS-only, closed to the public, old artifacts expired. An existing bucket is checked, never changed."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tapgen.errors import DeployError

NONCURRENT_DAYS = 30  # an artifact replaced by a newer upload of the same key is kept this long
ABORT_MULTIPART_DAYS = 7
PUBLIC_ACCESS_BLOCK = dict.fromkeys(
    ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True
)
LIFECYCLE_RULE_ID = "tapgen-expire-old-artifacts"


def ensure_artifact_bucket(s3: Any, bucket: str, region: str) -> tuple[bool, list[str]]:
    """Create `bucket` in `region` when it does not exist (True), else check it (False); and what it lacks."""
    location = _location(s3, bucket)
    if location is None:
        _create(s3, bucket, region)
        return True, lacking(s3, bucket)
    if location != region:
        raise DeployError(f"bucket {bucket} exists in {location}, not in {region}: a region's deploys need their own")
    return False, lacking(s3, bucket)


def lacking(s3: Any, bucket: str) -> list[str]:
    """What an artifact bucket lacks of the bootstrap's settings (empty: nothing)."""
    return [what for what, has in CHECKS.items() if not has(s3, bucket)]


def policy(bucket: str) -> dict[str, Any]:
    """Deny every request that does not use TLS, on the bucket and its objects."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


def _create(s3: Any, bucket: str, region: str) -> None:
    configuration = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=bucket, **configuration)
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=PUBLIC_ACCESS_BLOCK)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}]
        },
    )
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy(bucket)))
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": LIFECYCLE_RULE_ID,
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": NONCURRENT_DAYS},
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": ABORT_MULTIPART_DAYS},
                }
            ]
        },
    )


def _location(s3: Any, bucket: str) -> str | None:
    """The bucket's region, or None when no such bucket exists; another account's bucket is an error."""
    from botocore.exceptions import ClientError

    try:
        answer = s3.get_bucket_location(Bucket=bucket)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in ("NoSuchBucket", "404"):
            return None
        if code in ("AccessDenied", "403", "AllAccessDisabled"):
            raise DeployError(f"bucket {bucket} exists but is not this account's (S3 answered {code})") from None
        raise
    return str(answer.get("LocationConstraint") or "us-east-1")


def _answer(call: Callable[[], Any], missing: tuple[str, ...]) -> Any:
    """A Get call's answer, or None when S3 says the configuration is not there."""
    from botocore.exceptions import ClientError

    try:
        return call()
    except ClientError as error:
        if error.response.get("Error", {}).get("Code", "") in missing:
            return None
        raise


def _versioned(s3: Any, bucket: str) -> bool:
    return bool(s3.get_bucket_versioning(Bucket=bucket).get("Status") == "Enabled")


def _encrypted(s3: Any, bucket: str) -> bool:
    answer = _answer(
        lambda: s3.get_bucket_encryption(Bucket=bucket), ("ServerSideEncryptionConfigurationNotFoundError",)
    )
    return bool(answer and answer["ServerSideEncryptionConfiguration"]["Rules"])


def _private(s3: Any, bucket: str) -> bool:
    answer = _answer(lambda: s3.get_public_access_block(Bucket=bucket), ("NoSuchPublicAccessBlockConfiguration",))
    return bool(answer) and all(answer["PublicAccessBlockConfiguration"].get(flag) for flag in PUBLIC_ACCESS_BLOCK)


def _tls_only(s3: Any, bucket: str) -> bool:
    answer = _answer(lambda: s3.get_bucket_policy(Bucket=bucket), ("NoSuchBucketPolicy",))
    if not answer:
        return False
    statements = json.loads(answer["Policy"]).get("Statement", [])
    return any(
        s.get("Effect") == "Deny" and "aws:SecureTransport" in json.dumps(s.get("Condition", {}))
        for s in (statements if isinstance(statements, list) else [statements])
    )


def _expires_old_artifacts(s3: Any, bucket: str) -> bool:
    answer = _answer(lambda: s3.get_bucket_lifecycle_configuration(Bucket=bucket), ("NoSuchLifecycleConfiguration",))
    rules = answer.get("Rules", []) if answer else []
    return any(rule.get("Status") == "Enabled" and "NoncurrentVersionExpiration" in rule for rule in rules)


CHECKS: dict[str, Callable[[Any, str], bool]] = {
    "versioning": _versioned,
    "default encryption": _encrypted,
    "public access block (all four)": _private,
    "a policy denying requests without TLS": _tls_only,
    "a lifecycle rule expiring old artifact versions": _expires_old_artifacts,
}
