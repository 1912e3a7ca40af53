"""The functions of the Lambda contract: each with its own role, log group and, for processors, failure routing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from awacs.aws import Statement
from troposphere import AWSHelperFn, GetAtt, Ref, Sub, awslambda, dynamodb, iam, logs, secretsmanager, sqs

from tapgen.code.contract import FunctionContract
from tapgen.code.digests import CodeAddress
from tapgen.settings import Settings
from tapgen.synth.builders.log_groups import encrypted_log_group
from tapgen.synth.checkov import skip_checkov
from tapgen.synth.naming import (
    ARTIFACT_BUCKET,
    bucket_arn,
    function_name,
    lambda_log_group_name_sub,
    role_name_sub,
    standard_tags,
)
from tapgen.synth.statements import allow, document, trust_policy

XRAY_ACTIONS = ("xray:PutTraceSegments", "xray:PutTelemetryRecords")
OUTSIDE_VPC = (
    "The functions call only AWS APIs (S3, DynamoDB, Secrets Manager, KMS, X-Ray) over TLS with IAM auth; "
    "a VPC would add NAT or endpoint cost and cold-start latency without closing any network path."
)
SYNCHRONOUS_ONLY = (
    "Invoked only synchronously by the HTTP API, which receives every error; a DeadLetterConfig applies "
    "to asynchronous invocations and would never receive a message."
)
ON_FAILURE_DESTINATION = (
    "Failed asynchronous events go to the dead-letter queue through the EventInvokeConfig on-failure "
    "destination, which records the event with its error; a DeadLetterConfig would be a second copy."
)


def logical_id(function: str, kind: str) -> str:
    """`ApiFunction`, `ImageRole`, `DataLogGroup`: one stable id per function and resource kind."""
    return f"{function.capitalize()}{kind}"


class SharedResources(NamedTuple):
    """What the functions read and write; role policies are scoped to exactly these."""

    key_arn: AWSHelperFn
    table: dynamodb.Table
    owner_index: str
    uploads_bucket_name_sub: str
    upload_prefix: str
    secret: secretsmanager.Secret
    dead_letter_queue: sqs.Queue

    @property
    def table_arn(self) -> GetAtt:
        return GetAtt(self.table, "Arn")

    @property
    def owner_index_arn(self) -> Sub:
        return Sub(f"${{{self.table.title}.Arn}}/index/{self.owner_index}")

    @property
    def uploaded_objects_arn(self) -> Sub:
        return bucket_arn(self.uploads_bucket_name_sub, f"/{self.upload_prefix}*")


def log_group(settings: Settings, function: str, key_arn: AWSHelperFn) -> logs.LogGroup:
    name_sub = lambda_log_group_name_sub(settings, function)
    return encrypted_log_group(settings, logical_id(function, "LogGroup"), name_sub, key_arn)


def api_statements(shared: SharedResources) -> list[Statement]:
    """Create and read its callers' items, presign uploads and downloads, read the cursor secret."""
    return [
        allow("ReadWriteFileItems", ["dynamodb:GetItem", "dynamodb:PutItem"], [shared.table_arn]),
        allow("ListFilesByOwner", ["dynamodb:Query"], [shared.owner_index_arn]),
        allow("PresignUploadsAndDownloads", ["s3:GetObject", "s3:PutObject"], [shared.uploaded_objects_arn]),
        allow("ReadCursorSigningSecret", ["secretsmanager:GetSecretValue"], [Ref(shared.secret)]),
        allow("UseStackKey", ["kms:Decrypt", "kms:GenerateDataKey"], [shared.key_arn]),
    ]


def processor_statements(shared: SharedResources) -> list[Statement]:
    """Read a bounded prefix of uploads, record results, and hand failed events to the dead-letter queue."""
    return [
        allow("ReadUploadedObjects", ["s3:GetObject", "s3:GetObjectVersion"], [shared.uploaded_objects_arn]),
        # Without ListBucket, S3 answers a GET of a deleted object with 403 instead of 404, and the
        # processor could not record the upload as FAILED (it would retry into the dead-letter queue).
        allow("TellMissingUploadsApart", ["s3:ListBucket"], [bucket_arn(shared.uploads_bucket_name_sub)]),
        allow(
            "RecordProcessingResults",
            ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
            [shared.table_arn],
        ),
        allow("SendFailedEvents", ["sqs:SendMessage"], [GetAtt(shared.dead_letter_queue, "Arn")]),
        allow("UseStackKey", ["kms:Decrypt", "kms:GenerateDataKey"], [shared.key_arn]),
    ]


