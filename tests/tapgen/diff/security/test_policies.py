"""The security-changes section: statements added and removed per policy holder, each broadening marked."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from tapgen.diff import diff_templates
from tapgen.diff.model import SecurityChange
from tests.conftest import Template, rendered_template

Edit = Callable[[Template], None]


def _statements(template: Template, logical_id: str) -> list[dict[str, Any]]:
    properties = template["Resources"][logical_id]["Properties"]
    if "Policies" in properties:
        return properties["Policies"][0]["PolicyDocument"]["Statement"]  # type: ignore[no-any-return]
    document = properties.get("KeyPolicy") or properties["PolicyDocument"]
    return document["Statement"]  # type: ignore[no-any-return]


def _sid(template: Template, logical_id: str, sid: str) -> dict[str, Any]:
    return next(s for s in _statements(template, logical_id) if s.get("Sid") == sid)


def security(env: str, edit: Edit) -> tuple[SecurityChange, ...]:
    old = rendered_template(env)
    new = copy.deepcopy(old)
    edit(new)
    return diff_templates(old, new).security


def summary(changes: tuple[SecurityChange, ...]) -> list[tuple[str, str, str, bool, tuple[str, ...]]]:
    return [(c.resource, c.policy, c.action, c.broadening, c.reasons) for c in changes]


def add_statement(t: Template) -> None:
    _statements(t, "ImageRole").append({"Effect": "Allow", "Action": "sqs:DeleteQueue", "Resource": "*"})


def widen_actions(t: Template) -> None:
    _sid(t, "ApiRole", "ReadWriteFileItems")["Action"].append("dynamodb:DeleteItem")


def narrow_actions(t: Template) -> None:
    _sid(t, "ApiRole", "ReadWriteFileItems")["Action"] = ["dynamodb:GetItem"]


def widen_resources(t: Template) -> None:
    _sid(t, "ApiRole", "ReadWriteFileItems")["Resource"] = ["*"]


def wildcard_action(t: Template) -> None:
    _sid(t, "ApiRole", "ReadWriteFileItems")["Action"] = ["dynamodb:*"]


def rename_sid(t: Template) -> None:
    _sid(t, "ApiRole", "ReadWriteFileItems")["Sid"] = "Renamed"


def drop_key_condition(t: Template) -> None:
    del _sid(t, "StackKey", "CloudWatchLogsEncryptThisStacksLogGroups")["Condition"]


def drop_bucket_deny(t: Template) -> None:
    statements = _statements(t, "UploadsBucketPolicy")
    statements[:] = [s for s in statements if s["Effect"] != "Deny"]


def add_queue_deny(t: Template) -> None:
    _statements(t, "DeadLetterQueuePolicy").append(
        {"Effect": "Deny", "Principal": "*", "Action": "sqs:PurgeQueue", "Resource": "*"}
    )


def widen_trust(t: Template) -> None:
    trust = t["Resources"]["DataRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
    trust["Principal"] = {"AWS": "*"}


def drop_permission_source(t: Template) -> None:
    del t["Resources"]["ImageS3Permission"]["Properties"]["SourceArn"]


def attach_managed_policy(t: Template) -> None:
    t["Resources"]["ApiRole"]["Properties"]["ManagedPolicyArns"] = ["arn:aws:iam::aws:policy/AdministratorAccess"]


def open_route(t: Template) -> None:
    route = t["Resources"]["GetFileRoute"]["Properties"]
    route["AuthorizationType"] = "NONE"
    route.pop("AuthorizerId", None)


def new_open_route(t: Template) -> None:
    t["Resources"]["AdminRoute"] = {
        "Type": "AWS::ApiGatewayV2::Route",
        "Properties": {"ApiId": {"Ref": "HttpApi"}, "RouteKey": "DELETE /files", "AuthorizationType": "NONE"},
    }


def widen_audience(t: Template) -> None:
    t["Resources"]["ApiJwtAuthorizer"]["Properties"]["JwtConfiguration"]["Audience"].append("someone-else")


def new_policy_resource(t: Template) -> None:
    t["Resources"]["ExtraPolicy"] = {
        "Type": "AWS::IAM::Policy",
        "Properties": {
            "PolicyName": "extra",
            "Roles": [{"Ref": "DataRole"}],
            "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]},
        },
    }


def new_topic_policy_statement(t: Template) -> None:
    _statements(t, "AlarmTopicPolicy").append(
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sns:Publish", "Resource": {"Ref": "AlarmTopic"}}
    )


@pytest.mark.parametrize(
    ("env", "edit", "expected"),
    [
        ("dev", add_statement, [("ImageRole", "Policies/image-function", "added", True, ("new Allow statement",))]),
        (
            "dev",
            widen_actions,
            [
                ("ApiRole", "Policies/api-function", "removed", False, ("Allow removed",)),
                ("ApiRole", "Policies/api-function", "added", True, ("wider actions",)),
            ],
        ),
        (
            "dev",
            narrow_actions,
            [
                ("ApiRole", "Policies/api-function", "removed", False, ("Allow removed",)),
                ("ApiRole", "Policies/api-function", "added", False, ("already allowed by another statement",)),
            ],
        ),
        (
            "dev",
            widen_resources,
            [
                ("ApiRole", "Policies/api-function", "removed", False, ("Allow removed",)),
                ("ApiRole", "Policies/api-function", "added", True, ("wider resources",)),
            ],
        ),
        (
            "dev",
            wildcard_action,
            [
                ("ApiRole", "Policies/api-function", "removed", False, ("Allow removed",)),
                ("ApiRole", "Policies/api-function", "added", True, ("wider actions",)),
            ],
        ),
        ("dev", rename_sid, []),
        (
            "prod",
            drop_key_condition,
            [
                ("StackKey", "KeyPolicy", "removed", False, ("Allow removed",)),
                ("StackKey", "KeyPolicy", "added", True, ("condition removed",)),
            ],
        ),
        (
            "dev",
            drop_bucket_deny,
            [("UploadsBucketPolicy", "PolicyDocument", "removed", True, ("Deny removed or narrowed",))],
        ),
        ("dev", add_queue_deny, [("DeadLetterQueuePolicy", "PolicyDocument", "added", False, ("Deny added",))]),
        (
            "dev",
            widen_trust,
            [
                ("DataRole", "AssumeRolePolicyDocument", "removed", False, ("Allow removed",)),
                ("DataRole", "AssumeRolePolicyDocument", "added", True, ("wider principal",)),
            ],
        ),
        (
            "dev",
            drop_permission_source,
            [
                ("ImageS3Permission", "Permission", "removed", False, ("Allow removed",)),
                ("ImageS3Permission", "Permission", "added", True, ("condition removed",)),
            ],
        ),
        ("dev", attach_managed_policy, [("ApiRole", "ManagedPolicyArns", "added", True, ("managed policy attached",))]),
        ("prod", open_route, [("GetFileRoute", "Authorization", "modified", True, ("authorization removed",))]),
        ("dev", new_open_route, [("AdminRoute", "Authorization", "added", True, ("new route without authorization",))]),
        (
            "prod",
            widen_audience,
            [("ApiJwtAuthorizer", "Authorizer", "modified", True, ("more token audiences accepted",))],
        ),
        ("dev", new_policy_resource, [("ExtraPolicy", "PolicyDocument", "added", True, ("new Allow statement",))]),
        (
            "dev",
            new_topic_policy_statement,
            [("AlarmTopicPolicy", "PolicyDocument", "added", True, ("new Allow statement",))],
        ),
    ],
)
def test_security_changes_and_broadenings(env: str, edit: Edit, expected: list[Any]) -> None:
    assert summary(security(env, edit)) == expected


def test_a_policy_attached_to_one_more_role_is_a_broadening() -> None:
    old = rendered_template("dev")
    new_policy_resource(old)
    new = copy.deepcopy(old)
    new["Resources"]["ExtraPolicy"]["Properties"]["Roles"].append({"Ref": "ImageRole"})
    assert summary(diff_templates(old, new).security) == [
        ("ExtraPolicy", "Roles", "added", True, ("policy attached to another role",))
    ]


def test_a_removed_permissions_boundary_is_a_broadening() -> None:
    old = rendered_template("dev")
    boundary = "arn:aws:iam::123456789012:policy/boundary"
    old["Resources"]["ApiRole"]["Properties"]["PermissionsBoundary"] = boundary
    new = copy.deepcopy(old)
    del new["Resources"]["ApiRole"]["Properties"]["PermissionsBoundary"]
    assert summary(diff_templates(old, new).security) == [
        ("ApiRole", "PermissionsBoundary", "removed", True, ("permissions boundary removed",))
    ]
    new["Resources"]["ApiRole"]["Properties"]["PermissionsBoundary"] = boundary + "-2"
    assert summary(diff_templates(old, new).security) == [("ApiRole", "PermissionsBoundary", "modified", False, ())]


def test_an_added_statement_is_shown_as_written() -> None:
    (change,) = security("dev", add_statement)
    assert change.statement == {"Effect": "Allow", "Action": ["sqs:DeleteQueue"], "Resource": ["*"]}
    assert change.resource_type == "AWS::IAM::Role"


def test_a_statement_behind_an_intrinsic_function_is_flagged_as_unreadable() -> None:
    def conditional(t: Template) -> None:
        _statements(t, "ImageRole").append({"Fn::If": ["IsProd", {"Effect": "Allow"}, {"Ref": "AWS::NoValue"}]})

    assert summary(security("dev", conditional)) == [
        ("ImageRole", "Policies/image-function", "added", True, ("statement not readable offline",))
    ]


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_every_policy_holder_of_a_fresh_stack_is_listed(env: str) -> None:
    template = rendered_template(env)
    changes = diff_templates({}, template).security
    holders = {c.resource for c in changes}
    kinds = {"AWS::IAM::Role", "AWS::KMS::Key", "AWS::S3::BucketPolicy", "AWS::SQS::QueuePolicy"}
    kinds |= {
        "AWS::SNS::TopicPolicy",
        "AWS::Lambda::Permission",
        "AWS::ApiGatewayV2::Route",
        "AWS::ApiGatewayV2::Authorizer",
    }
    assert holders == {lid for lid, r in template["Resources"].items() if r["Type"] in kinds}
    assert all(c.action == "added" for c in changes)
    assert all(c.broadening for c in changes if c.statement.get("Effect") == "Allow")


def _key_admin(t: Template) -> dict[str, Any]:
    return _sid(t, "StackKey", "AccountAdministersKey")


@pytest.mark.parametrize(
    ("principal", "broadening"),
    [
        ({"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/admin"}}, False),  # account -> role
        ({"AWS": "*"}, True),
        (
            {
                "AWS": [
                    {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"},
                    "arn:aws:iam::999999999999:root",
                ]
            },
            True,
        ),
    ],
)
def test_principal_changes_in_a_key_policy(principal: Any, broadening: bool) -> None:
    def edit(t: Template) -> None:
        _key_admin(t)["Principal"] = principal

    removed, added = security("dev", edit)
    assert (removed.action, removed.broadening) == ("removed", False)
    assert (added.action, added.broadening) == ("added", broadening)
    assert added.reasons == (("wider principal",) if broadening else ("already allowed by another statement",))
    assert added.classification == ("broadening" if broadening else "neutral")
    assert removed.classification == "narrowing"


def test_the_order_of_lists_in_a_statement_means_nothing() -> None:
    def reorder(t: Template) -> None:
        statement = _sid(t, "ApiRole", "ReadWriteFileItems")
        statement["Action"] = list(reversed(statement["Action"]))
        trust = t["Resources"]["ApiRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
        trust["Principal"] = {"Service": ["lambda.amazonaws.com"]}

    assert security("dev", reorder) == ()
