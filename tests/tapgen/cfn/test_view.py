"""The template view's reference reader: which logical ids a value points at."""

from __future__ import annotations

from typing import Any

import pytest

from tapgen.cfn.view import referenced_ids


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"Ref": "Key"}, {"Key"}),
        ({"Ref": "AWS::Region"}, {"AWS::Region"}),  # the caller tells parameters and resources apart
        ({"Fn::GetAtt": ["Key", "Arn"]}, {"Key"}),
        ({"Fn::GetAtt": "Key.Arn"}, {"Key"}),
        ({"Fn::Sub": "${Key.Arn}/x/${Bucket}"}, {"Key", "Bucket"}),
        ({"Fn::Sub": "arn:${AWS::Partition}:s3:::${!Literal}"}, set()),
        ({"Fn::Join": ["", [{"Ref": "A"}, [{"Fn::Select": [0, [{"Fn::GetAtt": ["B", "Arn"]}]]}]]]}, {"A", "B"}),
        ({"Fn::If": ["HasKey", {"Ref": "Key"}, {"Ref": "AWS::NoValue"}]}, {"Key", "AWS::NoValue"}),
        # the Sub's own variables are not logical ids; what their values reference is
        ({"Fn::Sub": ["${Key}-${Name}", {"Key": "literal", "Name": {"Ref": "Bucket"}}]}, {"Bucket"}),
        ("plain text ${Key}", set()),
    ],
)
def test_referenced_ids(value: Any, expected: set[str]) -> None:
    assert referenced_ids(value) == expected