def function_role(settings: Settings, function: str, group: logs.LogGroup, statements: Sequence[Statement]) -> iam.Role:
    """An inline-only role: its own log group, X-Ray, and the given statements."""
    runtime_statements = [
        allow("WriteOwnLogGroup", ["logs:CreateLogStream", "logs:PutLogEvents"], [GetAtt(group, "Arn")]),
        # X-Ray trace segments have no resource ARN: this is the one place "*" is allowed.
        allow("WriteTraces", XRAY_ACTIONS, ["*"]),
    ]
    return iam.Role(
        logical_id(function, "Role"),
        RoleName=Sub(role_name_sub(settings, function)),
        Description=f"Runs the {function} function of {settings.project}.",
        AssumeRolePolicyDocument=trust_policy("lambda.amazonaws.com"),
        Policies=[
            iam.Policy(
                PolicyName=f"{function}-function",
                PolicyDocument=document(*runtime_statements, *statements),
            )
        ],
        Tags=standard_tags(settings),
    )


def lambda_function(
    settings: Settings,
    spec: FunctionContract,
    code: CodeAddress,
    role: iam.Role,
    group: logs.LogGroup,
    key_arn: AWSHelperFn,
    environment: Mapping[str, object],
    *,
    asynchronous: bool,
) -> awslambda.Function:
    """Traced, arm64 by default, KMS-encrypted environment, JSON logs into its own log group."""
    sizing = settings.functions[spec.name]
    function = awslambda.Function(
        logical_id(spec.name, "Function"),
        FunctionName=function_name(settings, spec.name),
        Description=f"TAP {spec.name} function",
        Runtime=settings.runtime,
        Architectures=[settings.architecture],
        Handler=spec.handler,
        Code=awslambda.Code(S3Bucket=Ref(ARTIFACT_BUCKET), S3Key=code.s3_key),
        Role=GetAtt(role, "Arn"),
        MemorySize=sizing.memory_mb,
        Timeout=sizing.timeout_seconds,
        ReservedConcurrentExecutions=sizing.reserved_concurrency,
        TracingConfig=awslambda.TracingConfig(Mode="Active"),
        KmsKeyArn=key_arn,
        Environment=awslambda.Environment(Variables=dict(environment)),
        LoggingConfig=awslambda.LoggingConfig(
            LogGroup=Ref(group), LogFormat="JSON", ApplicationLogLevel="INFO", SystemLogLevel="WARN"
        ),
        Tags=standard_tags(settings),
    )
    failures = ON_FAILURE_DESTINATION if asynchronous else SYNCHRONOUS_ONLY
    return skip_checkov(function, {"CKV_AWS_116": failures, "CKV_AWS_117": OUTSIDE_VPC})


def failure_routing(
    settings: Settings, function: awslambda.Function, name: str, queue: sqs.Queue
) -> awslambda.EventInvokeConfig:
    """Retry asynchronous events, then send them to the dead-letter queue."""
    return awslambda.EventInvokeConfig(
        logical_id(name, "EventInvokeConfig"),
        FunctionName=Ref(function),
        Qualifier="$LATEST",
        MaximumRetryAttempts=settings.processing.retry_attempts,
        MaximumEventAgeInSeconds=settings.processing.max_event_age_seconds,
        DestinationConfig=awslambda.DestinationConfig(OnFailure=awslambda.OnFailure(Destination=GetAtt(queue, "Arn"))),
    )


def s3_invoke_permission(function: awslambda.Function, name: str, bucket_name_sub: str) -> awslambda.Permission:
    """Only the uploads bucket, in this account, may invoke the processor."""
    return awslambda.Permission(
        logical_id(name, "S3Permission"),
        Action="lambda:InvokeFunction",
        FunctionName=GetAtt(function, "Arn"),
        Principal="s3.amazonaws.com",
        SourceArn=bucket_arn(bucket_name_sub),
        SourceAccount=Ref("AWS::AccountId"),
    )
