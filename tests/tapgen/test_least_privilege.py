"""Least privilege, proven: every (action, resource) a role or the key policy grants, against a table.

Broadening any permission changes this table, so it shows up as a diff in review.
"""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Template

UPLOADED_OBJECTS = (
    "arn:${AWS::Partition}:s3:::tap-${EnvironmentSuffix}-uploads-${AWS::AccountId}-${AWS::Region}/uploads/*"
)
TRACES = {("xray:PutTelemetryRecords", "*"), ("xray:PutTraceSegments", "*")}
STACK_KEY = {("kms:Decrypt", "GetAtt StackKey.Arn"), ("kms:GenerateDataKey", "GetAtt StackKey.Arn")}


def own_log_group(group: str) -> set[tuple[str, str]]:
    return {("logs:CreateLogStream", f"GetAtt {group}.Arn"), ("logs:PutLogEvents", f"GetAtt {group}.Arn")}


PROCESSOR_GRANTS = {
    ("dynamodb:GetItem", "GetAtt MetadataTable.Arn"),
    ("dynamodb:PutItem", "GetAtt MetadataTable.Arn"),
    ("dynamodb:UpdateItem", "GetAtt MetadataTable.Arn"),
    ("s3:GetObject", UPLOADED_OBJECTS),
    ("s3:GetObjectVersion", UPLOADED_OBJECTS),
    ("sqs:SendMessage", "GetAtt DeadLetterQueue.Arn"),
    *STACK_KEY,
    *TRACES,
}
EXPECTED_ROLE_GRANTS = {
    "ApiRole": {
        ("dynamodb:GetItem", "GetAtt MetadataTable.Arn"),
        ("dynamodb:PutItem", "GetAtt MetadataTable.Arn"),
        ("dynamodb:Query", "${MetadataTable.Arn}/index/byOwner"),
        ("s3:GetObject", UPLOADED_OBJECTS),
        ("s3:PutObject", UPLOADED_OBJECTS),
        ("secretsmanager:GetSecretValue", "Ref AppSecret"),
        *STACK_KEY,
        *TRACES,
        *own_log_group("ApiLogGroup"),
    },
    "ImageRole": PROCESSOR_GRANTS | own_log_group("ImageLogGroup"),
    "DocumentRole": PROCESSOR_GRANTS | own_log_group("DocumentLogGroup"),
    "DataRole": PROCESSOR_GRANTS | own_log_group("DataLogGroup"),
}
LOG_DATA_KEY_ACTIONS = (
    "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom", "kms:ReEncryptTo",
)  # fmt: skip
LOG_GROUPS = ("api", "image", "document", "data")
# (sid, effect, principal, actions, resources, condition)
EXPECTED_KEY_POLICY = {
    (
        "AccountAdministersKey",
        "Allow",
        '{"AWS": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}',
        ("kms:*",),
        ("*",),
        "{}",
    ),
    (
        "CloudWatchLogsEncryptThisStacksLogGroups",
        "Allow",
        '{"Service": "logs.${AWS::Region}.amazonaws.com"}',
        LOG_DATA_KEY_ACTIONS,
        ("*",),
        json.dumps(
            {
                "ArnEquals": {
                    "kms:EncryptionContext:aws:logs:arn": [
                        *(
                            f"arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:/aws/lambda/tap-${{EnvironmentSuffix}}-{fn}"
                            for fn in LOG_GROUPS
                        ),
                        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/vendedlogs/tap-${EnvironmentSuffix}-http-api-access",
                    ]
                }
            },
            sort_keys=True,
        ),
    ),
    (
        "CloudWatchAlarmsPublishToEncryptedTopic",
        "Allow",
        '{"Service": "cloudwatch.amazonaws.com"}',
        ("kms:Decrypt", "kms:GenerateDataKey"),
        ("*",),
        "{}",
    ),
}


def shown(value: Any) -> Any:
    """An intrinsic function as one readable string: Ref X, GetAtt X.Attr, or the Sub text."""
    if isinstance(value, list):
        return [shown(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "Ref" in value:
        return f"Ref {value['Ref']}"
    if "Fn::GetAtt" in value:
        return "GetAtt " + ".".join(value["Fn::GetAtt"])
    if "Fn::Sub" in value and isinstance(value["Fn::Sub"], str):
        return value["Fn::Sub"]
    return {k: shown(v) for k, v in value.items()}


def as_tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value) if isinstance(value, list) else (value,)


def role_grants(template: Template) -> dict[str, set[tuple[str, str]]]:
    grants: dict[str, set[tuple[str, str]]] = {}
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] != "AWS::IAM::Role":
            continue
        pairs = grants.setdefault(logical_id, set())
        for policy in resource["Properties"].get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                assert statement["Effect"] == "Allow", f"{logical_id}: unexpected {statement['Effect']} statement"
                for action in as_tuple(statement["Action"]):
                    pairs.update((action, shown(r)) for r in as_tuple(statement["Resource"]))
    return grants


def test_each_role_grants_exactly_its_table(template: Template) -> None:
    assert role_grants(template) == EXPECTED_ROLE_GRANTS


def test_the_key_policy_grants_exactly_its_table(template: Template) -> None:
    statements = template["Resources"]["StackKey"]["Properties"]["KeyPolicy"]["Statement"]
    found = {
        (
            s["Sid"],
            s["Effect"],
            json.dumps(shown(s["Principal"]), sort_keys=True),
            tuple(sorted(as_tuple(s["Action"]))),
            as_tuple(shown(s["Resource"])),
            json.dumps(shown(s.get("Condition", {})), sort_keys=True),
        )
        for s in statements
    }
    assert found == EXPECTED_KEY_POLICY
