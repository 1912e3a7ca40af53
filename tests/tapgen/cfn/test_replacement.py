"""The offline replacement predictor: provider schemas' createOnlyProperties plus the known gaps."""

from __future__ import annotations

from typing import Any

import pytest

from tapgen.cfn.replacement import (
    KNOWN_GAPS,
    changed_paths,
    create_only_pointers,
    predict_replacement,
    predict_resource_replacement,
    same_value,
    values_under,
)

KEY = [{"AttributeName": "fileId", "KeyType": "HASH"}]
DEFINITIONS = [{"AttributeName": "fileId", "AttributeType": "S"}, {"AttributeName": "ownerId", "AttributeType": "S"}]
TABLE = {"TableName": "t", "KeySchema": KEY, "AttributeDefinitions": DEFINITIONS, "BillingMode": "PAY_PER_REQUEST"}


def _with(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, **changes}


@pytest.mark.parametrize(
    ("resource_type", "old", "new", "expected"),
    [
        # from the schemas
        ("AWS::S3::Bucket", {"BucketName": "a"}, {"BucketName": "b"}, ("BucketName",)),
        ("AWS::S3::Bucket", {}, {"BucketName": "b"}, ("BucketName",)),
        ("AWS::S3::Bucket", {"BucketName": "a", "Tags": []}, {"BucketName": "a", "Tags": [{"Key": "k"}]}, ()),
        ("AWS::SQS::Queue", {"QueueName": "q"}, {"QueueName": "q", "FifoQueue": True}, ("FifoQueue",)),
        ("AWS::SQS::Queue", {"QueueName": "q"}, {"QueueName": "q", "VisibilityTimeout": 60}, ()),
        ("AWS::Logs::LogGroup", {"LogGroupName": "a"}, {"LogGroupName": "b"}, ("LogGroupName",)),
        ("AWS::Logs::LogGroup", {"RetentionInDays": 7}, {"RetentionInDays": 30}, ()),
        ("AWS::Lambda::Function", {"FunctionName": "f"}, {"FunctionName": "g"}, ("FunctionName",)),
        ("AWS::Lambda::Function", {"FunctionName": "f", "Timeout": 3}, {"FunctionName": "f", "Timeout": 9}, ()),
        ("AWS::SecretsManager::Secret", {"Name": "s"}, {"Name": "t"}, ("Name",)),
        ("AWS::IAM::Role", {"RoleName": "r", "Path": "/"}, {"RoleName": "r", "Path": "/x/"}, ("Path",)),
        ("AWS::SNS::Topic", {"TopicName": "t"}, {"TopicName": "t", "DisplayName": "d"}, ()),
        ("AWS::DynamoDB::Table", TABLE, _with(TABLE, TableName="u"), ("TableName",)),
        ("AWS::DynamoDB::Table", TABLE, _with(TABLE, BillingMode="PROVISIONED"), ()),
        # the known gaps
        (
            "AWS::DynamoDB::Table",
            TABLE,
            _with(TABLE, KeySchema=[{"AttributeName": "ownerId", "KeyType": "HASH"}]),
            ("KeySchema",),
        ),
        (
            "AWS::DynamoDB::Table",
            TABLE,
            _with(TABLE, AttributeDefinitions=[{"AttributeName": "fileId", "AttributeType": "N"}, DEFINITIONS[1]]),
            ("AttributeDefinitions/0/AttributeType",),
        ),
        (  # a non-key attribute's type is the indexes' business, not the table's
            "AWS::DynamoDB::Table",
            TABLE,
            _with(TABLE, AttributeDefinitions=[DEFINITIONS[0], {"AttributeName": "ownerId", "AttributeType": "N"}]),
            (),
        ),
        (  # reordering the definitions changes nothing
            "AWS::DynamoDB::Table",
            TABLE,
            _with(TABLE, AttributeDefinitions=[DEFINITIONS[1], DEFINITIONS[0]]),
            (),
        ),
        (
            "AWS::DynamoDB::Table",
            TABLE,
            _with(TABLE, LocalSecondaryIndexes=[{"IndexName": "i", "KeySchema": KEY, "Projection": {}}]),
            ("LocalSecondaryIndexes",),
        ),
        ("AWS::KMS::Key", {"KeySpec": "SYMMETRIC_DEFAULT"}, {"KeySpec": "RSA_2048"}, ("KeySpec",)),
        ("AWS::KMS::Key", {}, {"KeyUsage": "SIGN_VERIFY", "MultiRegion": True}, ("KeyUsage", "MultiRegion")),
        ("AWS::KMS::Key", {"EnableKeyRotation": True}, {"EnableKeyRotation": False}, ()),
        # intrinsic functions compare as written
        ("AWS::S3::Bucket", {"BucketName": {"Ref": "A"}}, {"BucketName": {"Ref": "A"}}, ()),
        ("AWS::S3::Bucket", {"BucketName": {"Ref": "A"}}, {"BucketName": {"Ref": "B"}}, ("BucketName",)),
        ("AWS::S3::Bucket", {"BucketName": {"Fn::Sub": "x-${A}"}}, {"BucketName": "x-a"}, ("BucketName",)),
        # scalars as CloudFormation reads them
        ("AWS::SQS::Queue", {"FifoQueue": "true"}, {"FifoQueue": True}, ()),
        # unknown and custom types: nothing predicted, no error
        ("AWS::Nope::Thing", {"A": 1}, {"A": 2}, ()),
        ("Custom::Thing", {"ServiceToken": "a"}, {"ServiceToken": "b"}, ("ServiceToken",)),
    ],
)
def test_predicts_replacement_per_type(
    resource_type: str, old: dict[str, Any], new: dict[str, Any], expected: tuple[str, ...]
) -> None:
    assert predict_replacement(resource_type, old, new) == expected


