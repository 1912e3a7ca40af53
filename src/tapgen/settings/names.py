"""The physical-name formulas that have length limits, as `Fn::Sub` strings of the project name alone.

Settings validation measures them at their longest; `tapgen.synth.naming` builds the template's names from them.
"""

from __future__ import annotations

ENVIRONMENT_SUFFIX = "EnvironmentSuffix"
MAX_SUFFIX_LENGTH = 20
BUCKET_NAME_LIMIT = 63
ROLE_NAME_LIMIT = 64


def name_prefix(project: str) -> str:
    """`{project}-${EnvironmentSuffix}`: the stem of every physical name, as a Sub template."""
    return f"{project}-${{{ENVIRONMENT_SUFFIX}}}"


def function_name_sub(project: str, function: str) -> str:
    """The function name as a Sub template string, for building other Sub strings."""
    return f"{name_prefix(project)}-{function}"


def bucket_name_sub(project: str, purpose: str) -> str:
    """Bucket names are global across accounts and regions, so both are part of them."""
    return f"{name_prefix(project)}-{purpose}-${{AWS::AccountId}}-${{AWS::Region}}"


def role_name_sub(project: str, function: str) -> str:
    """IAM role names are global to the account, so the region is part of them."""
    return f"{function_name_sub(project, function)}-${{AWS::Region}}"


def dashboard_name_sub(project: str) -> str:
    """CloudWatch dashboards are global to the account (one namespace for every region), so the region is part
    of the name: one template deploys to several regions of one account."""
    return f"{name_prefix(project)}-${{AWS::Region}}"


def longest_names(project: str, regions: tuple[str, ...], functions: tuple[str, ...]) -> list[tuple[str, str, int]]:
    """(what, longest possible name, AWS's limit) of each name that grows with the region: the names
    as the longest suffix (`EnvironmentSuffix` allows MAX_SUFFIX_LENGTH characters), any account and the longest
    of the environment's regions make them."""
    region = max(regions, key=len)
    names = [
        ("uploads bucket", bucket_name_sub(project, "uploads"), BUCKET_NAME_LIMIT),
        ("access-log bucket", bucket_name_sub(project, "logs"), BUCKET_NAME_LIMIT),
        *((f"{function} function's role", role_name_sub(project, function), ROLE_NAME_LIMIT) for function in functions),
    ]
    return [(what, _longest(text, region), limit) for what, text, limit in names]


def _longest(sub_text: str, region: str) -> str:
    return (
        sub_text.replace(f"${{{ENVIRONMENT_SUFFIX}}}", "x" * MAX_SUFFIX_LENGTH)
        .replace("${AWS::AccountId}", "0" * 12)
        .replace("${AWS::Region}", region)
    )
