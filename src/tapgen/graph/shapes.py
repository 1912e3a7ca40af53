"""Reading a template that may be malformed: each helper answers with an empty value rather than failing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def listed(value: Any) -> list[Any]:
    """A list as it is, a single value as a list of one, nothing as an empty list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def mapping(value: Any) -> Mapping[str, Any]:
    """`value` if it is an object, else an empty one."""
    return value if isinstance(value, Mapping) else {}


def mappings(value: Any) -> list[Mapping[str, Any]]:
    """The objects among `listed(value)`."""
    return [item for item in listed(value) if isinstance(item, Mapping)]


def properties(resource: Any) -> Mapping[str, Any]:
    return mapping(mapping(resource).get("Properties"))
