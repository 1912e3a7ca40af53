"""Physical names, ARNs and tags, derived from the settings and the `EnvironmentSuffix` parameter.

Names are literal `Fn::Sub` strings rather than `GetAtt`s wherever a reference would close a
dependency cycle (bucket notification → function → role policy → bucket). A function named `*_sub` returns
such a string (with `${...}` references) for embedding in a larger `Sub`; wrap it in `Sub()` to use it alone.
"""

from __future__ import annotations

from troposphere import AWSObject, Ref, Sub, Tags

from tapgen.config import MAX_SUFFIX_LENGTH, Settings

ARTIFACT_BUCKET = "ArtifactBucket"
ENVIRONMENT_SUFFIX = "EnvironmentSuffix"
MANAGED_BY = "tapgen"


def name_prefix(settings: Settings) -> str:
    """`{project}-${EnvironmentSuffix}`: the stem of every physical name, as a Sub template."""
    return f"{settings.project}-${{{ENVIRONMENT_SUFFIX}}}"


def physical_name(settings: Settings, *parts: str) -> Sub:
    return Sub("-".join([name_prefix(settings), *parts]))


def function_name(settings: Settings, function: str) -> Sub:
    return physical_name(settings, function)


def function_name_sub(settings: Settings, function: str) -> str:
    """The function name as a Sub template string, for building other Sub strings."""
    return f"{name_prefix(settings)}-{function}"


def uploads_bucket_name_sub(settings: Settings) -> str:
    return _bucket_name_sub(settings, "uploads")


def access_log_bucket_name_sub(settings: Settings) -> str:
    return _bucket_name_sub(settings, "logs")


def _bucket_name_sub(settings: Settings, purpose: str) -> str:
    """Bucket names are global across accounts and regions, so both are part of them."""
    return f"{name_prefix(settings)}-{purpose}-${{AWS::AccountId}}-${{AWS::Region}}"


def role_name_sub(settings: Settings, function: str) -> str:
    """IAM role names are global to the account, so the region is part of them."""
    return f"{function_name_sub(settings, function)}-${{AWS::Region}}"


def longest_names(settings: Settings, functions: tuple[str, ...]) -> list[tuple[str, str, int]]:
    """(what, longest possible name, AWS's limit) of each name that grows with the region: the names
    as the longest suffix (`EnvironmentSuffix` allows MAX_SUFFIX_LENGTH characters) and any account make them."""
    names = [
        ("uploads bucket", uploads_bucket_name_sub(settings), 63),
        ("access-log bucket", access_log_bucket_name_sub(settings), 63),
        *((f"{function} function's role", role_name_sub(settings, function), 64) for function in functions),
    ]
    return [(what, _longest(text, settings.region), limit) for what, text, limit in names]


def _longest(sub_text: str, region: str) -> str:
    return (
        sub_text.replace(f"${{{ENVIRONMENT_SUFFIX}}}", "x" * MAX_SUFFIX_LENGTH)
        .replace("${AWS::AccountId}", "0" * 12)
        .replace("${AWS::Region}", region)
    )


def arn(service: str, resource: str, *, region: bool = True, account: bool = True) -> Sub:
    """An ARN in this stack's partition (and region and account unless told otherwise)."""
    where = f"{'${AWS::Region}' if region else ''}:{'${AWS::AccountId}' if account else ''}"
    return Sub(f"arn:${{AWS::Partition}}:{service}:{where}:{resource}")


def bucket_arn(bucket_name_sub: str, objects: str = "") -> Sub:
    return Sub(f"arn:${{AWS::Partition}}:s3:::{bucket_name_sub}{objects}")


def log_group_arn(log_group_name_sub: str) -> Sub:
    return arn("logs", f"log-group:{log_group_name_sub}")


def lambda_log_group_name_sub(settings: Settings, function: str) -> str:
    return f"/aws/lambda/{function_name_sub(settings, function)}"


def api_access_log_group_name_sub(settings: Settings) -> str:
    return f"/aws/vendedlogs/{name_prefix(settings)}-{settings.api.kind}-api-access"


def waf_log_group_name_sub(settings: Settings) -> str:
    """WAF delivers logs only to log groups whose name starts with `aws-waf-logs-`."""
    return f"aws-waf-logs-{name_prefix(settings)}"


def metrics_namespace_sub(settings: Settings) -> str:
    """The processors' CloudWatch namespace, one per environment (stack): `tap-${EnvironmentSuffix}/processing`."""
    return f"{name_prefix(settings)}/processing"


def standard_tags(settings: Settings) -> Tags:
    """Project, Environment, ManagedBy and the environment's extra tags, in a stable order."""
    values: dict[str, object] = {
        "Project": settings.project,
        "Environment": Ref(ENVIRONMENT_SUFFIX),
        "ManagedBy": MANAGED_BY,
        **settings.tags,
    }
    return Tags(**dict(sorted(values.items())))


def tag_map(settings: Settings) -> dict[str, object]:
    """The same tags as a plain map, for resources (API Gateway v2) that take one."""
    return {tag["Key"]: tag["Value"] for tag in standard_tags(settings).to_dict()}


def apply_retention(resource: AWSObject, settings: Settings) -> AWSObject:
    """Retain stateful resources on delete and replacement where the environment keeps its data."""
    policy = "Retain" if settings.retain_data else "Delete"
    resource.DeletionPolicy = policy
    resource.UpdateReplacePolicy = policy
    return resource
