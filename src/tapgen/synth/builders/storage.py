"""The uploads bucket (SSE-KMS, notifications by suffix) and the access-log bucket it logs to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from troposphere import AWSHelperFn, GetAtt, Ref, Sub, s3

from tapgen.settings import Settings
from tapgen.synth.checkov import skip_checkov
from tapgen.synth.naming import (
    access_log_bucket_name_sub,
    apply_retention,
    bucket_arn,
    standard_tags,
    uploads_bucket_name_sub,
)
from tapgen.synth.statements import allow_service_on_behalf_of, deny_insecure_transport, document

UPLOADS_BUCKET = "UploadsBucket"
UPLOADS_BUCKET_POLICY = "UploadsBucketPolicy"
ACCESS_LOG_BUCKET = "AccessLogBucket"
ACCESS_LOG_BUCKET_POLICY = "AccessLogBucketPolicy"
ABORT_MULTIPART_DAYS = 7
UPLOAD_CORS_MAX_AGE_SECONDS = 3000


def block_all_public_access() -> s3.PublicAccessBlockConfiguration:
    return s3.PublicAccessBlockConfiguration(
        BlockPublicAcls=True, BlockPublicPolicy=True, IgnorePublicAcls=True, RestrictPublicBuckets=True
    )


def bucket_owner_enforced() -> s3.OwnershipControls:
    return s3.OwnershipControls(Rules=[s3.OwnershipControlsRule(ObjectOwnership="BucketOwnerEnforced")])


def access_log_bucket(settings: Settings) -> s3.Bucket:
    """Receives the uploads bucket's server access logs; SSE-S3 because S3 logging cannot write SSE-KMS."""
    bucket = private_bucket(
        settings,
        ACCESS_LOG_BUCKET,
        access_log_bucket_name_sub(settings),
        s3.ServerSideEncryptionRule(
            ServerSideEncryptionByDefault=s3.ServerSideEncryptionByDefault(SSEAlgorithm="AES256")
        ),
        lifecycle(
            "ExpireAccessLogs",
            settings.access_log_expiry_days,
            ExpirationInDays=settings.access_log_expiry_days,
        ),
    )
    reason = (
        "This is the access-log bucket: logging its own access would loop, "
        "and logging it elsewhere needs a third bucket."
    )
    return apply_retention(skip_checkov(bucket, {"CKV_AWS_18": reason}), settings)


def access_log_bucket_policy(settings: Settings, bucket: s3.Bucket) -> s3.BucketPolicy:
    """S3 logging may write, but only the uploads bucket's logs from this account; TLS only."""
    logs = bucket_arn(access_log_bucket_name_sub(settings), "/*")
    return s3.BucketPolicy(
        ACCESS_LOG_BUCKET_POLICY,
        Bucket=Ref(bucket),
        PolicyDocument=document(
            allow_service_on_behalf_of(
                "S3ServerAccessLogsFromUploadsBucket",
                ["s3:PutObject"],
                [logs],
                service="logging.s3.amazonaws.com",
                source_arn=bucket_arn(uploads_bucket_name_sub(settings)),
            ),
            deny_insecure_transport("s3:*", [GetAtt(bucket, "Arn"), logs]),
        ),
    )


def uploads_bucket(
    settings: Settings,
    key_arn: AWSHelperFn,
    log_bucket: s3.Bucket,
    processor_arns: Mapping[str, AWSHelperFn],
    suffixes: Mapping[str, Sequence[str]],
    prefix: str,
) -> s3.Bucket:
    """Versioned, KMS-encrypted, private; each new object under `prefix` goes to its kind's processor."""
    bucket = private_bucket(
        settings,
        UPLOADS_BUCKET,
        uploads_bucket_name_sub(settings),
        s3.ServerSideEncryptionRule(
            BucketKeyEnabled=True,
            ServerSideEncryptionByDefault=s3.ServerSideEncryptionByDefault(
                SSEAlgorithm="aws:kms", KMSMasterKeyID=key_arn
            ),
        ),
        lifecycle("ExpireNoncurrentVersions", settings.noncurrent_version_expiry_days),
        LoggingConfiguration=s3.LoggingConfiguration(
            DestinationBucketName=Ref(log_bucket), LogFilePrefix="uploads-bucket/"
        ),
        CorsConfiguration=upload_cors(settings),
        NotificationConfiguration=s3.NotificationConfiguration(
            LambdaConfigurations=processor_notifications(processor_arns, suffixes, prefix)
        ),
    )
    return apply_retention(bucket, settings)


