"""The stack's customer-managed KMS key, its alias, and the app secret it encrypts."""

from __future__ import annotations

from collections.abc import Sequence

from awacs.aws import ArnEquals, Condition, Principal, Statement
from troposphere import AWSHelperFn, GetAtt, Ref, Sub, kms, secretsmanager

from tapgen.settings import Settings
from tapgen.synth.naming import apply_retention, name_prefix, physical_name, standard_tags
from tapgen.synth.statements import actions, allow, document, service_principal

KEY = "StackKey"
KEY_ALIAS = "StackKeyAlias"
APP_SECRET = "AppSecret"

LOGS_KEY_ACTIONS = (
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:DescribeKey",
)
ALARM_KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")


def stack_key(settings: Settings, log_group_arns: Sequence[AWSHelperFn]) -> kms.Key:
    """One key (rotation on) for every data store, log group and Lambda environment of the stack."""
    key = kms.Key(
        KEY,
        Description=Sub(f"Encrypts the data, logs and secrets of {name_prefix(settings)}"),
        EnableKeyRotation=True,
        KeyPolicy=key_policy(log_group_arns),
        Tags=standard_tags(settings),
    )
    return apply_retention(key, settings)


def key_policy(log_group_arns: Sequence[AWSHelperFn]) -> object:
    """The account administers the key through IAM; two AWS services may use it, narrowly."""
    account_root = Principal("AWS", Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root"))
    return document(
        # The account-root grant is what keeps the key manageable; IAM policies then decide who uses it.
        Statement(
            Sid="AccountAdministersKey",
            Effect="Allow",
            Principal=account_root,
            Action=actions("kms:*"),
            Resource=["*"],
        ),
        allow(
            "CloudWatchLogsEncryptThisStacksLogGroups",
            LOGS_KEY_ACTIONS,
            ["*"],
            Principal=service_principal(Sub("logs.${AWS::Region}.amazonaws.com")),
            Condition=Condition(ArnEquals("kms:EncryptionContext:aws:logs:arn", list(log_group_arns))),
        ),
        allow(
            "CloudWatchAlarmsPublishToEncryptedTopic",
            ALARM_KEY_ACTIONS,
            ["*"],
            Principal=service_principal("cloudwatch.amazonaws.com"),
        ),
    )


def key_alias(settings: Settings, key: kms.Key) -> kms.Alias:
    return kms.Alias(KEY_ALIAS, AliasName=Sub(f"alias/{name_prefix(settings)}"), TargetKeyId=Ref(key))


def key_arn(key: kms.Key) -> GetAtt:
    return GetAtt(key, "Arn")


def app_secret(settings: Settings, key: kms.Key) -> secretsmanager.Secret:
    """A generated value the api function uses to sign pagination cursors."""
    secret = secretsmanager.Secret(
        APP_SECRET,
        Name=physical_name(settings, "app-secret"),
        Description="Signs the api function's pagination cursors.",
        KmsKeyId=key_arn(key),
        GenerateSecretString=secretsmanager.GenerateSecretString(
            PasswordLength=64, ExcludePunctuation=True, IncludeSpace=False
        ),
        Tags=standard_tags(settings),
    )
    return apply_retention(secret, settings)
