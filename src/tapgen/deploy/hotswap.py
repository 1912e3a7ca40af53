"""Whether a change can be hotswapped: the deployed template against the fresh render, resource by resource.

Pure: no AWS calls. A difference can be hotswapped when it is confined to functions' code (`Code.S3Key`, the
zip's content hash) and to environment variables whose old and new values are both plain strings (such as
`TAP_APP_VERSION`, derived from the api zip's digest). Anything else (a memory size, a policy, an output, a
variable that refers to a resource, a resource added or removed) forces a change-set deploy, and is named.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

FUNCTION_TYPE = "AWS::Lambda::Function"
SHOWN_BLOCKERS = 3


@dataclass(frozen=True)
class HotswapPlan:
    """What a hotswap would change, or why it cannot: `blockers` empty means it can."""

    code: Mapping[str, str]  # logical id -> S3 key of the code the render names, for every function of the render
    variables: Mapping[str, Mapping[str, str]]  # logical id -> the render's plain-string environment variables
    blockers: tuple[str, ...]

    @property
    def possible(self) -> bool:
        return not self.blockers

    def reason(self) -> str:
        """The blockers in one line: the first few, and how many more."""
        shown = "; ".join(self.blockers[:SHOWN_BLOCKERS])
        more = len(self.blockers) - SHOWN_BLOCKERS
        return shown + (f"; and {more} more" if more > 0 else "")


def plan_hotswap(
    deployed: Mapping[str, Any],
    proposed: Mapping[str, Any],
    deployed_parameters: Mapping[str, str],
    parameters: Mapping[str, str],
) -> HotswapPlan:
    """Compare the stack's template and parameters with what a deploy would submit."""
    blockers = [
        f"parameter {name} changes ({deployed_parameters.get(name)!r} -> {value!r})"
        for name, value in sorted(parameters.items())
        if deployed_parameters.get(name) != value
    ]
    for section in sorted(set(deployed) | set(proposed)):
        if section != "Resources" and deployed.get(section) != proposed.get(section):
            blockers.append(f"template section {section} changes")
    old, new = _resources(deployed), _resources(proposed)
    blockers += [f"resource {lid} is added" for lid in sorted(set(new) - set(old))]
    blockers += [f"resource {lid} is removed" for lid in sorted(set(old) - set(new))]
    for logical_id in sorted(set(old) & set(new)):
        if old[logical_id] != new[logical_id]:
            blockers += resource_blockers(logical_id, old[logical_id], new[logical_id])
    code = {lid: _code_key(r) for lid, r in new.items() if r.get("Type") == FUNCTION_TYPE}
    variables = {lid: literal_variables(r) for lid, r in new.items() if r.get("Type") == FUNCTION_TYPE}
    return HotswapPlan(code, variables, tuple(blockers))


def resource_blockers(logical_id: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Why the change of one resource cannot be hotswapped (empty: it can)."""
    if old.get("Type") != FUNCTION_TYPE or new.get("Type") != FUNCTION_TYPE:
        changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        if changed == ["Properties"]:
            changed = [f"Properties.{p}" for p in _changed_keys(old["Properties"], new["Properties"])]
        return [f"{logical_id} ({new.get('Type')}) changes {', '.join(changed)}"]
    blockers = [f"{logical_id} changes {key}" for key in _changed_keys(old, new) if key != "Properties"]
    before, after = old.get("Properties", {}), new.get("Properties", {})
    for key in _changed_keys(before, after):
        if key == "Code":
            code_keys = [k for k in _changed_keys(before.get("Code", {}), after.get("Code", {})) if k != "S3Key"]
            blockers += [f"{logical_id} changes Code.{k}" for k in code_keys]
            if not isinstance(after.get("Code", {}).get("S3Key"), str):
                blockers.append(f"{logical_id} names its code with an expression, not a key")
        elif key == "Environment":
            blockers += _variable_blockers(logical_id, before.get(key, {}), after.get(key, {}))
        else:
            blockers.append(f"{logical_id} changes {key}")
    return blockers


def _variable_blockers(logical_id: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    if set(before) - {"Variables"} or set(after) - {"Variables"}:
        return [f"{logical_id} changes Environment"]
    old, new = before.get("Variables", {}), after.get("Variables", {})
    blockers = [f"{logical_id} adds environment variable {name}" for name in sorted(set(new) - set(old))]
    blockers += [f"{logical_id} removes environment variable {name}" for name in sorted(set(old) - set(new))]
    for name in sorted(set(old) & set(new)):
        if old[name] != new[name] and not (isinstance(old[name], str) and isinstance(new[name], str)):
            blockers.append(f"{logical_id} changes environment variable {name} (not a plain value)")
    return blockers


def literal_variables(resource: Mapping[str, Any]) -> dict[str, str]:
    """A function's environment variables whose values are plain strings in the template."""
    variables = resource.get("Properties", {}).get("Environment", {}).get("Variables", {})
    return {name: value for name, value in variables.items() if isinstance(value, str)}


def _resources(template: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    resources = template.get("Resources", {})
    return dict(resources) if isinstance(resources, Mapping) else {}


def _code_key(resource: Mapping[str, Any]) -> str:
    key = resource.get("Properties", {}).get("Code", {}).get("S3Key")
    return key if isinstance(key, str) else ""


def _changed_keys(old: Any, new: Any) -> list[str]:
    if not isinstance(old, Mapping) or not isinstance(new, Mapping):
        return ["(whole value)"] if old != new else []
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
