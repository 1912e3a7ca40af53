"""Physical names, ARNs and tags, derived from the settings and the `EnvironmentSuffix` parameter.

Names are literal `Fn::Sub` strings rather than `GetAtt`s wherever a reference would close a
dependency cycle (bucket notification → function → role policy → bucket). A function named `*_sub` returns
such a string (with `${...}` references) for embedding in a larger `Sub`; wrap it in `Sub()` to use it alone.
"""

from __future__ import annotations

from troposphere import AWSObject, Ref, Sub, Tags

from tapgen.settings import Settings, names
from tapgen.settings.names import ENVIRONMENT_SUFFIX

ARTIFACT_BUCKET = "ArtifactBucket"
MANAGED_BY = "tapgen"


def name_prefix(settings: Settings) -> str:
    """`{project}-${EnvironmentSuffix}`: the stem of every physical name, as a Sub template."""
    return names.name_prefix(settings.project)


def physical_name(settings: Settings, *parts: str) -> Sub:
    return Sub("-".join([name_prefix(settings), *parts]))


def function_name(settings: Settings, function: str) -> Sub:
    return physical_name(settings, function)


def function_name_sub(settings: Settings, function: str) -> str:
    """The function name as a Sub template string, for building other Sub strings."""
    return names.function_name_sub(settings.project, function)


def uploads_bucket_name_sub(settings: Settings) -> str:
    return names.bucket_name_sub(settings.project, "uploads")


def access_log_bucket_name_sub(settings: Settings) -> str:
    return names.bucket_name_sub(settings.project, "logs")


def role_name_sub(settings: Settings, function: str) -> str:
    return names.role_name_sub(settings.project, function)


def dashboard_name_sub(settings: Settings) -> str:
    """Dashboards are global to the account, so the name carries the region (one template, several regions)."""
    return names.dashboard_name_sub(settings.project)


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
