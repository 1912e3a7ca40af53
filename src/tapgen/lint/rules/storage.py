"""Data that must neither leak nor vanish: buckets block public access (TAP007); stateful resources are
retained where the environment retains data (TAP017)."""

from __future__ import annotations

from tapgen.cfn.shapes import as_dict
from tapgen.cfn.stateful import STATEFUL_TYPES
from tapgen.cfn.view import TemplateView, is_true
from tapgen.lint.rules.registry import RuleFinding, RuleFindings, rule

PUBLIC_ACCESS_BLOCKS = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")


@rule(
    "TAP007",
    "every bucket blocks all four kinds of public access",
    "One missing flag is enough for an ACL or policy mistake to publish uploaded files.",
    "Set all four PublicAccessBlockConfiguration flags to true.",
    docs="https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
)
def public_access_blocked(view: TemplateView) -> RuleFindings:
    for bucket in view.of_type("AWS::S3::Bucket"):
        block = as_dict(bucket.prop("PublicAccessBlockConfiguration"))
        missing = [flag for flag in PUBLIC_ACCESS_BLOCKS if not is_true(block.get(flag))]
        if missing:
            yield RuleFinding(
                bucket.logical_id,
                f"does not set {', '.join(missing)} to true",
                ("Properties", "PublicAccessBlockConfiguration"),
            )


@rule(
    "TAP017",
    "stateful resources are retained in environments that retain data",
    "Deleting or replacing the stack must never delete uploaded files, metadata, keys or logs.",
    "Set DeletionPolicy and UpdateReplacePolicy to Retain; on tables DeletionProtectionEnabled and point-in-time "
    "recovery (retain_data = true).",
    docs="https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html",
)
def stateful_retained(view: TemplateView) -> RuleFindings:
    if not view.retains_data:
        return
    for resource in view.resources:
        if resource.type in STATEFUL_TYPES:
            missing = [p for p in ("DeletionPolicy", "UpdateReplacePolicy") if resource.body.get(p) != "Retain"]
            if missing:
                message = f"is stateful but {' and '.join(missing)} is not Retain"
                yield RuleFinding(resource.logical_id, message, (missing[0],))
    for table in view.of_type("AWS::DynamoDB::Table"):
        if not is_true(table.prop("DeletionProtectionEnabled")):
            yield RuleFinding(
                table.logical_id, "has no DeletionProtectionEnabled: true", ("Properties", "DeletionProtectionEnabled")
            )
        if not is_true(table.prop("PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled")):
            message = (
                "has no point-in-time recovery (PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled: true)"
            )
            yield RuleFinding(table.logical_id, message, ("Properties", "PointInTimeRecoverySpecification"))
