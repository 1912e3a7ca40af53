"""An approved plan: the JSON of `tapgen diff --env NAME --format json`, reviewed (say in a pull request) and later
handed to `tapgen deploy --approve`. A deploy proceeds only when its security changes are exactly the plan's,
compared by content (resource, policy, change and statement), never by the file's hash."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tapgen.cfn.values import canonical
from tapgen.diff.model import SecurityChange
from tapgen.diff.report import JSON_FORMAT_VERSION, security_json
from tapgen.files import FileTooLarge, os_error_reason, read_bounded

PLAN_BYTES_LIMIT = 16 * 1024 * 1024
COMPARED = ("resource", "type", "policy", "change", "statement")


class PlanError(Exception):
    """The plan file cannot be used: unreadable, not a diff's JSON, or for another stack."""


@dataclass(frozen=True)
class ApprovedPlan:
    """The reviewed security changes of each region (`""`: a diff of one region, for any region)."""

    stack: str
    regions: Mapping[str, tuple[Mapping[str, Any], ...]]


def read_plan(path: Path) -> ApprovedPlan:
    """The plan's stack and security changes, of one region or keyed by region (a diff of several regions);
    a precise PlanError for anything else."""
    try:
        document = json.loads(read_bounded(path, PLAN_BYTES_LIMIT))
    except FileTooLarge:
        raise PlanError(f"{path} is larger than {PLAN_BYTES_LIMIT} bytes: not a plan") from None
    except OSError as error:
        raise PlanError(f"{path}: cannot read it: {os_error_reason(error)}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise PlanError(f"{path} is not JSON ({error}): write it with `tapgen diff --env NAME --format json`") from None
    if isinstance(document, dict) and "formatVersion" not in document and document:
        sections = {region: _section(path, value) for region, value in sorted(document.items())}
    else:
        sections = {"": _section(path, document)}
    stacks = {stack for stack, _ in sections.values()}
    if len(stacks) != 1:
        raise PlanError(f"{path}: its regions are of different stacks ({', '.join(sorted(stacks))})")
    return ApprovedPlan(stacks.pop(), {region: security for region, (_, security) in sections.items()})


def _section(path: Path, document: Any) -> tuple[str, tuple[Mapping[str, Any], ...]]:
    if not isinstance(document, dict) or document.get("formatVersion") != JSON_FORMAT_VERSION:
        raise PlanError(f"{path} is not the JSON of `tapgen diff --format json` (formatVersion {JSON_FORMAT_VERSION})")
    security = document.get("security")
    if not isinstance(security, list) or not all(_is_record(entry) for entry in security):
        raise PlanError(f"{path}: 'security' must be a list of security changes, as `tapgen diff` writes it")
    return str(document.get("stack", "")), tuple(security)


def plan_differences(
    plan: ApprovedPlan, stack: str, changes: Iterable[SecurityChange], region: str = ""
) -> tuple[str, ...]:
    """How the deploy's security changes (in `region`) differ from the plan's; empty when exactly the same."""
    if plan.stack != stack:
        return (f"the plan is for stack {plan.stack!r}, this deploy is of {stack!r}",)
    approved_changes = plan.regions.get(region, plan.regions.get(""))
    if approved_changes is None:
        return (f"the plan has no section for region {region} (it has {', '.join(plan.regions)})",)
    changes = list(changes)
    approved = Counter(_key(entry) for entry in approved_changes)
    present = Counter(_key(security_json(change)) for change in changes)
    found = {_key(security_json(change)): change for change in changes}
    missing = [key for key in approved if approved[key] > present[key]]
    extra = [key for key in present if present[key] > approved[key]]
    return (
        *(f"not in the plan: {describe(found[key])}" for key in extra),
        *(
            f"in the plan but not in this deploy: {_described(entry)}"
            for entry in approved_changes
            if _key(entry) in missing
        ),
    )


def describe(change: SecurityChange) -> str:
    """One line naming a security change: holder, policy, what happened and its classification."""
    return f"{change.resource} {change.policy} {change.action} ({change.classification})"


def _described(entry: Mapping[str, Any]) -> str:
    return f"{entry.get('resource')} {entry.get('policy')} {entry.get('change')}"


def _key(entry: Mapping[str, Any]) -> str:
    return canonical([entry.get(name) for name in COMPARED])


def _is_record(entry: Any) -> bool:
    return isinstance(entry, dict) and all(isinstance(entry.get(name), str) for name in COMPARED[:4])
