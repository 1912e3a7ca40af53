"""A validator of the CloudWatch Embedded Metric Format specification's document structure.

Checks what the specification requires of a log line for CloudWatch to extract its metrics: the
`_aws` metadata (integer millisecond `Timestamp`, `CloudWatchMetrics` directives), each directive's
`Namespace`, `Dimensions` (sets of at most 30 keys whose root members are strings) and `Metrics`
(at most 100 definitions, `Name` referring to a numeric root member, `Unit` a CloudWatch unit,
`StorageResolution` 1 or 60), and no members the specification does not define in its own objects.
"""

from __future__ import annotations

import json
import math
from typing import Any

SIZES = (
    "Bytes",
    "Kilobytes",
    "Megabytes",
    "Gigabytes",
    "Terabytes",
    "Bits",
    "Kilobits",
    "Megabits",
    "Gigabits",
    "Terabits",
)
UNITS = frozenset(
    {"Seconds", "Microseconds", "Milliseconds", "Percent", "Count", "Count/Second", "None"}
    | {f"{size}{per}" for size in SIZES for per in ("", "/Second")}
)
METADATA_MEMBERS = {"Timestamp", "CloudWatchMetrics"}
DIRECTIVE_MEMBERS = {"Namespace", "Dimensions", "Metrics"}
DEFINITION_MEMBERS = {"Name", "Unit", "StorageResolution"}
MAX_DIMENSION_KEYS = 30
MAX_METRICS = 100
MAX_VALUES = 100
MAX_DIMENSION_VALUE = 1024
MAX_NAMESPACE = 255  # CloudWatch's own limit on namespaces


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def emf_problems(line: str) -> list[str]:
    """Every way `line` breaks the specification; empty when it is a valid EMF document."""
    try:
        root = json.loads(line)
    except ValueError as error:
        return [f"not one JSON value: {error}"]
    if not isinstance(root, dict):
        return ["the root is not a JSON object"]
    metadata = root.get("_aws")
    if not isinstance(metadata, dict):
        return ["_aws is missing or not an object"]
    problems = _undefined_members(metadata, "_aws", METADATA_MEMBERS)
    timestamp = metadata.get("Timestamp")
    if not isinstance(timestamp, int) or isinstance(timestamp, bool) or timestamp < 0:
        problems.append("_aws.Timestamp must be an integer number of milliseconds since the epoch")
    directives = metadata.get("CloudWatchMetrics")
    if not isinstance(directives, list):
        return [*problems, "_aws.CloudWatchMetrics must be an array"]
    for index, directive in enumerate(directives):
        problems.extend(_directive_problems(root, directive, f"CloudWatchMetrics[{index}]"))
    return problems


def _undefined_members(obj: dict[str, Any], where: str, defined: set[str]) -> list[str]:
    """The specification defines every member of its own objects: one problem per other member, sorted."""
    return [f"{where} has member {m!r} the specification does not define" for m in sorted(set(obj) - defined)]


def _directive_problems(root: dict[str, Any], directive: Any, where: str) -> list[str]:
    if not isinstance(directive, dict):
        return [f"{where} is not an object"]
    problems = _undefined_members(directive, where, DIRECTIVE_MEMBERS)
    namespace = directive.get("Namespace")
    if not isinstance(namespace, str) or not 1 <= len(namespace) <= MAX_NAMESPACE:
        problems.append(f"{where}.Namespace must be a string of 1 to {MAX_NAMESPACE} characters")
    dimensions = directive.get("Dimensions")
    if not isinstance(dimensions, list) or not dimensions:
        problems.append(f"{where}.Dimensions must be a non-empty array of DimensionSets")
    else:
        for index, keys in enumerate(dimensions):
            problems.extend(_dimension_set_problems(root, keys, f"{where}.Dimensions[{index}]"))
    metrics = directive.get("Metrics")
    if not isinstance(metrics, list) or len(metrics) > MAX_METRICS:
        problems.append(f"{where}.Metrics must be an array of at most {MAX_METRICS} MetricDefinitions")
    else:
        for index, definition in enumerate(metrics):
            problems.extend(_definition_problems(root, definition, f"{where}.Metrics[{index}]"))
    return problems


def _dimension_set_problems(root: dict[str, Any], keys: Any, where: str) -> list[str]:
    if not isinstance(keys, list) or len(keys) > MAX_DIMENSION_KEYS:
        return [f"{where} must be an array of at most {MAX_DIMENSION_KEYS} dimension keys"]
    problems = []
    for key in keys:
        value = root.get(key) if isinstance(key, str) else None
        if not isinstance(value, str) or not 0 < len(value) <= MAX_DIMENSION_VALUE:
            problems.append(f"{where}: dimension {key!r} must be a root member with a string value")
    return problems


def _definition_problems(root: dict[str, Any], definition: Any, where: str) -> list[str]:
    if not isinstance(definition, dict):
        return [f"{where} is not an object"]
    problems = _undefined_members(definition, where, DEFINITION_MEMBERS)
    name = definition.get("Name")
    value = root.get(name) if isinstance(name, str) else None
    values = value if isinstance(value, list) else [value]
    if not values or len(values) > MAX_VALUES or not all(is_number(v) for v in values):
        problems.append(f"{where}: metric {name!r} must be a root member holding a number or 1 to {MAX_VALUES} numbers")
    if "Unit" in definition and definition["Unit"] not in UNITS:
        problems.append(f"{where}.Unit {definition['Unit']!r} is not a CloudWatch unit")
    if "StorageResolution" in definition and definition["StorageResolution"] not in (1, 60):
        problems.append(f"{where}.StorageResolution must be 1 or 60")
    return problems
