"""The security changes between two templates, as `cdk diff` shows them, with every broadening marked.

Policy statements (IAM roles, users, groups and policies, key policies, bucket, queue and topic policies, Lambda
permissions as the statements they amount to) are compared by content: an edited statement is one removed and
one added. An added Allow is a broadening unless a statement of the old template already allowed all of it; a
removed Deny is a broadening unless a new Deny still forbids all of it. API routes and methods are compared by
their authorization settings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from tapgen.cfn.policies import IDENTITY_HOLDERS, PERMISSION_TYPES, PolicyDocument, policy_documents
from tapgen.cfn.shapes import is_intrinsic
from tapgen.cfn.values import canonical
from tapgen.diff.model import SecurityChange

Resources = Mapping[str, Any]

ROUTE_TYPES = ("AWS::ApiGatewayV2::Route", "AWS::ApiGateway::Method")
AUTHORIZERS = ("AWS::ApiGatewayV2::Authorizer", "AWS::ApiGateway::Authorizer")
ROUTE_AUTHORIZATION = ("AuthorizationType", "AuthorizerId", "AuthorizationScopes", "ApiKeyRequired")


@dataclass(frozen=True)
class Statement:
    """A policy statement reduced to what it grants: sets of principals, actions, resources and conditions."""

    effect: str
    principals: frozenset[str]
    actions: frozenset[str]
    resources: frozenset[str]
    conditions: frozenset[str]
    negated: str  # NotPrincipal/NotAction/NotResource as written: only an identical one is comparable
    written: Any

    @property
    def identity(self) -> str:
        """The statement's content, whatever its Sid and the order of its lists."""
        if not _is_plain(self.written):
            return canonical(self.written)
        return canonical({k: v for k, v in _normalised_written(self.written).items() if k != "Sid"})


@dataclass(frozen=True)
class _Located:
    """A statement and where it lives: resource, policy within it, and the group whose old statements cover it."""

    resource: str
    resource_type: str
    policy: str
    group: str
    statement: Statement


def security_changes(old: Resources, new: Resources) -> tuple[SecurityChange, ...]:
    """Statement, managed-policy and API authorization changes, in resource order."""
    before, after = list(_statements(old)), list(_statements(new))
    changes = [*_statement_changes(before, after), *_granting_list_changes(old, new), *_boundary_changes(old, new)]
    changes += [*_route_changes(old, new), *_authorizer_changes(old, new)]
    return tuple(sorted(changes, key=lambda c: (c.resource, c.policy, c.action != "removed", canonical(c.statement))))


def _statement_changes(before: list[_Located], after: list[_Located]) -> Iterator[SecurityChange]:
    old_keys = {(s.resource, s.policy, s.statement.identity) for s in before}
    new_keys = {(s.resource, s.policy, s.statement.identity) for s in after}
    removed = [s for s in before if (s.resource, s.policy, s.statement.identity) not in new_keys]
    added = [s for s in after if (s.resource, s.policy, s.statement.identity) not in old_keys]
    for located in removed:
        reasons = _removed_reasons(located, after)
        yield _change(located, "removed", reasons)
    for located in added:
        yield _change(located, "added", _added_reasons(located, before, removed))


def _change(located: _Located, action: str, reasons: tuple[str, ...]) -> SecurityChange:
    return SecurityChange(
        resource=located.resource,
        resource_type=located.resource_type,
        policy=located.policy,
        action=action,
        statement=_normalised_written(located.statement.written),
        broadening=bool(reasons),
        reasons=reasons,
    )


def _added_reasons(located: _Located, before: list[_Located], removed: list[_Located]) -> tuple[str, ...]:
    """Why an added statement widens access; empty when it does not (a Deny, or an Allow already granted)."""
    statement = located.statement
    if statement.effect == "Deny":
        return ()
    if statement.effect != "Allow":
        return ("statement not readable offline",)
    olds = [s.statement for s in before if s.group == located.group and s.statement.effect == "Allow"]
    if any(covers(old, statement) for old in olds):
        return ()
    edited = [s.statement for s in removed if s.group == located.group and s.statement.effect == "Allow"]
    if not edited:
        return ("new Allow statement",)
    closest = max(edited, key=lambda old: _likeness(old, statement))
    return _widenings(closest, statement) or ("new Allow statement",)


