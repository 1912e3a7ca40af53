"""Reading template JSON that may be malformed: each helper answers with an empty value rather than failing.

Shared by everything that reads templates it did not render: lint, diff, graph, the replacement predictor.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def as_list(value: Any) -> list[Any]:
    """A list as it is, a single value as a list of one, nothing as an empty list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def as_dict(value: Any) -> dict[str, Any]:
    """`value` if it is an object (decoded JSON or YAML: a dict), else an empty one."""
    return value if isinstance(value, dict) else {}


def mappings(value: Any) -> list[Mapping[str, Any]]:
    """The objects among `as_list(value)`."""
    return [item for item in as_list(value) if isinstance(item, Mapping)]


def properties(resource: Any) -> Mapping[str, Any]:
    return as_dict(as_dict(resource).get("Properties"))


def is_intrinsic(value: Any) -> bool:
    """`{"Ref": ...}`, `{"Fn::GetAtt": ...}`, `{"Condition": ...}`: a one-key mapping CloudFormation resolves."""
    if not isinstance(value, Mapping) or len(value) != 1:
        return False
    (key,) = value
    return key in ("Ref", "Condition") or str(key).startswith("Fn::")
