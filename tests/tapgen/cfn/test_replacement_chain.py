"""Chained replacements: a create-only property that references a replaced resource replaces its resource too."""

from __future__ import annotations

from typing import Any

import pytest

from tapgen.cfn.replacement_chain import ChainLink, chained_replacements, create_only_references, replaced_paths


def resource(kind: str, **properties: Any) -> dict[str, Any]:
    return {"Type": kind, "Properties": properties}


def permission(**properties: Any) -> dict[str, Any]:
    return resource(
        "AWS::Lambda::Permission", Action="lambda:InvokeFunction", Principal="s3.amazonaws.com", **properties
    )


IDS = {"Fn", "Key", "Queue", "Api"}


@pytest.mark.parametrize(
    ("template_resource", "expected"),
    [
        (permission(FunctionName={"Ref": "Fn"}), [("FunctionName", "Fn")]),
        (permission(FunctionName={"Fn::GetAtt": ["Fn", "Arn"]}), [("FunctionName", "Fn")]),
        (permission(FunctionName={"Fn::GetAtt": "Fn.Arn"}), [("FunctionName", "Fn")]),
        (
            resource("AWS::SNS::Subscription", Protocol="sqs", Endpoint={"Fn::Sub": "${Queue.Arn}"}, TopicArn="t"),
            [("Endpoint", "Queue")],
        ),
        (
            permission(FunctionName="f", SourceArn={"Fn::Join": ["", [{"Fn::GetAtt": ["Api", "Arn"]}, "/*"]]}),
            [("SourceArn", "Api")],
        ),
        (
            resource("AWS::RDS::DBInstance", KmsKeyId={"Fn::Select": [0, [{"Fn::GetAtt": ["Key", "Arn"]}]]}),
            [("KmsKeyId", "Key")],
        ),
        (
            resource(
                "AWS::RDS::DBInstance",
                KmsKeyId={"Fn::If": ["Encrypted", {"Fn::GetAtt": ["Key", "Arn"]}, {"Ref": "AWS::NoValue"}]},
            ),
            [("KmsKeyId", "Key")],
        ),
        # a known gap that is a pointer counts like the schema's own (the table's key schema)
        (
            resource("AWS::DynamoDB::Table", KeySchema=[{"AttributeName": {"Ref": "Fn"}, "KeyType": "HASH"}]),
            [("KeySchema", "Fn")],
        ),
        # not create-only: the key of a function's environment, a policy's queues
        (resource("AWS::Lambda::Function", FunctionName="f", KmsKeyArn={"Fn::GetAtt": ["Key", "Arn"]}), []),
        (resource("AWS::SQS::QueuePolicy", Queues=[{"Ref": "Queue"}], PolicyDocument={}), []),
        # parameters, pseudo-parameters, names bound by the Sub itself, unknown types: no resource
        (permission(FunctionName={"Ref": "FunctionNameParameter"}, SourceAccount={"Ref": "AWS::AccountId"}), []),
        (permission(FunctionName={"Fn::Sub": ["${Fn}", {"Fn": "literal"}]}), []),
        (resource("AWS::Nope::Thing", Name={"Ref": "Fn"}), []),
    ],
)
def test_create_only_references(template_resource: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    links = create_only_references(template_resource, IDS)
    assert [(link.path, link.target) for link in links] == expected


def queue(name: Any) -> dict[str, Any]:
    return resource("AWS::SQS::Queue", QueueName=name)


@pytest.mark.parametrize(
    ("resources", "replaced", "expected"),
    [
        pytest.param(
            {"Fn": resource("AWS::Lambda::Function"), "Perm": permission(FunctionName={"Ref": "Fn"})},
            {"Fn"},
            {"Perm": ["FunctionName references Fn, which is replaced"]},
            id="one step",
        ),
        pytest.param(
            {
                "A": resource("AWS::S3::Bucket", BucketName="a"),
                "B": resource("AWS::S3::Bucket", BucketName={"Fn::Sub": "${A}-logs"}),
                "C": resource("AWS::S3::BucketPolicy", Bucket={"Ref": "B"}, PolicyDocument={}),
            },
            {"A"},
            {"B": ["BucketName references A, which is replaced"], "C": ["Bucket references B, which is replaced"]},
            id="two steps",
        ),
        pytest.param(
            {
                "Fn": resource("AWS::Lambda::Function"),
                "A": queue({"Fn::Sub": "${Fn}-${B.QueueName}"}),
                "B": queue({"Fn::Sub": "${A.QueueName}-b"}),
                "C": queue({"Fn::Sub": "${D.QueueName}-c"}),
                "D": queue({"Fn::Sub": "${C.QueueName}-d"}),
            },
            {"Fn"},
            {
                "A": ["QueueName references B, which is replaced", "QueueName references Fn, which is replaced"],
                "B": ["QueueName references A, which is replaced"],
            },
            id="a cycle ends; one that nothing replaced reaches stays",
        ),
        pytest.param(
            {"A": queue({"Fn::Sub": "${B.QueueName}"}), "B": queue({"Fn::Sub": "${A.QueueName}"})},
            {"A"},
            {"B": ["QueueName references A, which is replaced"]},
            id="a cycle through a replaced resource",
        ),
        pytest.param(
            {"Fn": resource("AWS::Lambda::Function"), "New": permission(FunctionName={"Ref": "Fn"})},
            {"Fn"},
            {},
            id="a resource that did not exist before is created, not replaced",
        ),
    ],
)
def test_chained_replacements(resources: dict[str, Any], replaced: set[str], expected: dict[str, list[str]]) -> None:
    eligible = set(resources) - {"New"}
    chains = chained_replacements(resources, replaced, eligible)
    assert {logical_id: [link.reason for link in links] for logical_id, links in chains.items()} == expected


def test_the_paths_of_a_chain_are_named_once() -> None:
    links = [ChainLink("QueueName", "A"), ChainLink("QueueName", "B"), ChainLink("Tags/0/Key", "A")]
    assert replaced_paths(links) == ("QueueName", "Tags/0/Key")