def _removed_reasons(located: _Located, after: list[_Located]) -> tuple[str, ...]:
    statement = located.statement
    if statement.effect != "Deny":
        return ()
    news = [s.statement for s in after if s.group == located.group and s.statement.effect == "Deny"]
    return () if any(covers(new, statement) for new in news) else ("Deny removed or narrowed",)


def covers(wide: Statement, narrow: Statement) -> bool:
    """Whether `wide` applies to everything `narrow` applies to (same effect): then replacing one by the other
    grants (for Allow) or forbids (for Deny) nothing new."""
    return wide.effect == narrow.effect and wide.negated == narrow.negated and not _widenings(wide, narrow)


def _widenings(old: Statement, new: Statement) -> tuple[str, ...]:
    reasons = []
    if not _all_matched(new.principals, old.principals, _principal_matches):
        reasons.append("wider principal")
    if not _all_matched(new.actions, old.actions, _pattern_matches):
        reasons.append("wider actions")
    if not _all_matched(new.resources, old.resources, _pattern_matches):
        reasons.append("wider resources")
    if not old.conditions <= new.conditions:
        reasons.append("condition removed")
    if old.negated != new.negated:
        reasons.append("NotPrincipal/NotAction/NotResource changed")
    return tuple(reasons)


def _likeness(old: Statement, new: Statement) -> int:
    dimensions = ("principals", "actions", "resources", "conditions")
    return sum(len(getattr(old, name) & getattr(new, name)) for name in dimensions)


def _all_matched(values: frozenset[str], patterns: frozenset[str], matches: Any) -> bool:
    return all(any(matches(pattern, value) for pattern in patterns) for value in values)


def _pattern_matches(pattern: str, value: str) -> bool:
    """IAM's wildcards (* and ?), case-insensitively; intrinsic functions match only themselves (or *)."""
    return pattern == "*" or _iam_pattern(pattern).fullmatch(value) is not None


@cache
def _iam_pattern(pattern: str) -> re.Pattern[str]:
    wildcards = {"*": ".*", "?": "."}
    return re.compile("".join(wildcards.get(char, re.escape(char)) for char in pattern), re.IGNORECASE | re.DOTALL)


def _principal_matches(pattern: str, value: str) -> bool:
    """Everyone covers everyone; an account (`AWS:123456789012`, `AWS:arn:...:iam::123456789012:root`) covers
    the roles and users in it; anything else covers only itself."""
    if pattern in ("*", "AWS:*") or pattern == value:
        return True
    account = _account_of(pattern)
    return account is not None and value.startswith("AWS:") and f":iam::{account}:" in value


def _account_of(principal: str) -> str | None:
    match = _ACCOUNT_PRINCIPAL.fullmatch(principal)
    return (match.group(1) or match.group(2)) if match else None


# The whole account as a principal: its 12-digit id, or its root ARN (the account id may be written as a variable).
_ARN_PART = r"(?:\$\{[^}]*\}|[^:])+"  # one colon-free part of an ARN, or a ${Variable} (which may hold colons)
_ACCOUNT_PRINCIPAL = re.compile(rf"AWS:(?:([0-9]{{12}})|arn:{_ARN_PART}:iam::({_ARN_PART}):root)")


# --- reading statements out of templates ---------------------------------------------------------------


def _statements(resources: Resources) -> Iterator[_Located]:
    for policy in policy_documents(resources):
        for _, written in policy.statements():
            yield _Located(policy.holder, policy.holder_type, policy.name, _group(policy), _statement(written))


def _group(policy: PolicyDocument) -> str:
    """The policies whose old statements cover a new one: a principal's inline policies together, its trust
    apart, a permission by the function it opens; any other policy alone."""
    if policy.holder_type in PERMISSION_TYPES:
        return f"permission:{canonical(list(policy.attached_to))}"
    if policy.holder_type in IDENTITY_HOLDERS:
        return f"{policy.holder}#{policy.kind}"
    return policy.holder


def _statement(written: Any) -> Statement:
    if not _is_plain(written):
        return Statement("?", frozenset(), frozenset(), frozenset(), frozenset(), "", written)
    negated = {key: written[key] for key in ("NotPrincipal", "NotAction", "NotResource") if key in written}
    return Statement(
        effect=str(written.get("Effect", "")),
        principals=_principals(written.get("Principal")) if "Principal" in written else frozenset(),
        actions=_texts(written.get("Action", [])),
        resources=_texts(written.get("Resource", [])),
        conditions=_conditions(written.get("Condition")),
        negated=canonical(_normalised_written(negated)) if negated else "",
        written=written,
    )


