"""Replacements that follow from other replacements, predicted offline.

A resource whose create-only property references a replaced resource (by `Ref`, `Fn::GetAtt` or `${Name}` in
`Fn::Sub`, at any depth) is replaced too: the value it references (a physical id, an ARN, a name) changes with
the new resource. CloudFormation lists such a resource as `Replacement: Conditional`; moto does not list it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tapgen.cfn.replacement import replacement_rules, values_under
from tapgen.cfn.shapes import as_dict, properties
from tapgen.cfn.view import referenced_ids


@dataclass(frozen=True)
class ChainLink:
    """A create-only property of a resource (`path`, relative to its Properties) that references `target`."""

    path: str
    target: str

    @property
    def reason(self) -> str:
        return f"{self.path} references {self.target}, which is replaced"


def create_only_references(resource: Any, resource_ids: Collection[str], region: str = "us-east-1") -> list[ChainLink]:
    """Each resource of `resource_ids` that a template resource's create-only properties reference, by path.

    Only the pointers are read: a known gap that is a function compares values (a key attribute's type) that
    never name a resource. A `Ref` to a parameter or pseudo-parameter names no resource, so it is no link.
    """
    kind = str(as_dict(resource).get("Type", ""))
    links = [
        ChainLink(path, target)
        for rule in replacement_rules(kind, region)
        if isinstance(rule, str)
        for path, value in values_under(rule, properties(resource))
        for target in sorted(referenced_ids(value) & set(resource_ids))
    ]
    return list(dict.fromkeys(links))


def chained_replacements(
    resources: Mapping[str, Any], replaced: Iterable[str], eligible: Collection[str], region: str = "us-east-1"
) -> dict[str, tuple[ChainLink, ...]]:
    """The `eligible` resources (those that exist before and after) replaced because a create-only property
    references a replaced one, transitively from `replaced`, until nothing changes; each with its links to
    resources replaced in the end. `resources` is the template section to deploy: only its references count."""
    links = {
        logical_id: create_only_references(resources[logical_id], resources, region)
        for logical_id in sorted(eligible)
        if logical_id in resources
    }
    dependents: dict[str, set[str]] = {}
    for logical_id, own in links.items():
        for link in own:
            dependents.setdefault(link.target, set()).add(logical_id)
    direct = set(replaced)
    closed, pending = set(direct), sorted(direct)
    while pending:  # each resource is queued at most once, so a reference cycle ends the walk
        for dependent in sorted(dependents.get(pending.pop(), set()) - closed):
            closed.add(dependent)
            pending.append(dependent)
    return {
        logical_id: tuple(link for link in links[logical_id] if link.target in closed)
        for logical_id in sorted(closed - direct)
    }


def replaced_paths(links: Iterable[ChainLink]) -> tuple[str, ...]:
    """The create-only paths that hold the links, once each: what a chained replacement shows as its cause."""
    return tuple(dict.fromkeys(link.path for link in links))
