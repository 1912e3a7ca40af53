"""Least privilege, proven: every (action, resource) a role or the key policy grants, against a table.

Broadening any permission changes this table, so it shows up as a diff in review.
"""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import CONTRACT, Template, rendered_template

UPLOADS_BUCKET = "arn:${AWS::Partition}:s3:::tap-${EnvironmentSuffix}-uploads-${AWS::AccountId}-${AWS::Region}"
UPLOADED_OBJECTS = f"{UPLOADS_BUCKET}/uploads/*"
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
    ("s3:ListBucket", UPLOADS_BUCKET),  # so a deleted upload reads as 404 (FAILED), not 403
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
LOG_GROUPS = tuple(fn.name for fn in CONTRACT.FUNCTIONS)
LOG_GROUP_ARN = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
# Besides the functions' log groups, the logs service may encrypt these with the key, per environment.
API_LOG_GROUPS = {
    "dev": ("/aws/vendedlogs/tap-${EnvironmentSuffix}-http-api-access",),
    "staging": ("/aws/vendedlogs/tap-${EnvironmentSuffix}-http-api-access",),
    "prod": ("/aws/vendedlogs/tap-${EnvironmentSuffix}-http-api-access",),
    "partner": ("/aws/vendedlogs/tap-${EnvironmentSuffix}-rest-api-access", "aws-waf-logs-tap-${EnvironmentSuffix}"),
}


def expected_key_policy(env: str) -> set[tuple[str, str, str, tuple[str, ...], tuple[str, ...], str]]:
    """(sid, effect, principal, actions, resources, condition) of each key policy statement."""
    return {
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
                            *(f"{LOG_GROUP_ARN}/aws/lambda/tap-${{EnvironmentSuffix}}-{fn}" for fn in LOG_GROUPS),
                            *(f"{LOG_GROUP_ARN}{name}" for name in API_LOG_GROUPS[env]),
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


def statement_grants(document: dict[str, Any], owner: str) -> set[tuple[str, str]]:
    pairs = set()
    for statement in document["Statement"]:
        assert statement["Effect"] == "Allow", f"{owner}: unexpected {statement['Effect']} statement"
        for action in as_tuple(statement["Action"]):
            pairs.update((action, shown(r)) for r in as_tuple(statement["Resource"]))
    return pairs


def role_grants(template: Template) -> dict[str, set[tuple[str, str]]]:
    """Per role: its inline policies, managed policy ARNs, and any IAM policy resource attached to it."""
    resources = template["Resources"]
    grants: dict[str, set[tuple[str, str]]] = {}
    for logical_id, resource in resources.items():
        if resource["Type"] == "AWS::IAM::Role":
            pairs = grants.setdefault(logical_id, set())
            for policy in resource["Properties"].get("Policies", []):
                pairs |= statement_grants(policy["PolicyDocument"], logical_id)
            pairs.update(("managed policy", shown(arn)) for arn in resource["Properties"].get("ManagedPolicyArns", []))
    for logical_id, resource in resources.items():
        if resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy"):
            properties = resource["Properties"]
            for role in [*properties.get("Roles", []), *as_tuple(properties.get("RoleName", []))]:
                target = role["Ref"] if isinstance(role, dict) else role
                grants.setdefault(target, set()).update(statement_grants(properties["PolicyDocument"], logical_id))
    return grants


def test_each_role_grants_exactly_its_table(template: Template) -> None:
    assert role_grants(template) == EXPECTED_ROLE_GRANTS


def test_a_policy_attached_outside_the_role_shows_up_in_its_grants() -> None:
    template = rendered_template("dev")
    document = {"Statement": [{"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": UPLOADED_OBJECTS}]}
    template["Resources"]["Extra"] = {
        "Type": "AWS::IAM::Policy",
        "Properties": {"PolicyName": "extra", "Roles": [{"Ref": "ApiRole"}], "PolicyDocument": document},
    }
    assert role_grants(template)["ApiRole"] - EXPECTED_ROLE_GRANTS["ApiRole"] == {("s3:DeleteObject", UPLOADED_OBJECTS)}


def test_the_key_policy_grants_exactly_its_table(template: Template, env: str) -> None:
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
    assert found == expected_key_policy(env)
