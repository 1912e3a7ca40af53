"""REST API rules on values a hand-edited template may hold: never an exception, always a finding where due."""

from __future__ import annotations

from typing import Any

import pytest

from tapgen.lint.engine import tapgen_findings


def method(**properties: Any) -> dict[str, Any]:
    base = {"RestApiId": {"Ref": "Api"}, "ResourceId": {"Fn::GetAtt": ["Api", "RootResourceId"]}}
    return {
        "Resources": {
            "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "a"}},
            "Method": {"Type": "AWS::ApiGateway::Method", "Properties": {**base, **properties}},
        }
    }


@pytest.mark.parametrize(
    ("properties", "shown"),
    [
        ({"HttpMethod": ["GET"], "AuthorizationType": "NONE"}, "(NONE)"),
        # lint reads each branch of a condition: the open one is the finding
        ({"HttpMethod": "GET", "AuthorizationType": {"Fn::If": ["Open", "NONE", "AWS_IAM"]}}, "(NONE)"),
        ({"HttpMethod": {"Ref": "Verb"}, "AuthorizationType": ["AWS_IAM"]}, '["AWS_IAM"]'),
    ],
)
def test_an_odd_method_or_authorization_is_a_finding_not_a_crash(properties: dict[str, Any], shown: str) -> None:
    found = [f for f in tapgen_findings(method(**properties)) if f.rule == "TAP021"]
    assert [f.resource for f in found] == ["Method"]
    assert shown in found[0].message
