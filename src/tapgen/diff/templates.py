"""Compare two templates: resources, outputs, parameters and the other sections, with predicted replacements."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from tapgen.cfn.parameters import ParameterChanges, changed_parameter_values
from tapgen.cfn.replacement import predict_resource_replacement
from tapgen.cfn.replacement_chain import chained_replacements, replaced_paths
from tapgen.cfn.shapes import as_dict, properties
from tapgen.cfn.stateful import STATEFUL_TYPES
from tapgen.cfn.values import ABSENT, ValueChange, value_changes
from tapgen.diff.model import EntryDiff, ResourceDiff, TemplateDiff
from tapgen.diff.security import security_changes

Template = Mapping[str, Any]
SECTIONS_OF_THEIR_OWN = ("Resources", "Outputs", "Parameters")


def diff_templates(
    old: Template,
    new: Template,
    old_parameters: Mapping[str, str] | None = None,
    new_parameters: Mapping[str, str] | None = None,
    region: str = "us-east-1",
) -> TemplateDiff:
    """What deploying `new` (with `new_parameters`) over `old` (deployed with `old_parameters`) changes."""
    old_resources, new_resources = _section(old, "Resources"), _section(new, "Resources")
    values = changed_parameter_values(old, new, old_parameters or {}, new_parameters or {})
    direct = [
        diff
        for logical_id in sorted(set(old_resources) | set(new_resources))
        if (diff := _resource_diff(logical_id, old_resources, new_resources, values, region)) is not None
    ]
    return TemplateDiff(
        resources=_with_chained_replacements(direct, old_resources, new_resources, region),
        outputs=_entries(_section(old, "Outputs"), _section(new, "Outputs")),
        parameters=_parameter_entries(old, new, values),
        other=_entries(
            {k: v for k, v in old.items() if k not in SECTIONS_OF_THEIR_OWN},
            {k: v for k, v in new.items() if k not in SECTIONS_OF_THEIR_OWN},
        ),
        security=security_changes(old_resources, new_resources),
    )


def _section(template: Template, name: str) -> Mapping[str, Any]:
    section = template.get(name, {})
    return section if isinstance(section, Mapping) else {}


def _resource_diff(
    logical_id: str,
    old_resources: Mapping[str, Any],
    new_resources: Mapping[str, Any],
    parameter_values: ParameterChanges,
    region: str,
) -> ResourceDiff | None:
    old, new = old_resources.get(logical_id), new_resources.get(logical_id)
    if old is None or new is None:
        present = new if old is None else old
        kind = str(as_dict(present).get("Type", ""))
        return ResourceDiff(logical_id, "add" if old is None else "remove", kind, kind in STATEFUL_TYPES)
    old, new = as_dict(old), as_dict(new)
    property_changes = value_changes(properties(old), properties(new))
    attributes = tuple(
        change
        for key in sorted((set(old) | set(new)) - {"Properties"})
        for change in value_changes(old.get(key, ABSENT), new.get(key, ABSENT), (key,))
    )
    if not (property_changes or attributes or parameter_values):
        return None  # unchanged: no need to ask the schemas (cfn-lint's import alone takes a second)
    replacement = predict_resource_replacement(old, new, region, parameter_values)
    if not (property_changes or attributes or replacement):
        return None
    kind = str(new.get("Type", ""))
    return ResourceDiff(logical_id, "modify", kind, kind in STATEFUL_TYPES, property_changes, attributes, replacement)


def _with_chained_replacements(
    diffs: list[ResourceDiff], old_resources: Mapping[str, Any], new_resources: Mapping[str, Any], region: str
) -> tuple[ResourceDiff, ...]:
    """The diffs plus the replacements that follow from theirs, each marked with the references that cause it."""
    replaced = [diff.logical_id for diff in diffs if diff.action == "modify" and diff.replacement]
    if not replaced:
        return tuple(diffs)  # nothing replaced, nothing to follow (and no schema to read)
    eligible = set(old_resources) & set(new_resources)
    chains = chained_replacements(new_resources, replaced, eligible, region)
    by_id = {diff.logical_id: diff for diff in diffs}
    for logical_id, links in chains.items():
        kind = str(as_dict(new_resources[logical_id]).get("Type", ""))
        diff = by_id.get(logical_id) or ResourceDiff(logical_id, "modify", kind, kind in STATEFUL_TYPES)
        by_id[logical_id] = dataclasses.replace(diff, replacement=replaced_paths(links), chained=links)
    return tuple(by_id[logical_id] for logical_id in sorted(by_id))


def _entries(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[EntryDiff, ...]:
    entries = []
    for name in sorted(set(old) | set(new), key=str):
        changes = value_changes(old.get(name, ABSENT), new.get(name, ABSENT))
        if changes:
            entries.append(EntryDiff(str(name), _action(name, old, new), changes))
    return tuple(entries)


def _action(name: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    if name not in old:
        return "add"
    return "remove" if name not in new else "modify"


def _parameter_entries(old: Template, new: Template, values: ParameterChanges) -> tuple[EntryDiff, ...]:
    declared_old, declared_new = _section(old, "Parameters"), _section(new, "Parameters")
    by_name = {entry.name: entry for entry in _entries(declared_old, declared_new)}
    for name, (before, after) in values.items():
        value = ValueChange(("Value",), ABSENT if before is None else before, ABSENT if after is None else after)
        declaration = by_name.get(name)
        if declaration is None:
            by_name[name] = EntryDiff(name, "modify", (value,))
        else:
            by_name[name] = EntryDiff(name, declaration.action, (*declaration.changes, value))
    return tuple(by_name[name] for name in sorted(by_name))
