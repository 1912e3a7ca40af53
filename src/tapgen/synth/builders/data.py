"""The metadata table: one item per uploaded file, a global index for each caller's newest files."""

from __future__ import annotations

from troposphere import AWSHelperFn, dynamodb

from tapgen.code.contract import LambdaContract
from tapgen.settings import Settings
from tapgen.synth.naming import apply_retention, physical_name, standard_tags

METADATA_TABLE = "MetadataTable"


def metadata_table(settings: Settings, key_arn: AWSHelperFn, contract: LambdaContract) -> dynamodb.Table:
    """On-demand, KMS-encrypted, point-in-time recoverable; key names come from the Lambda contract."""
    string_keys = (
        contract.TABLE_PARTITION_KEY,
        contract.OWNER_INDEX_PARTITION_KEY,
        contract.OWNER_INDEX_SORT_KEY,
    )
    table = dynamodb.Table(
        METADATA_TABLE,
        TableName=physical_name(settings, "metadata"),
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            dynamodb.AttributeDefinition(AttributeName=name, AttributeType="S") for name in string_keys
        ],
        KeySchema=[dynamodb.KeySchema(AttributeName=contract.TABLE_PARTITION_KEY, KeyType="HASH")],
        GlobalSecondaryIndexes=[
            dynamodb.GlobalSecondaryIndex(
                IndexName=contract.OWNER_INDEX_NAME,
                KeySchema=[
                    dynamodb.KeySchema(AttributeName=contract.OWNER_INDEX_PARTITION_KEY, KeyType="HASH"),
                    dynamodb.KeySchema(AttributeName=contract.OWNER_INDEX_SORT_KEY, KeyType="RANGE"),
                ],
                Projection=dynamodb.Projection(ProjectionType="ALL"),
            )
        ],
        SSESpecification=dynamodb.SSESpecification(SSEEnabled=True, SSEType="KMS", KMSMasterKeyId=key_arn),
        PointInTimeRecoverySpecification=dynamodb.PointInTimeRecoverySpecification(PointInTimeRecoveryEnabled=True),
        DeletionProtectionEnabled=settings.retain_data,
        Tags=standard_tags(settings),
    )
    return apply_retention(table, settings)
