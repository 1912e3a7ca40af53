"""Parameter values between the deployed stack and a deploy, and values with them filled in."""

from __future__ import annotations

from typing import Any

import pytest

from tapgen.cfn.parameters import changed_parameter_values, resolved

DECLARED = {"Parameters": {"Suffix": {"Type": "String", "Default": "dev"}, "Bucket": {"Type": "String"}}}


@pytest.mark.parametrize(
    ("old_values", "new_values", "new_template", "expected"),
    [
        ({"Suffix": "dev", "Bucket": "b"}, {"Suffix": "dev"}, DECLARED, {}),
        ({"Suffix": "dev", "Bucket": "b"}, {"Suffix": "qa"}, DECLARED, {"Suffix": ("dev", "qa")}),
        ({"Suffix": "dev", "Bucket": "b"}, {}, DECLARED, {}),  # not given: keeps its deployed value
        (  # a new parameter takes its default
            {"Suffix": "dev"},
            {},
            {"Parameters": {**DECLARED["Parameters"], "Mode": {"Type": "String", "Default": "x"}}},
            {"Mode": (None, "x")},
        ),
        ({}, {}, DECLARED, {}),
    ],
)
def test_changed_values(
    old_values: dict[str, str], new_values: dict[str, str], new_template: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert changed_parameter_values(DECLARED, new_template, old_values, new_values) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"Ref": "Suffix"}, "qa"),
        ({"Ref": "Other"}, {"Ref": "Other"}),
        ({"Fn::Sub": "tap-${Suffix}-${AWS::Region}"}, {"Fn::Sub": "tap-qa-${AWS::Region}"}),
        ({"Fn::Sub": ["${Suffix}-${X}", {"X": {"Ref": "Suffix"}}]}, {"Fn::Sub": ["qa-${X}", {"X": "qa"}]}),
        ({"Fn::Sub": ["${Suffix}", {"Suffix": "local"}]}, {"Fn::Sub": ["${Suffix}", {"Suffix": "local"}]}),
        ({"Fn::Sub": "${!Suffix}"}, {"Fn::Sub": "${!Suffix}"}),
        ([{"Ref": "Suffix"}, "x"], ["qa", "x"]),
    ],
)
def test_resolved_fills_in_changed_parameters(value: Any, expected: Any) -> None:
    assert resolved(value, {"Suffix": ("dev", "qa")}, 1) == expected
