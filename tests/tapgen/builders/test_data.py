"""The metadata table and the dead-letter queue."""

from __future__ import annotations

from tapgen.config import Settings
from tests.conftest import CONTRACT, Template, only_resource
from tests.tapgen.builders.helpers import STACK_KEY_ARN, tls_deny_resources


def table(template: Template) -> dict:
    return only_resource(template, "AWS::DynamoDB::Table")["Properties"]


def test_table_is_on_demand_encrypted_and_recoverable(template: Template) -> None:
    properties = table(template)
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": STACK_KEY_ARN}
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_table_keys_follow_the_lambda_contract(template: Template) -> None:
    properties = table(template)
    assert properties["KeySchema"] == [{"AttributeName": CONTRACT.TABLE_PARTITION_KEY, "KeyType": "HASH"}]
    (index,) = properties["GlobalSecondaryIndexes"]
    assert index["IndexName"] == CONTRACT.OWNER_INDEX_NAME
    assert index["KeySchema"] == [
        {"AttributeName": CONTRACT.OWNER_INDEX_PARTITION_KEY, "KeyType": "HASH"},
        {"AttributeName": CONTRACT.OWNER_INDEX_SORT_KEY, "KeyType": "RANGE"},
    ]


def test_deletion_protection_follows_retain_data(template: Template, settings: Settings) -> None:
    assert table(template)["DeletionProtectionEnabled"] is settings.retain_data


def test_dead_letter_queue_is_encrypted_and_keeps_messages_fourteen_days(template: Template) -> None:
    queue = only_resource(template, "AWS::SQS::Queue")["Properties"]
    assert queue["KmsMasterKeyId"] == STACK_KEY_ARN
    assert queue["MessageRetentionPeriod"] == 14 * 24 * 3600


def test_dead_letter_queue_policy_denies_insecure_transport(template: Template) -> None:
    policy = only_resource(template, "AWS::SQS::QueuePolicy")["Properties"]
    assert policy["Queues"] == [{"Ref": "DeadLetterQueue"}]
    assert tls_deny_resources(policy["PolicyDocument"]) == [{"Fn::GetAtt": ["DeadLetterQueue", "Arn"]}]
