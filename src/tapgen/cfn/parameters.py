"""Parameter values: which ones change between the deployed stack and a deploy, and values with them filled in."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tapgen.cfn.shapes import as_dict

ParameterChanges = Mapping[str, tuple[str | None, str | None]]
"""Parameter name -> (deployed value, value to deploy), for the parameters whose value changes."""


def changed_parameter_values(
    old: Mapping[str, Any], new: Mapping[str, Any], old_values: Mapping[str, str], new_values: Mapping[str, str]
) -> dict[str, tuple[str | None, str | None]]:
    """The values that change from the deployed stack (`old` template, `old_values`) to a deploy of `new` with
    `new_values`: a parameter not given keeps its deployed value, or takes its default when it is new."""
    if not (old_values or new_values):
        return {}
    declared_old, declared_new = _section(old, "Parameters"), _section(new, "Parameters")
    changed = {}
    for name in sorted(set(old_values) | set(new_values) | set(declared_new)):
        before = old_values.get(name, _default(declared_old, name))
        after = new_values.get(name, old_values.get(name) if name in declared_old else _default(declared_new, name))
        if before != after:
            changed[name] = (before, after)
    return changed


def _default(declared: Mapping[str, Any], name: str) -> str | None:
    default = as_dict(declared.get(name)).get("Default")
    return None if default is None else str(default)


def _section(template: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    section = template.get(name, {})
    return section if isinstance(section, Mapping) else {}


_SUB_VARIABLE = re.compile(r"\$\{([^}!]+)\}")


def resolved(value: Any, changes: ParameterChanges, side: int) -> Any:
    """`value` with each changed parameter's Ref and ${Name} replaced by its value on one side (0 deployed,
    1 to deploy), so a bucket renamed by a parameter shows as the replacement it is though the text is the same."""
    if not changes:
        return value
    if isinstance(value, list):
        return [resolved(item, changes, side) for item in value]
    if not isinstance(value, Mapping):
        return value
    if set(value) == {"Ref"} and value["Ref"] in changes:
        return changes[value["Ref"]][side]
    if set(value) == {"Fn::Sub"}:
        return {"Fn::Sub": _resolved_sub(value["Fn::Sub"], changes, side)}
    return {key: resolved(item, changes, side) for key, item in value.items()}


def _resolved_sub(argument: Any, changes: ParameterChanges, side: int) -> Any:
    pair = isinstance(argument, list) and len(argument) == 2
    text, variables = (argument[0], as_dict(argument[1])) if pair else (argument, {})
    if not isinstance(text, str):
        return argument

    def value_of(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in changes and name not in variables:
            return str(changes[name][side])
        return match.group(0)

    text = _SUB_VARIABLE.sub(value_of, text)
    return [text, resolved(variables, changes, side)] if pair else text
