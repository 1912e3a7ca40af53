"""The limits of tapgen.toml: where it is and how big it may be, the values AWS accepts, and the patterns
settings must match. `MAX_SUFFIX_LENGTH` stays in `names.py` with the name formulas it limits."""

from __future__ import annotations

from pathlib import Path

from tapgen.settings.names import MAX_SUFFIX_LENGTH

DEFAULT_CONFIG = Path("tapgen.toml")
LAMBDAS_DIR = "lambdas"  # beside tapgen.toml
# A settings file is a few kilobytes; these bound what a wrong or hostile file can cost.
CONFIG_BYTES_LIMIT = 1024 * 1024
CONFIG_DEPTH_LIMIT = 16

# Values CloudFormation accepts for AWS::Logs::LogGroup RetentionInDays: troposphere's list, copied so that loading
# settings never imports troposphere (a test keeps the two equal).
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip
SUPPORTED_RUNTIMES = ("python3.13", "python3.14")
ENV_NAME_PATTERN = rf"^[a-z][a-z0-9-]{{0,{MAX_SUFFIX_LENGTH - 1}}}$"
REGION_PATTERN = r"[a-z]{2}(-gov)?-[a-z]{1,12}-[0-9]{1,2}"
# The regions an environment's `regions` list takes, by partition: botocore's endpoint data for CloudFormation
# (boto3 Session.get_available_regions), copied so that loading settings never imports botocore (a test keeps
# this a subset of botocore's, partition by partition). Only partitions tapgen's ARNs and endpoints know.
KNOWN_REGIONS = {
    "aws": (
        "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
        "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
        "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2",
        "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1",
        "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1",
        "us-west-2",
    ),
    "aws-cn": ("cn-north-1", "cn-northwest-1"),
    "aws-us-gov": ("us-gov-east-1", "us-gov-west-1"),
}  # fmt: skip
MAX_REGIONS = 20  # per environment: a rollout of more is a StackSet's job (README: several regions)
# S3's bucket-name rule, as the ArtifactBucket parameter and --bucket take it.
BUCKET_NAME_PATTERN = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"
RESERVED_TAG_KEYS = ("Project", "Environment", "ManagedBy")
MAX_TAGS_PER_RESOURCE = 50  # every taggable AWS resource tapgen creates
MAX_JWT_AUDIENCES = 50  # HTTP API: audiences per authorizer
# How long API Gateway may wait for an integration, by API flavour, the one place these limits are named:
# HTTP APIs: 30 s ("Maximum integration timeout", API Gateway quotas for HTTP APIs, developerguide/http-api-quotas);
# REST APIs: 50 ms to 29 s by default ("Integration timeout", API Gateway quotas, developerguide/limits; Regional
# and private REST APIs may raise it on request, which tapgen does not assume).
INTEGRATION_TIMEOUT_CAP_MS = {"http": 30000, "rest": 29000}
ALARM_PERIOD_SECONDS = 300  # every alarm judges one period of this length
UNRESERVED_CONCURRENCY_MINIMUM = 100  # Lambda keeps this much of the account's concurrency unreserved
# Lambda waits 1 minute before an asynchronous event's first retry and 2 more before its second:
# the total wait, indexed by retry_attempts.
ASYNC_RETRY_WAITS_SECONDS = (0, 60, 180)
SHOWN_VALUE_CHARACTERS = 60  # of a value quoted in a problem
COGNITO_USER_POOL_ARN = (
    r"arn:aws[a-z-]*:cognito-idp:[a-z]{2}(-gov)?-[a-z]+-[0-9]:[0-9]{12}:userpool/[\w-]+_[0-9A-Za-z]+"
)
