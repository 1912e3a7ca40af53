"""The metadata table."""

from __future__ import annotations

from tapgen.settings import Settings
from tests.conftest import CONTRACT, Template, only_resource
from tests.tapgen.synth.builders.helpers import STACK_KEY_ARN


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
