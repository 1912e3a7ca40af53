"""Value-level differences and one-line rendering of values."""

from __future__ import annotations

from typing import Any

import pytest

from tapgen.cfn.values import ABSENT, shown, value_changes


def triples(before: Any, after: Any) -> list[tuple[str, Any, Any]]:
    return [(c.joined, c.before, c.after) for c in value_changes(before, after)]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ({"a": 1}, {"a": 1}, []),
        ({"a": 1}, {"a": "1"}, []),  # CloudFormation reads both as "1"
        ({"a": {"b": 1, "c": 2}}, {"a": {"b": 1, "c": 3}}, [("a/c", 2, 3)]),
        ({"a": 1}, {}, [("a", 1, ABSENT)]),
        ({}, {"a": [1]}, [("a", ABSENT, [1])]),
        ([1, 2, 3], [1, 9, 3], [("1", 2, 9)]),
        ([1, 2, 3], [1, 3], [("1", 2, ABSENT)]),
        ([1, 3], [0, 1, 3], [("0", ABSENT, 0)]),
        # intrinsic functions are leaves, shown as written
        ({"a": {"Ref": "X"}}, {"a": {"Ref": "Y"}}, [("a", {"Ref": "X"}, {"Ref": "Y"})]),
        ({"a": "x"}, {"a": {"Fn::Sub": "${X}"}}, [("a", "x", {"Fn::Sub": "${X}"})]),
        # JSON inside a string is compared inside
        ({"p": '{"k": [1, 2]}'}, {"p": '{"k": [1, 3]}'}, [("p/k/1", 2, 3)]),
        ({"p": '{"k": 1}'}, {"p": '{"k":1}'}, []),
    ],
)
def test_value_changes(before: Any, after: Any, expected: list[Any]) -> None:
    assert triples(before, after) == expected


def test_shown_values_are_one_short_line() -> None:
    assert shown("plain") == "plain"
    assert shown({"Ref": "X"}) == '{"Ref":"X"}'
    assert shown(ABSENT) == "(absent)"
    long = shown("x" * 500)
    assert len(long) == 80 and long.endswith("…")
    assert "\n" not in shown("a\nb")
