"""Changes to policy statements, attached managed policies and permissions boundaries, read through the one
policy reader (`tapgen.cfn.policies`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tapgen.cfn.policies import IDENTITY_HOLDERS, PERMISSION_TYPES, PolicyDocument, policy_documents
from tapgen.cfn.values import canonical
from tapgen.diff.model import SecurityChange
from tapgen.diff.security.resources import Resources, properties_of, resource_field
from tapgen.diff.security.statements import Statement, covered, likeness, normalised_written, statement_of, widenings


@dataclass(frozen=True)
class _Located:
    """A statement and where it lives: resource, policy within it, and the group whose old statements cover it."""

    resource: str
    resource_type: str
    policy: str
    group: str
    statement: Statement


def statement_changes(old: Resources, new: Resources) -> Iterator[SecurityChange]:
    """Statements added and removed, compared by content within each policy."""
    yield from _located_changes(list(_statements(old)), list(_statements(new)))


def _located_changes(before: list[_Located], after: list[_Located]) -> Iterator[SecurityChange]:
    old_keys = {(s.resource, s.policy, s.statement.identity) for s in before}
    new_keys = {(s.resource, s.policy, s.statement.identity) for s in after}
    removed = [s for s in before if (s.resource, s.policy, s.statement.identity) not in new_keys]
    added = [s for s in after if (s.resource, s.policy, s.statement.identity) not in old_keys]
    rewritten = {group for group in {s.group for s in (*removed, *added)} if _same_access(group, before, after)}
    for located in removed:
        if located.group not in rewritten:
            yield _change(located, "removed", *_removed_reasons(located, after))
    for located in added:
        if located.group not in rewritten:
            yield _change(located, "added", *_added_reasons(located, before, removed))


def _same_access(group: str, before: list[_Located], after: list[_Located]) -> bool:
    """Whether a group's statements allow and deny exactly what they did (an equivalent rewrite: statements
    split, merged, moved between a principal's inline policies)."""
    old = [s.statement for s in before if s.group == group]
    new = [s.statement for s in after if s.group == group]
    if any(s.effect not in ("Allow", "Deny") for s in (*old, *new)):
        return False
    return all(covered(o, new) for o in old) and all(covered(n, old) for n in new)


def _change(located: _Located, action: str, broadening: bool, reasons: tuple[str, ...]) -> SecurityChange:
    return SecurityChange(
        resource=located.resource,
        resource_type=located.resource_type,
        policy=located.policy,
        action=action,
        statement=normalised_written(located.statement.written),
        broadening=broadening,
        reasons=reasons,
        narrowing=not broadening and bool(reasons) and reasons[0] in NARROWING_REASONS,
    )


ALLOW_REMOVED = "Allow removed"
DENY_ADDED = "Deny added"
NARROWING_REASONS = (ALLOW_REMOVED, DENY_ADDED)


def _added_reasons(located: _Located, before: list[_Located], removed: list[_Located]) -> tuple[bool, tuple[str, ...]]:
    """Whether an added statement widens access, and why (or why not)."""
    statement = located.statement
    if statement.effect == "Deny":
        return False, (DENY_ADDED,)
    if statement.effect != "Allow":
        return True, ("statement not readable offline",)
    olds = [s.statement for s in before if s.group == located.group and s.statement.effect == "Allow"]
    if covered(statement, olds):
        return False, ("already allowed by another statement",)
    edited = [s.statement for s in removed if s.group == located.group and s.statement.effect == "Allow"]
    if not edited:
        return True, ("new Allow statement",)
    closest = max(edited, key=lambda old: likeness(old, statement))
    return True, widenings(closest, statement) or ("new Allow statement",)


def _removed_reasons(located: _Located, after: list[_Located]) -> tuple[bool, tuple[str, ...]]:
    statement = located.statement
    if statement.effect != "Deny":
        return False, (ALLOW_REMOVED,)
    news = [s.statement for s in after if s.group == located.group and s.statement.effect == "Deny"]
    if covered(statement, news):
        return False, ("still denied by another statement",)
    return True, ("Deny removed or narrowed",)


def _statements(resources: Resources) -> Iterator[_Located]:
    for policy in policy_documents(resources):
        for _, written in policy.statements():
            yield _Located(policy.holder, policy.holder_type, policy.name, _group(policy), statement_of(written))


def _group(policy: PolicyDocument) -> str:
    """The policies whose old statements cover a new one: a principal's inline policies together, its trust
    apart, a permission by the function it opens; any other policy alone."""
    if policy.holder_type in PERMISSION_TYPES:
        return f"permission:{canonical(list(policy.attached_to))}"
    if policy.holder_type in IDENTITY_HOLDERS:
        return f"{policy.holder}#{policy.kind}"
    return policy.holder


# Lists of references that grant access as they grow: (resource types, property, why an added entry widens).
GRANTING_LISTS = (
    (IDENTITY_HOLDERS, "ManagedPolicyArns", "managed policy attached"),
    (("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"), "Roles", "policy attached to another role"),
    (("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"), "Users", "policy attached to another user"),
    (("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"), "Groups", "policy attached to another group"),
)


def granting_list_changes(old: Resources, new: Resources) -> Iterator[SecurityChange]:
    """Managed policies attached to a role, and policies attached to more principals; a policy's first
    attachments are not listed apart from its statements (they are new along with it)."""
    for logical_id in sorted(set(old) | set(new)):
        kind = str(resource_field(new, logical_id, "Type") or resource_field(old, logical_id, "Type"))
        for kinds, key, why in GRANTING_LISTS:
            if kind not in kinds or (key != "ManagedPolicyArns" and logical_id not in old):
                continue
            before, after = _entries_of(old, logical_id, key), _entries_of(new, logical_id, key)
            for entry in sorted(before.keys() - after.keys()):
                yield SecurityChange(logical_id, kind, key, "removed", before[entry], False)
            for entry in sorted(after.keys() - before.keys()):
                yield SecurityChange(logical_id, kind, key, "added", after[entry], True, (why,))


def _entries_of(resources: Resources, logical_id: str, key: str) -> dict[str, Any]:
    entries = properties_of(resources, logical_id).get(key, [])
    return {canonical(entry): entry for entry in (entries if isinstance(entries, list) else [entries])}


def boundary_changes(old: Resources, new: Resources) -> Iterator[SecurityChange]:
    """A permissions boundary removed (a broadening) or swapped for another (listed: its effect is not known here)."""
    for logical_id in sorted(set(old) & set(new)):
        kind = str(resource_field(new, logical_id, "Type"))
        if kind not in ("AWS::IAM::Role", "AWS::IAM::User"):
            continue
        before = properties_of(old, logical_id).get("PermissionsBoundary")
        after = properties_of(new, logical_id).get("PermissionsBoundary")
        if before is None or canonical(before) == canonical(after):
            continue
        statement = {"Before": before, "After": after}
        if after is None:
            reasons: tuple[str, ...] = ("permissions boundary removed",)
            yield SecurityChange(logical_id, kind, "PermissionsBoundary", "removed", statement, True, reasons)
        else:
            yield SecurityChange(logical_id, kind, "PermissionsBoundary", "modified", statement, False)
