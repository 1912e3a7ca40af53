"""Reading resources of either template for the security view; tolerant of anything a hand-edited template holds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tapgen.diff.security.statements import is_plain

Resources = Mapping[str, Any]


def dig(value: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        value = value.get(key, []) if is_plain(value) else []
    return value


def is_true(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def properties_of(resources: Resources, logical_id: str) -> Mapping[str, Any]:
    properties = resource_field(resources, logical_id, "Properties")
    return properties if isinstance(properties, Mapping) else {}


def resource_field(resources: Resources, logical_id: str, key: str) -> Any:
    resource = resources.get(logical_id)
    return resource.get(key) if isinstance(resource, Mapping) else None


def resource_ids(old: Resources, new: Resources, types: tuple[str, ...]) -> list[str]:
    """The logical ids, in order, of the resources of `types` in either template."""
    return [
        logical_id
        for logical_id in sorted(set(old) | set(new))
        if (resource_field(new, logical_id, "Type") or resource_field(old, logical_id, "Type")) in types
    ]
