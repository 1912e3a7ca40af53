"""A TemplateDiff for people (text) and for machines (JSON with stable keys, documented in the README)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from tapgen.cfn.values import ABSENT, ValueChange, shown
from tapgen.diff.model import EntryDiff, ResourceDiff, SecurityChange, TemplateDiff

NO_DIFFERENCES = "no differences"
SIGNS = {"add": "[+]", "remove": "[-]", "modify": "[~]", "added": "[+]", "removed": "[-]", "modified": "[~]"}
JSON_FORMAT_VERSION = 1


def as_json(diff: TemplateDiff, stack: str, stack_exists: bool, offline: bool = False) -> str:
    document = {
        "formatVersion": JSON_FORMAT_VERSION,
        "stack": stack,
        "offline": offline,
        "stackExists": stack_exists,
        "differences": not diff.empty,
        "resources": [_resource_json(r) for r in diff.resources],
        "security": [security_json(s) for s in diff.security],
        "outputs": [_entry_json(e) for e in diff.outputs],
        "parameters": [_entry_json(e) for e in diff.parameters],
        "other": [_entry_json(e) for e in diff.other],
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def _resource_json(resource: ResourceDiff) -> dict[str, Any]:
    return {
        "logicalId": resource.logical_id,
        "type": resource.resource_type,
        "action": resource.action,
        "stateful": resource.stateful,
        "replacement": bool(resource.replacement),
        "replacementPaths": list(resource.replacement),
        "replacementChain": [
            {"path": link.path, "references": link.target, "reason": link.reason} for link in resource.chained
        ],
        "destroysData": resource.destroys_data,
        "properties": [_change_json(c) for c in resource.properties],
        "attributes": [_change_json(c) for c in resource.attributes],
    }


def _change_json(change: ValueChange) -> dict[str, Any]:
    return {
        "path": change.joined,
        "property": change.path[0] if change.path else "",
        "change": change.kind,
        "before": None if change.before is ABSENT else change.before,
        "after": None if change.after is ABSENT else change.after,
    }


def _entry_json(entry: EntryDiff) -> dict[str, Any]:
    return {"name": entry.name, "action": entry.action, "changes": [_change_json(c) for c in entry.changes]}


def security_json(change: SecurityChange) -> dict[str, Any]:
    return {
        "resource": change.resource,
        "type": change.resource_type,
        "policy": change.policy,
        "change": change.action,
        "statement": change.statement,
        "classification": change.classification,
        "broadening": change.broadening,
        "reasons": list(change.reasons),
    }


def heading(stack: str, stack_exists: bool, offline: bool = False) -> str:
    """What is compared: two files offline (`OLD → NEW`), else the committed template with a stack."""
    if offline:
        return f"{stack}: changes"
    return f"{stack}: " + ("changes to the deployed stack" if stack_exists else "stack does not exist; all added")


def as_text(diff: TemplateDiff, stack: str, stack_exists: bool, offline: bool = False) -> str:
    if diff.empty:
        return f"{stack}: {NO_DIFFERENCES}\n"
    sections = [
        heading(stack, stack_exists, offline),
        *_section("Resources", [line for r in diff.resources for line in _resource_lines(r)]),
        *(["", *security_section(diff.security)] if diff.security else []),
        *_section("Outputs", [line for e in diff.outputs for line in _entry_lines(e)]),
        *_section("Parameters", [line for e in diff.parameters for line in _entry_lines(e)]),
        *_section("Other sections", [line for e in diff.other for line in _entry_lines(e)]),
    ]
    broadening = sum(s.broadening for s in diff.security)
    summary = f"{len(diff.resources)} resource(s) changed"
    summary += f", {broadening} permission broadening(s)" if broadening else ""
    losses = [r.logical_id for r in diff.resources if r.destroys_data]
    summary += f", data at risk in {', '.join(losses)}" if losses else ""
    return "\n".join([*sections, "", summary]) + "\n"


def _section(title: str, lines: list[str]) -> list[str]:
    return ["", title, *lines] if lines else []


def _resource_lines(resource: ResourceDiff) -> list[str]:
    marks = []
    if resource.stateful:
        marks.append("stateful")
    if resource.replacement:
        marks.append(f"REPLACED ({', '.join(resource.replacement)})")
    if resource.destroys_data:
        marks.append("<- data")
    head = f"{SIGNS[resource.action]} {resource.resource_type} {resource.logical_id}"
    lines = [f"{head}  {' '.join(marks)}".rstrip()]
    lines += [f"    replaced because {link.reason}" for link in resource.chained]
    replaced = set(resource.replacement)
    for change in resource.properties:
        forces = " [forces replacement]" if _under_any(change.path, replaced) else ""
        lines.append(f"    {_change_line(change)}{forces}")
    lines += [f"    {_change_line(change)}" for change in resource.attributes]
    return lines


def _under_any(path: tuple[str, ...], replaced: set[str]) -> bool:
    joined = "/".join(path)
    return any(joined == p or joined.startswith(p + "/") or p.startswith(joined + "/") for p in replaced)


def _change_line(change: ValueChange) -> str:
    where = change.joined or "(whole)"
    if change.kind == "added":
        return f"{where}: + {shown(change.after)}"
    if change.kind == "removed":
        return f"{where}: - {shown(change.before)}"
    return f"{where}: {shown(change.before)} → {shown(change.after)}"


def _entry_lines(entry: EntryDiff) -> list[str]:
    lines = [f"{SIGNS[entry.action]} {entry.name}"]
    return lines + [f"    {_change_line(change)}" for change in entry.changes]


def security_lines(change: SecurityChange) -> list[str]:
    """A change as `tapgen diff` and `tapgen deploy` show it: holder, policy, classification and reasons, then the
    statement or setting."""
    label = change.classification.upper() if change.broadening else change.classification
    flag = f"  {label}: {', '.join(change.reasons)}" if change.reasons else f"  {label}"
    head = f"{SIGNS[change.action]} {change.resource} ({change.resource_type}) {change.policy}{flag}"
    return [head, *(f"      {line}" for line in _statement_lines(change.statement))]


def security_section(changes: tuple[SecurityChange, ...]) -> list[str]:
    """The "Security changes" section with its count of broadenings; empty when there are no changes."""
    if not changes:
        return []
    broadening = sum(change.broadening for change in changes)
    lines = [line for change in changes for line in security_lines(change)]
    return [f"Security changes ({len(changes)}, {broadening} broadening)", *lines]


def _statement_lines(statement: Any) -> Iterable[str]:
    if not isinstance(statement, dict):
        return [shown(statement, 160)]
    return [f"{key}: {shown(value, 160)}" for key, value in statement.items() if key != "Sid" and value is not None]
