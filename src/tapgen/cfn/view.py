"""Read-only helpers over a parsed template: resources by type, references, policy statements.

Rules run on templates users edit by hand, so every accessor tolerates missing or odd values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from tapgen.cfn.policies import Path, PolicyDocument, PolicyKind, policy_documents
from tapgen.cfn.shapes import as_dict
from tapgen.cfn.stateful import STATEFUL_TYPES

Json = Any
SUB_REFERENCE = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}")


def as_json_text(value: Json) -> str:
    """`value` as JSON text, for messages and substring checks; YAML's dates (Version: 2012-10-17) as strings."""
    return json.dumps(value, default=str)


def is_true(value: Json) -> bool:
    """CloudFormation takes booleans as JSON true or as the string "true"."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


def is_false(value: Json) -> bool:
    return value is False or (isinstance(value, str) and value.lower() == "false")


def branches(value: Json) -> list[Json]:
    """Every value a property may take: both sides of each Fn::If, else the value itself."""
    condition = value.get("Fn::If") if isinstance(value, dict) and len(value) == 1 else None
    if isinstance(condition, list) and len(condition) == 3:
        return [*branches(condition[1]), *branches(condition[2])]
    return [value]


def referenced_ids(value: Json) -> set[str]:
    """Logical ids that `value` points at through Ref, Fn::GetAtt or Fn::Sub, at any depth."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.add(inner)
            elif key == "Fn::GetAtt":
                target = inner[0] if isinstance(inner, list) and inner else inner
                if isinstance(target, str):
                    found.add(target.split(".", 1)[0])
            elif key == "Fn::Sub":
                text = inner[0] if isinstance(inner, list) and inner else inner
                # A name the Sub's own variable map binds is that variable, not a logical id.
                bound = as_dict(inner[1]) if isinstance(inner, list) and len(inner) == 2 else {}
                if isinstance(text, str):
                    found.update(set(SUB_REFERENCE.findall(text)) - set(bound))
            found |= referenced_ids(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= referenced_ids(inner)
    return found


@dataclass(frozen=True)
class Resource:
    logical_id: str
    type: str
    body: dict[str, Json]

    @property
    def properties(self) -> dict[str, Json]:
        return as_dict(self.body.get("Properties"))

    def prop(self, *path: str) -> Json:
        """A nested property, or None where any step is missing."""
        value: Json = self.properties
        for step in path:
            value = value.get(step) if isinstance(value, dict) else None
        return value


class TemplateView:
    def __init__(self, template: dict[str, Json]) -> None:
        self.template = template
        resources = as_dict(template.get("Resources"))
        self.resources = [
            Resource(lid, str(body.get("Type", "")), body) for lid, body in resources.items() if isinstance(body, dict)
        ]

    @cached_property
    def policies(self) -> tuple[PolicyDocument, ...]:
        """Every policy document of the template, read by the one policy reader (`tapgen.cfn.policies`)."""
        return tuple(policy_documents(as_dict(self.template.get("Resources"))))

    def policies_of_kind(self, kind: PolicyKind) -> list[PolicyDocument]:
        return [policy for policy in self.policies if policy.kind is kind]

    def of_type(self, *types: str) -> list[Resource]:
        return [r for r in self.resources if r.type in types]

    def get(self, logical_id: str) -> Resource | None:
        return next((r for r in self.resources if r.logical_id == logical_id), None)

    @property
    def stack_keys(self) -> set[str]:
        return {r.logical_id for r in self.of_type("AWS::KMS::Key")}

    def uses_stack_key(self, value: Json) -> bool:
        """Whether a key property names a key of this template (or its alias) on every Fn::If branch."""
        aliases = {
            a.logical_id
            for a in self.of_type("AWS::KMS::Alias")
            if referenced_ids(a.prop("TargetKeyId")) & self.stack_keys
        }
        return all(referenced_ids(option) & (self.stack_keys | aliases) for option in branches(value))

    @property
    def rendered_by_tapgen(self) -> bool:
        """Whether tapgen rendered the template (it carries Metadata.tapgen): tapgen's own conventions apply."""
        return bool(as_dict(as_dict(self.template.get("Metadata")).get("tapgen")))

    @property
    def retains_data(self) -> bool:
        """tapgen marks environments that retain data; for other templates, any Retain policy says so."""
        marker = as_dict(as_dict(self.template.get("Metadata")).get("tapgen")).get("retainData")
        if isinstance(marker, bool):
            return marker
        return any(r.body.get("DeletionPolicy") == "Retain" for r in self.resources if r.type in STATEFUL_TYPES)


def allow_statements_at(view: TemplateView) -> Iterator[tuple[str, Path, dict[str, Json]]]:
    """(holder, path, statement) of each Allow of every identity policy, wherever the template keeps it."""
    for document in view.policies_of_kind(PolicyKind.IDENTITY):
        for path, statement in document.allow_statements():
            yield document.holder, path, statement
