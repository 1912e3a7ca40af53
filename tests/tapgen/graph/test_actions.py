"""Actions summarised into what they let a principal do."""

from __future__ import annotations

import pytest

from tapgen.graph.actions import category, summary


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("s3:GetObject", "read"),
        ("s3:ListBucket", "read"),
        ("dynamodb:Query", "read"),
        ("kms:DescribeKey", "read"),
        ("secretsmanager:GetSecretValue", "read"),
        ("s3:PutObject", "write"),
        ("dynamodb:UpdateItem", "write"),
        ("sqs:SendMessage", "write"),
        ("sns:Publish", "write"),
        ("kms:Decrypt", "encrypt-decrypt"),
        ("kms:GenerateDataKeyWithoutPlaintext", "encrypt-decrypt"),
        ("kms:ReEncryptFrom", "encrypt-decrypt"),
        ("lambda:InvokeFunction", "invoke"),
        ("sts:AssumeRole", "assume"),
        ("kms:*", "all actions"),
        ("*", "all actions"),
        ("s3:Get*", "read"),
    ],
)
def test_category(action: str, expected: str) -> None:
    assert category(action) == expected


def test_summary_is_ordered_and_unique() -> None:
    assert summary(["kms:Decrypt", "s3:PutObject", "s3:GetObject", "s3:GetObjectVersion"]) == (
        "read / write / encrypt-decrypt"
    )
    assert summary([]) == ""
