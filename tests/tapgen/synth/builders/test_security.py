"""The KMS key, its alias and the app secret, asserted on every environment's render."""

from __future__ import annotations

from tests.conftest import Template, only_resource
from tests.tapgen.synth.builders.helpers import STACK_KEY_ARN, as_list, statements


def key_statements(template: Template) -> dict[str, dict]:
    key = only_resource(template, "AWS::KMS::Key")
    return {s["Sid"]: s for s in statements(key["Properties"]["KeyPolicy"])}


def test_key_rotates(template: Template) -> None:
    assert only_resource(template, "AWS::KMS::Key")["Properties"]["EnableKeyRotation"] is True


def test_key_policy_never_grants_everyone(template: Template) -> None:
    assert key_statements(template)
    for statement in key_statements(template).values():
        assert statement["Principal"] != "*"
        assert "*" not in as_list(statement["Principal"].get("AWS", []))


def test_account_root_administers_key(template: Template) -> None:
    admin = key_statements(template)["AccountAdministersKey"]
    assert admin["Principal"] == {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}


def test_logs_may_use_key_only_for_this_stacks_log_groups(template: Template) -> None:
    logs = key_statements(template)["CloudWatchLogsEncryptThisStacksLogGroups"]
    assert logs["Principal"] == {"Service": {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}}
    scoped = logs["Condition"]["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"]
    group_names = {
        r["Properties"]["LogGroupName"]["Fn::Sub"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Logs::LogGroup"
    }
    assert {s["Fn::Sub"].split("log-group:", 1)[1] for s in scoped} == group_names


def test_alarms_may_use_key_for_the_encrypted_topic(template: Template) -> None:
    alarms = key_statements(template)["CloudWatchAlarmsPublishToEncryptedTopic"]
    assert alarms["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert set(alarms["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey"}


def test_alias_names_the_stack(template: Template) -> None:
    alias = only_resource(template, "AWS::KMS::Alias")["Properties"]
    assert alias["AliasName"] == {"Fn::Sub": "alias/tap-${EnvironmentSuffix}"}
    assert alias["TargetKeyId"] == {"Ref": "StackKey"}


def test_secret_is_generated_and_encrypted_with_stack_key(template: Template) -> None:
    secret = only_resource(template, "AWS::SecretsManager::Secret")["Properties"]
    assert secret["KmsKeyId"] == STACK_KEY_ARN
    assert secret["GenerateSecretString"]["PasswordLength"] >= 32
    assert "SecretString" not in secret
