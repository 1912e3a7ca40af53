"""Who may do what to which resource: role policies and resource policies as (principal, target, actions)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tapgen.cfn.policies import POLICY_ATTACHMENTS, RESOURCE_POLICY_DOCUMENTS
from tapgen.cfn.shapes import as_list, mappings, properties
from tapgen.graph.references import Resolver, as_text, describe

ROLE = "AWS::IAM::Role"
POLICY_TYPES = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")
# The resource policies drawn: a key's governs the key itself, the others what they are attached to.
DRAWN_RESOURCE_POLICIES = ("AWS::KMS::Key", "AWS::S3::BucketPolicy", "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy")
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
    """Every Allow statement of every role: inline policies and policies attached to it."""
    documents: list[tuple[str, Any]] = []
    for logical_id, resource in sorted(resources.items()):
        props = properties(resource)
        if resource.get("Type") == ROLE:
            documents.extend((logical_id, policy.get("PolicyDocument")) for policy in mappings(props.get("Policies")))
        elif resource.get("Type") in POLICY_TYPES:
            roles = [target_id(resolver, role) for role in as_list(props.get("Roles"))]
            documents.extend((role, props.get("PolicyDocument")) for role in roles)
    return [
        Grant(role, target, actions, detail)
        for role, document in documents
        for statement in _allow_statements(document)
        for target, actions, detail in _statement_targets(statement, resolver, [])
    ]


def managed_policy_grants(resources: Resources) -> list[Grant]:
    """Managed policies attached by ARN: their actions are not in the template, only the attachment."""
    return [
        Grant(logical_id, describe(arn), (), f"ManagedPolicyArns: {describe(arn)}")
        for logical_id, resource in sorted(resources.items())
        if resource.get("Type") == ROLE
        for arn in as_list(properties(resource).get("ManagedPolicyArns"))
    ]


def resource_policy_grants(resources: Resources, resolver: Resolver) -> list[Grant]:
    """Allow statements of key, bucket, queue and topic policies, from their principals."""
    grants: list[Grant] = []
    for logical_id, resource in sorted(resources.items()):
        kind = str(resource.get("Type"))
        if kind not in DRAWN_RESOURCE_POLICIES:
            continue
        props = properties(resource)
        attached_property, _ = POLICY_ATTACHMENTS.get(kind, ("", ""))
        attached = [target_id(resolver, item) for item in as_list(props.get(attached_property))] or [logical_id]
        for statement in _allow_statements(props.get(RESOURCE_POLICY_DOCUMENTS[kind])):
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


def _allow_statements(document: Any) -> list[Mapping[str, Any]]:
    if not isinstance(document, Mapping):
        return []
    return [s for s in as_list(document.get("Statement")) if isinstance(s, Mapping) and s.get("Effect") == "Allow"]


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