@pytest.mark.parametrize(
    ("pointer", "old", "new", "expected"),
    [
        ("/properties/A/B", {"A": {"B": 1, "C": 1}}, {"A": {"B": 1, "C": 2}}, []),
        ("/properties/A/B", {"A": {"B": 1}}, {"A": {"B": 2}}, ["A/B"]),
        ("/properties/A/B", {}, {"A": {"B": 2}}, ["A/B"]),
        ("/properties/A/B", {"A": {"C": 1}}, {}, []),
        ("/properties/Tags/*/Key", {"Tags": [{"Key": "a", "Value": "1"}]}, {"Tags": [{"Key": "a", "Value": "2"}]}, []),
        (
            "/properties/Tags/*/Key",
            {"Tags": [{"Key": "a"}]},
            {"Tags": [{"Key": "b"}, {"Key": "c"}]},
            ["Tags/0/Key", "Tags/1/Key"],
        ),
        # an intrinsic function on the way is compared whole, at its own path
        ("/properties/A/B", {"A": {"Fn::If": ["c", {"B": 1}, {}]}}, {"A": {"Fn::If": ["c", {"B": 1}, {}]}}, []),
        ("/properties/A/B", {"A": {"Fn::If": ["c", {"B": 1}, {}]}}, {"A": {"B": 1}}, ["A"]),
        ("/properties/Tags/*/Key", {"Tags": {"Ref": "T"}}, {"Tags": []}, ["Tags"]),
        ("/properties/A~1B", {"A/B": 1}, {"A/B": 2}, ["A/B"]),
    ],
)
def test_nested_pointers_and_wildcards(pointer: str, old: Any, new: Any, expected: list[str]) -> None:
    assert changed_paths(pointer, old, new) == expected


@pytest.mark.parametrize(
    ("pointer", "properties", "expected"),
    [
        ("/properties/A", {"A": {"Ref": "X"}, "B": 1}, [("A", {"Ref": "X"})]),
        ("/properties/A", {"B": 1}, []),
        ("/properties/A/B", {"A": {"B": [1], "C": 2}}, [("A/B", [1])]),
        (
            "/properties/Tags/*/Key",
            {"Tags": [{"Key": "a"}, {"Value": "v"}, {"Key": "c"}]},
            [("Tags/0/Key", "a"), ("Tags/2/Key", "c")],
        ),
        # an intrinsic function on the way is reached whole, at its own path
        ("/properties/A/B", {"A": {"Fn::If": ["c", {"B": 1}, {}]}}, [("A", {"Fn::If": ["c", {"B": 1}, {}]})]),
        ("/properties/Tags/*/Key", {"Tags": {"Ref": "T"}}, [("Tags", {"Ref": "T"})]),
        # a value of the wrong shape holds nothing the pointer names
        ("/properties/A/B", {"A": "text"}, []),
        ("/properties/Tags/*/Key", {"Tags": {"Key": "a"}}, []),
    ],
)
def test_values_under_a_pointer(pointer: str, properties: Any, expected: list[tuple[str, Any]]) -> None:
    assert values_under(pointer, properties) == expected


def test_nested_schema_pointers_are_followed() -> None:
    # AWS::Budgets::Budget lists /properties/Budget/BudgetName: a pointer two levels down.
    assert "/properties/Budget/BudgetName" in create_only_pointers("AWS::Budgets::Budget")
    old = {"Budget": {"BudgetName": "a", "BudgetLimit": {"Amount": 1}}}
    assert predict_replacement("AWS::Budgets::Budget", old, {"Budget": {**old["Budget"], "BudgetName": "b"}}) == (
        "Budget/BudgetName",
    )
    assert predict_replacement("AWS::Budgets::Budget", old, {"Budget": {**old["Budget"], "BudgetLimit": {}}}) == ()


@pytest.mark.parametrize("resource_type", sorted(KNOWN_GAPS))
def test_known_gaps_are_real_gaps(resource_type: str) -> None:
    """A gap the schema has since closed is dead weight here: drop it when cfn-lint's schemas list it."""
    pointers = set(create_only_pointers(resource_type))
    assert not pointers & {gap for gap in KNOWN_GAPS[resource_type] if isinstance(gap, str)}


def test_an_unknown_region_falls_back_to_us_east_1() -> None:
    assert predict_replacement("AWS::S3::Bucket", {"BucketName": "a"}, {"BucketName": "b"}, "xx-nowhere-1") == (
        "BucketName",
    )


def test_a_changed_type_is_a_replacement() -> None:
    old = {"Type": "AWS::SQS::Queue", "Properties": {}}
    assert predict_resource_replacement(old, {"Type": "AWS::SNS::Topic", "Properties": {}}) == ("Type",)
    assert predict_resource_replacement(old, {"Type": "AWS::SQS::Queue"}) == ()


@pytest.mark.parametrize(
    ("old", "new", "same"),
    [
        (5, "5", True),
        (True, "true", True),
        (1.5, "1.5", True),
        ([1], ["1"], True),
        ("a", "b", False),
        ({"a": 1}, {"a": 2}, False),
    ],
)
def test_same_value_reads_scalars_as_cloudformation_does(old: Any, new: Any, same: bool) -> None:
    assert same_value(old, new) is same