def _principals(principal: Any) -> frozenset[str]:
    if principal == "*":
        return frozenset({"*"})
    if not _is_plain(principal):
        return frozenset({canonical(principal)})
    return frozenset(f"{kind}:{value}" for kind, values in principal.items() for value in _texts(values))


def _conditions(condition: Any) -> frozenset[str]:
    if condition is None:
        return frozenset()
    if not _is_plain(condition):
        return frozenset({canonical(condition)})
    return frozenset(
        canonical([operator, key, sorted(_texts(value))])
        for operator, clauses in condition.items()
        for key, value in (clauses.items() if _is_plain(clauses) else [("", clauses)])
    )


def _texts(values: Any) -> frozenset[str]:
    return frozenset(_text(value) for value in (values if isinstance(values, list) else [values]))


def _text(value: Any) -> str:
    """A string as is; `Fn::Sub` by its template text (so its wildcards still match); other intrinsics as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and set(value) == {"Fn::Sub"} and isinstance(value["Fn::Sub"], str):
        return str(value["Fn::Sub"])
    return canonical(value)


def _is_plain(value: Any) -> bool:
    return isinstance(value, Mapping) and not is_intrinsic(value)


def _normalised_written(written: Any) -> Any:
    """A statement as written, with single values as one-item lists and lists in a stable order (the order of
    actions, resources, principals and condition values means nothing to IAM)."""
    if not _is_plain(written):
        return written
    result: dict[str, Any] = {}
    for key, value in written.items():
        if key in ("Action", "NotAction", "Resource", "NotResource"):
            result[key] = _sorted_list(value)
        elif key in ("Principal", "NotPrincipal") and _is_plain(value):
            result[key] = {kind: _sorted_list(values) for kind, values in value.items()}
        elif key == "Condition" and _is_plain(value):
            result[key] = {
                operator: {k: _sorted_list(v) for k, v in clauses.items()} if _is_plain(clauses) else clauses
                for operator, clauses in value.items()
            }
        else:
            result[key] = value
    return result


def _sorted_list(value: Any) -> list[Any]:
    return sorted(value if isinstance(value, list) else [value], key=canonical)


# --- managed policies, routes and authorizers -----------------------------------------------------------


# Lists of references that grant access as they grow: (resource types, property, why an added entry widens).
GRANTING_LISTS = (
    (IDENTITY_HOLDERS, "ManagedPolicyArns", "managed policy attached"),
    (("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"), "Roles", "policy attached to another role"),
    (("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"), "Users", "policy attached to another user"),
    (("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"), "Groups", "policy attached to another group"),
)


def _granting_list_changes(old: Resources, new: Resources) -> Iterator[SecurityChange]:
    """Managed policies attached to a role, and policies attached to more principals; a policy's first
    attachments are not listed apart from its statements (they are new along with it)."""
    for logical_id in sorted(set(old) | set(new)):
        kind = str(_properties_of(new, logical_id, "Type") or _properties_of(old, logical_id, "Type"))
        for kinds, key, why in GRANTING_LISTS:
            if kind not in kinds or (key != "ManagedPolicyArns" and logical_id not in old):
                continue
            before, after = _entries_of(old, logical_id, key), _entries_of(new, logical_id, key)
            for entry in sorted(before.keys() - after.keys()):
                yield SecurityChange(logical_id, kind, key, "removed", before[entry], False)
            for entry in sorted(after.keys() - before.keys()):
                yield SecurityChange(logical_id, kind, key, "added", after[entry], True, (why,))


def _entries_of(resources: Resources, logical_id: str, key: str) -> dict[str, Any]:
    entries = _props(resources, logical_id).get(key, [])
    return {canonical(entry): entry for entry in (entries if isinstance(entries, list) else [entries])}


def _boundary_changes(old: Resources, new: Resources) -> Iterator[SecurityChange]:
    """A permissions boundary removed (a broadening) or swapped for another (listed: its effect is not known here)."""
    for logical_id in sorted(set(old) & set(new)):
        kind = str(_properties_of(new, logical_id, "Type"))
        if kind not in ("AWS::IAM::Role", "AWS::IAM::User"):
            continue
        before = _props(old, logical_id).get("PermissionsBoundary")
        after = _props(new, logical_id).get("PermissionsBoundary")
        if before is None or canonical(before) == canonical(after):
            continue
        statement = {"Before": before, "After": after}
        if after is None:
            reasons: tuple[str, ...] = ("permissions boundary removed",)
            yield SecurityChange(logical_id, kind, "PermissionsBoundary", "removed", statement, True, reasons)
        else:
            yield SecurityChange(logical_id, kind, "PermissionsBoundary", "modified", statement, False)


def _route_changes(old: Resources, new: Resources) -> Iterator[SecurityChange]:
    for logical_id in sorted(set(old) | set(new)):
        kind = str(_properties_of(new, logical_id, "Type") or _properties_of(old, logical_id, "Type"))
        if kind not in ROUTE_TYPES:
            continue
        before = _authorization(old, logical_id)
        after = _authorization(new, logical_id)
        if before == after:
            continue
        action = "added" if before is None else "removed" if after is None else "modified"
        route = _route_name(new if after is not None else old, logical_id)
        reasons = _route_widenings(before, after)
        statement = {"Route": route, "Before": before, "After": after}
        yield SecurityChange(logical_id, kind, "Authorization", action, statement, bool(reasons), reasons)


def _authorization(resources: Resources, logical_id: str) -> dict[str, Any] | None:
    if logical_id not in resources:
        return None
    properties = _props(resources, logical_id)
    settings = {key: properties[key] for key in ROUTE_AUTHORIZATION if key in properties}
    settings.setdefault("AuthorizationType", "NONE")
    return settings


def _route_name(resources: Resources, logical_id: str) -> Any:
    properties = _props(resources, logical_id)
    if "RouteKey" in properties:
        return properties["RouteKey"]
    return {"HttpMethod": properties.get("HttpMethod"), "ResourceId": properties.get("ResourceId")}


def _route_widenings(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[str, ...]:
    if after is None:
        return ()
    if before is None:
        open_route = after["AuthorizationType"] == "NONE" and not _true(after.get("ApiKeyRequired"))
        return ("new route without authorization",) if open_route else ()
    reasons = []
    if before["AuthorizationType"] != "NONE" and after["AuthorizationType"] == "NONE":
        reasons.append("authorization removed")
    if _true(before.get("ApiKeyRequired")) and not _true(after.get("ApiKeyRequired")):
        reasons.append("API key no longer required")
    scopes_before, scopes_after = (
        _texts(before.get("AuthorizationScopes", [])),
        _texts(after.get("AuthorizationScopes", [])),
    )
    if scopes_before - scopes_after and after["AuthorizationType"] != "NONE":
        reasons.append("fewer authorization scopes required")
    return tuple(reasons)


def _authorizer_changes(old: Resources, new: Resources) -> Iterator[SecurityChange]:
    for logical_id in sorted(set(old) | set(new)):
        kind = str(_properties_of(new, logical_id, "Type") or _properties_of(old, logical_id, "Type"))
        if kind not in AUTHORIZERS:
            continue
        before = dict(_props(old, logical_id)) if logical_id in old else None
        after = dict(_props(new, logical_id)) if logical_id in new else None
        if before is not None and after is not None and canonical(before) == canonical(after):
            continue
        action = "added" if before is None else "removed" if after is None else "modified"
        reasons: tuple[str, ...] = ()
        if before is not None and after is not None:
            audience = ("JwtConfiguration", "Audience")
            if _texts(_dig(after, audience)) - _texts(_dig(before, audience)):
                reasons = ("more token audiences accepted",)
        statement = {"Before": before, "After": after}
        yield SecurityChange(logical_id, kind, "Authorizer", action, statement, bool(reasons), reasons)


def _dig(value: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        value = value.get(key, []) if _is_plain(value) else []
    return value


def _true(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def _props(resources: Resources, logical_id: str) -> Mapping[str, Any]:
    properties = _properties_of(resources, logical_id, "Properties")
    return properties if isinstance(properties, Mapping) else {}


def _properties_of(resources: Resources, logical_id: str, key: str) -> Any:
    resource = resources.get(logical_id)
    return resource.get(key) if isinstance(resource, Mapping) else None
