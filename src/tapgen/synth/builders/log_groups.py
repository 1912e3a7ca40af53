"""Every log group of the stack: KMS-encrypted with the stack key, kept as long as the environment says."""

from __future__ import annotations

from troposphere import AWSHelperFn, Sub, logs

from tapgen.settings import Settings
from tapgen.synth.naming import apply_retention, standard_tags


def encrypted_log_group(settings: Settings, logical_id: str, name_sub: str, key_arn: AWSHelperFn) -> logs.LogGroup:
    """The log group named by the Sub text `name_sub`, encrypted with the stack key, retained where data is."""
    group = logs.LogGroup(
        logical_id,
        LogGroupName=Sub(name_sub),
        RetentionInDays=settings.log_retention_days,
        KmsKeyId=key_arn,
        Tags=standard_tags(settings),
    )
    return apply_retention(group, settings)
