"""The one policy reader: every place a template keeps a policy, read alike; and lint, graph and diff, which
read policies only through it, agreeing on a document wherever it is kept."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from tapgen.cfn.policies import PolicyKind, policy_documents
from tapgen.diff import diff_templates
from tapgen.graph import build_graph
from tapgen.graph.model import ACCESS
from tapgen.lint.engine import lint_text

Template = dict[str, Any]
TABLE_ACCESS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": {"Fn::GetAtt": ["Table", "Arn"]}}],
}
BASE: Template = {
    "Resources": {
        "Table": {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            },
        },
        "Role": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            },
        },
    }
}


def _standalone(kind: str, attachment: str, value: Any) -> Callable[[Template], str]:
    def place(template: Template) -> str:
        properties = {attachment: value, "PolicyDocument": TABLE_ACCESS}
        if kind != "AWS::IAM::ManagedPolicy":
            properties["PolicyName"] = "table"
        template["Resources"]["TableAccess"] = {"Type": kind, "Properties": properties}
        return "TableAccess"

    return place


def _inline(document: Any) -> Callable[[Template], str]:
    def place(template: Template) -> str:
        template["Resources"]["Role"]["Properties"]["Policies"] = [{"PolicyName": "table", "PolicyDocument": document}]
        return "Role"

    return place


# Every way a template can give the role its table access: the judged behaviour must not depend on the way.
PLACES = {
    "IAM::Policy": _standalone("AWS::IAM::Policy", "Roles", [{"Ref": "Role"}]),
    "IAM::ManagedPolicy": _standalone("AWS::IAM::ManagedPolicy", "Roles", [{"Ref": "Role"}]),
    "IAM::RolePolicy": _standalone("AWS::IAM::RolePolicy", "RoleName", {"Ref": "Role"}),
    "inline Policies": _inline(TABLE_ACCESS),
    "inline Policies as JSON text": _inline(json.dumps(TABLE_ACCESS)),
}


def with_access(place: Callable[[Template], str]) -> tuple[Template, str]:
    template = copy.deepcopy(BASE)
    return template, place(template)


@pytest.mark.parametrize("place", PLACES.values(), ids=PLACES.keys())
def test_lint_flags_the_wildcard_wherever_the_policy_is_kept(place: Callable[[Template], str]) -> None:
    template, holder = with_access(place)
    findings = lint_text(json.dumps(template, indent=1), "template.json").findings
    assert [(f.rule, f.resource) for f in findings if f.rule == "TAP001"] == [("TAP001", holder)]


@pytest.mark.parametrize("place", PLACES.values(), ids=PLACES.keys())
def test_graph_draws_the_role_reaching_the_table_wherever_the_policy_is_kept(place: Callable[[Template], str]) -> None:
    template, _ = with_access(place)
    access = {(e.source, e.target) for e in build_graph(template, "access").edges if e.kind == ACCESS}
    assert ("Role", "Table") in access
    assert ("Role", "Table") not in {
        (e.source, e.target) for e in build_graph(copy.deepcopy(BASE), "access").edges if e.kind == ACCESS
    }


@pytest.mark.parametrize("place", PLACES.values(), ids=PLACES.keys())
def test_diff_shows_the_new_access_as_a_broadening_wherever_the_policy_is_kept(
    place: Callable[[Template], str],
) -> None:
    template, holder = with_access(place)
    security = diff_templates(copy.deepcopy(BASE), template).security
    assert [(c.resource, c.action, c.broadening) for c in security] == [(holder, "added", True)]
    assert security[0].statement["Action"] == ["dynamodb:*"]


def test_the_reader_names_holder_kind_and_attachment_of_each_document() -> None:
    template, _ = with_access(PLACES["IAM::RolePolicy"])
    found = [(d.holder, d.name, d.kind, d.attached_to) for d in policy_documents(template["Resources"])]
    assert found == [
        ("Role", "AssumeRolePolicyDocument", PolicyKind.TRUST, ("Role",)),
        ("TableAccess", "PolicyDocument", PolicyKind.IDENTITY, ({"Ref": "Role"},)),
    ]


RESOURCE_POLICIES: list[tuple[str, dict[str, Any], str, tuple[Any, ...]]] = [
    # (type, properties, the document's name, what it governs)
    (
        "AWS::S3::BucketPolicy",
        {"Bucket": {"Ref": "B"}, "PolicyDocument": TABLE_ACCESS},
        "PolicyDocument",
        ({"Ref": "B"},),
    ),
    ("AWS::SQS::QueuePolicy", {"Queues": ["q1", "q2"], "PolicyDocument": TABLE_ACCESS}, "PolicyDocument", ("q1", "q2")),
    ("AWS::KMS::Key", {"KeyPolicy": TABLE_ACCESS}, "KeyPolicy", ("X",)),
    (
        "AWS::Logs::ResourcePolicy",
        {"PolicyName": "p", "PolicyDocument": json.dumps(TABLE_ACCESS)},
        "PolicyDocument",
        ("X",),
    ),
    ("AWS::ECR::Repository", {"RepositoryPolicyText": TABLE_ACCESS}, "RepositoryPolicyText", ("X",)),
    ("AWS::ApiGateway::RestApi", {"Policy": TABLE_ACCESS}, "Policy", ("X",)),
    ("AWS::S3::AccessPoint", {"Bucket": "b", "Policy": TABLE_ACCESS}, "Policy", ("X",)),
    (
        "AWS::SecretsManager::ResourcePolicy",
        {"SecretId": "s", "ResourcePolicy": TABLE_ACCESS},
        "ResourcePolicy",
        ("s",),
    ),
    (
        "AWS::DynamoDB::Table",
        {"ResourcePolicy": {"PolicyDocument": TABLE_ACCESS}},
        "ResourcePolicy.PolicyDocument",
        ("X",),
    ),
]


@pytest.mark.parametrize(
    ("kind", "properties", "name", "attached"), RESOURCE_POLICIES, ids=[r[0] for r in RESOURCE_POLICIES]
)
def test_resource_policies_are_read_with_what_they_govern(
    kind: str, properties: dict[str, Any], name: str, attached: tuple[Any, ...]
) -> None:
    (document,) = policy_documents({"X": {"Type": kind, "Properties": properties}})
    assert (document.name, document.kind, document.attached_to) == (name, PolicyKind.RESOURCE, attached)
    assert [statement for _, statement in document.statements()] == TABLE_ACCESS["Statement"]


def test_an_event_bus_policy_is_one_statement() -> None:
    statement = {"Effect": "Allow", "Principal": "*", "Action": "events:PutEvents", "Resource": "*"}
    properties = {"EventBusName": "bus", "StatementId": "s", "Statement": statement}
    (document,) = policy_documents({"P": {"Type": "AWS::Events::EventBusPolicy", "Properties": properties}})
    assert [found for _, found in document.statements()] == [statement]
    assert document.attached_to == ("bus",)


def test_a_lambda_permission_reads_as_the_statement_it_adds() -> None:
    properties = {
        "FunctionName": {"Ref": "F"},
        "Action": "lambda:InvokeFunction",
        "Principal": "s3.amazonaws.com",
        "SourceAccount": {"Ref": "AWS::AccountId"},
    }
    (document,) = policy_documents({"P": {"Type": "AWS::Lambda::Permission", "Properties": properties}})
    assert [statement for _, statement in document.statements()] == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "s3.amazonaws.com"},
            "Action": "lambda:InvokeFunction",
            "Resource": {"Ref": "F"},
            "Condition": {"StringEquals": {"AWS:SourceAccount": {"Ref": "AWS::AccountId"}}},
        }
    ]
    assert document.attached_to == ({"Ref": "F"},)


def test_statements_carry_their_path_for_line_numbers_and_text_documents_their_property() -> None:
    template, _ = with_access(PLACES["inline Policies"])
    inline = next(d for d in policy_documents(template["Resources"]) if d.kind is PolicyKind.IDENTITY)
    assert [path for path, _ in inline.statements()] == [
        ("Properties", "Policies", "0", "PolicyDocument", "Statement", "0")
    ]
    template, _ = with_access(PLACES["inline Policies as JSON text"])
    text = next(d for d in policy_documents(template["Resources"]) if d.kind is PolicyKind.IDENTITY)
    assert text.from_text
    assert [path for path, _ in text.statements()] == [("Properties", "Policies", "0", "PolicyDocument")]


@pytest.mark.parametrize(
    "malformed",
    [None, "not json", 7, [], {"Statement": "x"}, {"Fn::If": ["C", TABLE_ACCESS, {"Ref": "AWS::NoValue"}]}],
)
def test_malformed_documents_never_raise(malformed: Any) -> None:
    resources = {
        "R": {"Type": "AWS::IAM::RolePolicy", "Properties": {"PolicyDocument": malformed}},
        "Q": {"Type": "AWS::IAM::Role", "Properties": {"Policies": [malformed, {"PolicyDocument": malformed}]}},
        "Odd": "not a resource",
    }
    documents = list(policy_documents(resources))
    assert {d.name for d in documents if d.holder == "Q"} == {"Policies/0", "Policies/1"}
    assert "Odd" not in {d.holder for d in documents}
    for document in documents:
        (unread,) = document.statements()  # an unreadable document is one statement: itself, or what it holds
        assert list(document.allow_statements()) == [], unread
