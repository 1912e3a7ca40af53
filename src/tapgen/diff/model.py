"""What a diff found: plain frozen records, rendered as text or JSON by `tapgen.diff.report`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tapgen.cfn.replacement_chain import ChainLink
from tapgen.cfn.values import ValueChange


@dataclass(frozen=True)
class ResourceDiff:
    """A resource added, removed or modified; for a modification, what changed and whether it replaces."""

    logical_id: str
    action: str  # "add", "remove" or "modify"
    resource_type: str
    stateful: bool
    properties: tuple[ValueChange, ...] = ()
    attributes: tuple[ValueChange, ...] = ()  # DeletionPolicy, DependsOn, Metadata, ... (not Properties)
    replacement: tuple[str, ...] = ()  # property paths that force replacement
    chained: tuple[ChainLink, ...] = ()  # for a replacement that follows from another: the references that cause it

    @property
    def destroys_data(self) -> bool:
        return self.stateful and (self.action == "remove" or bool(self.replacement))


@dataclass(frozen=True)
class EntryDiff:
    """An output, a parameter, or a top-level section that was added, removed or modified."""

    name: str
    action: str
    changes: tuple[ValueChange, ...]


BROADENING, NARROWING, NEUTRAL = "broadening", "narrowing", "neutral"


@dataclass(frozen=True)
class SecurityChange:
    """A permission or exposure added, removed or modified (a policy statement, a Lambda permission, an API route's
    authorization, a function URL, a security group rule, a bucket's public-access block), and whether it widens
    what someone may do (broadening), narrows it, or neither (neutral), with the reasons for that."""

    resource: str  # logical id of the resource that holds it
    resource_type: str
    policy: str  # where in the resource: "AssumeRolePolicyDocument", "Policies/<name>", "KeyPolicy", ...
    action: str  # "added", "removed" or "modified"
    statement: Any  # the statement as written (normalised lists), or the setting's before and after
    broadening: bool
    reasons: tuple[str, ...] = ()
    narrowing: bool = False

    @property
    def classification(self) -> str:
        if self.broadening:
            return BROADENING
        return NARROWING if self.narrowing else NEUTRAL


@dataclass(frozen=True)
class TemplateDiff:
    resources: tuple[ResourceDiff, ...]
    outputs: tuple[EntryDiff, ...]
    parameters: tuple[EntryDiff, ...]
    other: tuple[EntryDiff, ...]  # Description, Metadata, Conditions, Mappings, Rules, Transform
    security: tuple[SecurityChange, ...]

    @property
    def empty(self) -> bool:
        return not (self.resources or self.outputs or self.parameters or self.other or self.security)