def private_bucket(
    settings: Settings,
    logical_id: str,
    name_sub: str,
    encryption: s3.ServerSideEncryptionRule,
    expiry: s3.LifecycleConfiguration,
    **specific: object,
) -> s3.Bucket:
    """What every TAP bucket is: named, encrypted by default, versioned, private, owned by the account, tagged."""
    return s3.Bucket(
        logical_id,
        BucketName=Sub(name_sub),
        BucketEncryption=s3.BucketEncryption(ServerSideEncryptionConfiguration=[encryption]),
        VersioningConfiguration=s3.VersioningConfiguration(Status="Enabled"),
        PublicAccessBlockConfiguration=block_all_public_access(),
        OwnershipControls=bucket_owner_enforced(),
        LifecycleConfiguration=expiry,
        Tags=standard_tags(settings),
        **specific,
    )


def lifecycle(rule_id: str, noncurrent_days: int, **expiration: object) -> s3.LifecycleConfiguration:
    """One rule: old versions expire after `noncurrent_days`, unfinished uploads after ABORT_MULTIPART_DAYS."""
    return s3.LifecycleConfiguration(
        Rules=[
            s3.LifecycleRule(
                Id=rule_id,
                Status="Enabled",
                **expiration,
                NoncurrentVersionExpiration=s3.NoncurrentVersionExpiration(NoncurrentDays=noncurrent_days),
                AbortIncompleteMultipartUpload=s3.AbortIncompleteMultipartUpload(
                    DaysAfterInitiation=ABORT_MULTIPART_DAYS
                ),
            )
        ]
    )


def upload_cors(settings: Settings) -> s3.CorsConfiguration:
    """Browsers upload with the presigned POST and fetch with the presigned GET."""
    return s3.CorsConfiguration(
        CorsRules=[
            s3.CorsRules(
                Id="BrowserUploads",
                AllowedMethods=["GET", "POST"],
                AllowedOrigins=list(settings.api.cors_origins),
                AllowedHeaders=["content-type", "content-length"],
                ExposedHeaders=["ETag"],
                MaxAge=UPLOAD_CORS_MAX_AGE_SECONDS,
            )
        ]
    )


def processor_notifications(
    processor_arns: Mapping[str, AWSHelperFn], suffixes: Mapping[str, Sequence[str]], prefix: str
) -> list[s3.LambdaConfigurations]:
    """One rule per suffix: S3 filters take one prefix and one suffix, and must not overlap."""
    return [
        s3.LambdaConfigurations(
            Event="s3:ObjectCreated:*",
            Function=processor_arns[kind],
            Filter=s3.Filter(
                S3Key=s3.S3Key(Rules=[s3.Rules(Name="prefix", Value=prefix), s3.Rules(Name="suffix", Value=suffix)])
            ),
        )
        for kind in sorted(suffixes)
        for suffix in suffixes[kind]
    ]


def uploads_bucket_policy(settings: Settings, bucket: s3.Bucket) -> s3.BucketPolicy:
    name = uploads_bucket_name_sub(settings)
    return s3.BucketPolicy(
        UPLOADS_BUCKET_POLICY,
        Bucket=Ref(bucket),
        PolicyDocument=document(deny_insecure_transport("s3:*", [bucket_arn(name), bucket_arn(name, "/*")])),
    )
