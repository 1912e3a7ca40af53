"""Which account and partition a command acts on: the caller is checked before anything is written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tapgen.errors import EXIT_USAGE, DeployError


@dataclass(frozen=True)
class Partition:
    """An AWS partition: the `arn:<name>:` prefix and the domain its endpoints live under."""

    name: str
    dns_suffix: str

    def arn(self, service: str, region: str, account: str, resource: str) -> str:
        return f"arn:{self.name}:{service}:{region}:{account}:{resource}"

    def s3_url(self, region: str, bucket: str, key: str) -> str:
        """The path-style URL of an object, as CloudFormation's TemplateURL takes it."""
        return f"https://s3.{region}.{self.dns_suffix}/{bucket}/{key}"


# The partitions tapgen's region setting admits, by region prefix; every other region is in `aws`.
CHINA = Partition("aws-cn", "amazonaws.com.cn")
GOVCLOUD = Partition("aws-us-gov", "amazonaws.com")
COMMERCIAL = Partition("aws", "amazonaws.com")


def partition_of(region: str) -> Partition:
    if region.startswith("cn-"):
        return CHINA
    if region.startswith("us-gov-"):
        return GOVCLOUD
    return COMMERCIAL


def require_account(sts: Any, expected: str | None, where: str) -> None:
    """Refuse (exit 2) unless the credentials belong to `expected`; nothing to check when it is None.

    `where` names what pins the account, for the message: `[env.prod] account` or `the local emulator`.
    """
    if expected is None:
        return
    actual = str(sts.get_caller_identity()["Account"])
    if actual != expected:
        raise DeployError(
            f"these credentials are for account {actual}, but {where} is {expected}: "
            "nothing was touched; use credentials (--profile) for the pinned account",
            EXIT_USAGE,
        )
