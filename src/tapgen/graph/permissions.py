"""Who may do what to which resource: role policies and resource policies as (principal, target, actions)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tapgen.cfn.policies import PERMISSION_TYPES, PolicyDocument, PolicyKind, policy_documents
from tapgen.cfn.shapes import as_list, properties
from tapgen.graph.references import Resolver, as_text, describe

ROLE = "AWS::IAM::Role"
Resources = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class Grant:
    """`principal` may perform `actions` on `target` (logical ids, or literal text for outside the stack)."""

    principal: str
    target: str
    actions: tuple[str, ...]
    detail: str


def target_id(resolver: Resolver, value: Any) -> str:
    """The logical id `value` names, or its literal text when it names nothing in the stack."""
    target = resolver.resolve(value)
    return target.logical_id if target else describe(value)


def role_grants(resources: Resources, resolver: Resolver) -> list[Grant]:
    """Every Allow statement of every identity policy (inline, attached or a `RolePolicy`), from each principal
    it is attached to."""
    return [
        Grant(principal, target, actions, detail)
        for policy in policy_documents(resources)
        if policy.kind is PolicyKind.IDENTITY
        for principal in _attached_principals(policy, resolver)
        for _, statement in policy.allow_statements()
        for target, actions, detail in _statement_targets(statement, resolver, [])
    ]


def _attached_principals(policy: PolicyDocument, resolver: Resolver) -> list[str]:
    if policy.governs_holder:
        return [policy.holder]
    return [target_id(resolver, principal) for principal in policy.attached_to]


def managed_policy_grants(resources: Resources) -> list[Grant]:
    """Managed policies attached by ARN: their actions are not in the template, only the attachment."""
    return [
        Grant(logical_id, describe(arn), (), f"ManagedPolicyArns: {describe(arn)}")
        for logical_id, resource in sorted(resources.items())
        if resource.get("Type") == ROLE
        for arn in as_list(properties(resource).get("ManagedPolicyArns"))
    ]


def resource_policy_grants(resources: Resources, resolver: Resolver) -> list[Grant]:
    """Allow statements of resource policies (key, bucket, queue, topic, secret...), from their principals;
    Lambda permissions are drawn by `invoke_permission_grants`."""
    grants: list[Grant] = []
    for policy in policy_documents(resources):
        if policy.kind is not PolicyKind.RESOURCE or policy.holder_type in PERMISSION_TYPES:
            continue
        attached = [target_id(resolver, item) for item in policy.attached_to]
        for _, statement in policy.allow_statements():
            for principal in _principals(statement.get("Principal"), resolver):
                grants.extend(
                    Grant(principal, target, actions, detail)
                    for target, actions, detail in _statement_targets(statement, resolver, attached)
                )
    return grants


def invoke_permission_grants(resources: Resources, resolver: Resolver) -> list[Grant]:
    """`AWS::Lambda::Permission`: from the source resource when it is in the stack, else from the principal."""
    grants: list[Grant] = []
    for logical_id, resource in sorted(resources.items()):
        if resource.get("Type") != "AWS::Lambda::Permission":
            continue
        props = properties(resource)
        principal = f"Service: {describe(props.get('Principal'))}"
        source = resolver.resolve(props.get("SourceArn")) if "SourceArn" in props else None
        detail = f"{logical_id}: {principal}" + (f" from {describe(props['SourceArn'])}" if source else "")
        grants.append(
            Grant(
                source.logical_id if source else principal,
                target_id(resolver, props.get("FunctionName")),
                (describe(props.get("Action")),),
                detail,
            )
        )
    return grants


def _statement_targets(
    statement: Mapping[str, Any], resolver: Resolver, policy_targets: list[str]
) -> list[tuple[str, tuple[str, ...], str]]:
    """(target, actions, detail) per resource of the statement; `*` in a resource policy is its own resource."""
    actions = tuple(sorted(describe(a) for a in as_list(statement.get("Action"))))
    if "NotAction" in statement:
        actions = tuple(sorted(f"NotAction {describe(a)}" for a in as_list(statement["NotAction"])))
    sid = str(statement.get("Sid", "(no Sid)"))
    condition = statement.get("Condition")
    condition_text = f" if {json.dumps(_texts(condition), sort_keys=True)}" if condition else ""
    found: list[tuple[str, tuple[str, ...], str]] = []
    for resource in as_list(statement.get("Resource")):
        targets = policy_targets if resource == "*" and policy_targets else [target_id(resolver, resource)]
        found.extend((target, actions, f"{sid}: {describe(resource)}{condition_text}") for target in targets)
    for resource in as_list(statement.get("NotResource")):
        found.append((f"NotResource {describe(resource)}", actions, f"{sid}: NotResource {describe(resource)}"))
    return found


def _principals(principal: Any, resolver: Resolver) -> list[str]:
    """Each principal as a logical id (a role of the stack) or as `Service: …` / `AWS: …` text."""
    if principal == "*":
        return ["AWS: *"]
    if not isinstance(principal, Mapping):
        return [describe(principal)]
    found = []
    for kind, values in sorted(principal.items()):
        for value in as_list(values):
            target = resolver.resolve(value)
            found.append(target.logical_id if target else f"{kind}: {describe(value)}")
    return found


def _texts(value: Any) -> Any:
    """Conditions with every intrinsic written as Sub text, for a readable detail."""
    if isinstance(value, Mapping):
        text = as_text(value)
        return text if text is not None else {k: _texts(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_texts(item) for item in value]
    return value


def merged(grants: Iterable[Grant]) -> dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]]:
    """(principal, target) → (sorted actions, sorted details): one edge per pair."""
    actions: dict[tuple[str, str], set[str]] = defaultdict(set)
    details: dict[tuple[str, str], set[str]] = defaultdict(set)
    for grant in grants:
        actions[grant.principal, grant.target].update(grant.actions)
        details[grant.principal, grant.target].add(grant.detail)
    return {pair: (tuple(sorted(actions[pair])), tuple(sorted(details[pair]))) for pair in sorted(actions)}
