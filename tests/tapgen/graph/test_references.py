"""Intrinsics to text, and text to the logical ids it names."""

from __future__ import annotations

from typing import Any

import pytest

from tapgen.graph.references import Resolver, Target, as_text

BUCKET_NAME = "tap-${EnvironmentSuffix}-uploads-${AWS::AccountId}-${AWS::Region}"
RESOURCES: dict[str, Any] = {
    "UploadsBucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Fn::Sub": BUCKET_NAME}}},
    "LogsBucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Fn::Sub": BUCKET_NAME + "-logs"}}},
    "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {}},
    "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "dead-letters"}},
    "Fn": {"Type": "AWS::Lambda::Function", "Properties": {}},
    "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {}},
}


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param("plain", "plain", id="string"),
        pytest.param(30, "30", id="number"),
        pytest.param({"Ref": "Table"}, "${Table}", id="ref"),
        pytest.param({"Fn::GetAtt": ["Table", "Arn"]}, "${Table.Arn}", id="getatt-list"),
        pytest.param({"Fn::GetAtt": "Table.StreamArn"}, "${Table.StreamArn}", id="getatt-string"),
        pytest.param({"Fn::Sub": "a-${X}"}, "a-${X}", id="sub"),
        pytest.param(
            {"Fn::Sub": ["${T}/index/${I}", {"T": {"Fn::GetAtt": ["Table", "Arn"]}, "I": "byOwner"}]},
            "${Table.Arn}/index/byOwner",
            id="sub-with-variables",
        ),
        pytest.param(
            {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::b"]]},
            "arn:${AWS::Partition}:s3:::b",
            id="join",
        ),
        pytest.param({"Fn::If": ["C", "a", "b"]}, None, id="if-has-no-text"),
        pytest.param({"Fn::Join": ["", [{"Fn::If": ["C", "a", "b"]}]]}, None, id="join-of-if"),
        pytest.param(["a"], None, id="list"),
    ],
)
def test_as_text(value: Any, text: str | None) -> None:
    assert as_text(value) == text


@pytest.mark.parametrize(
    ("value", "target"),
    [
        pytest.param({"Ref": "Table"}, Target("Table"), id="ref"),
        pytest.param({"Fn::GetAtt": ["Queue", "Arn"]}, Target("Queue"), id="getatt"),
        pytest.param({"Fn::Sub": "${Table.Arn}/index/byOwner"}, Target("Table", "/index/byOwner"), id="index"),
        pytest.param(
            {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::{BUCKET_NAME}"},
            Target("UploadsBucket"),
            id="bucket-arn-from-literal-name",
        ),
        pytest.param(
            {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::{BUCKET_NAME}/uploads/*"},
            Target("UploadsBucket", "/uploads/*"),
            id="objects-of-bucket",
        ),
        pytest.param(
            {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::{BUCKET_NAME}-logs/*"},
            Target("LogsBucket", "/*"),
            id="longest-name-wins",
        ),
        pytest.param(
            {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::", {"Ref": "UploadsBucket"}, "/*"]]},
            Target("UploadsBucket", "/*"),
            id="join-of-ref",
        ),
        pytest.param(
            {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:dead-letters"},
            Target("Queue"),
            id="queue-arn-from-name",
        ),
        pytest.param(
            {"Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*"},
            Target("Api", "/*"),
            id="execute-api-arn",
        ),
        pytest.param({"Fn::Sub": "${TableX.Arn}"}, None, id="not-a-resource"),
        pytest.param({"Fn::Sub": "${Table}Suffix"}, None, id="no-boundary"),
        pytest.param({"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::{BUCKET_NAME}x"}, None, id="longer-name"),
        pytest.param("*", None, id="wildcard"),
        pytest.param({"Ref": "AWS::AccountId"}, None, id="pseudo-parameter"),
    ],
)
def test_resolve(value: Any, target: Target | None) -> None:
    assert Resolver(RESOURCES).resolve(value) == target


def test_mentioned_finds_a_function_inside_an_integration_uri() -> None:
    uri = {"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/functions/${Fn.Arn}/invocations"}
    assert Resolver(RESOURCES).mentioned(uri) == "Fn"
    assert Resolver(RESOURCES).mentioned("https://example.com") == "https://example.com"
