"""Policy statements reduced to what they grant, and whether one covers another (IAM's wildcards, account
principals); equivalent spellings of a statement read the same."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from tapgen.cfn.shapes import is_intrinsic
from tapgen.cfn.values import canonical


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
        if not is_plain(self.written):
            return canonical(self.written)
        return canonical({k: _case_folded(k, v) for k, v in normalised_written(self.written).items() if k != "Sid"})


def _case_folded(key: str, value: Any) -> Any:
    """IAM reads action names and condition keys without regard to case, and `"*"` as every AWS principal."""
    if key in ("Action", "NotAction"):
        return sorted((item.lower() if isinstance(item, str) else item for item in value), key=canonical)
    if key in ("Principal", "NotPrincipal") and value == "*":
        return {"AWS": ["*"]}
    if key == "Condition" and is_plain(value):
        return {
            operator: {k.lower(): v for k, v in clauses.items()} if is_plain(clauses) else clauses
            for operator, clauses in value.items()
        }
    return value


def covers(wide: Statement, narrow: Statement) -> bool:
    """Whether `wide` applies to everything `narrow` applies to (same effect): then replacing one by the other
    grants (for Allow) or forbids (for Deny) nothing new."""
    return wide.effect == narrow.effect and wide.negated == narrow.negated and not widenings(wide, narrow)


MAX_ATOMS = 512  # past this, a statement is compared whole rather than action by action


def covered(statement: Statement, others: list[Statement]) -> bool:
    """Whether `others` together apply to everything `statement` applies to: each principal, action and resource
    of it is covered by one of them (so a statement merged from two, or split in two, covers the same)."""
    if any(covers(other, statement) for other in others):
        return True
    dimensions = (statement.principals, statement.actions, statement.resources)
    if math.prod(max(1, len(values)) for values in dimensions) > MAX_ATOMS or not others:
        return False
    return all(any(covers(other, atom) for other in others) for atom in _atoms(statement))


def _atoms(statement: Statement) -> Iterator[Statement]:
    """The statement one principal, one action and one resource at a time (an empty dimension stays empty)."""
    for principal, action, resource in itertools.product(
        _singles(statement.principals), _singles(statement.actions), _singles(statement.resources)
    ):
        yield replace(statement, principals=principal, actions=action, resources=resource)


def _singles(values: frozenset[str]) -> list[frozenset[str]]:
    return [frozenset({value}) for value in sorted(values)] or [frozenset()]


def widenings(old: Statement, new: Statement) -> tuple[str, ...]:
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


def likeness(old: Statement, new: Statement) -> int:
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


def statement_of(written: Any) -> Statement:
    if not is_plain(written):
        return Statement("?", frozenset(), frozenset(), frozenset(), frozenset(), "", written)
    negated = {key: written[key] for key in ("NotPrincipal", "NotAction", "NotResource") if key in written}
    return Statement(
        effect=str(written.get("Effect", "")),
        principals=_principals(written.get("Principal")) if "Principal" in written else frozenset(),
        actions=texts(written.get("Action", [])),
        resources=texts(written.get("Resource", [])),
        conditions=_conditions(written.get("Condition")),
        negated=canonical(normalised_written(negated)) if negated else "",
        written=written,
    )


def _principals(principal: Any) -> frozenset[str]:
    if principal == "*":
        return frozenset({"*"})
    if not is_plain(principal):
        return frozenset({canonical(principal)})
    return frozenset(f"{kind}:{value}" for kind, values in principal.items() for value in texts(values))


def _conditions(condition: Any) -> frozenset[str]:
    if condition is None:
        return frozenset()
    if not is_plain(condition):
        return frozenset({canonical(condition)})
    return frozenset(
        canonical([operator, key, sorted(texts(value))])
        for operator, clauses in condition.items()
        for key, value in (clauses.items() if is_plain(clauses) else [("", clauses)])
    )


def texts(values: Any) -> frozenset[str]:
    return frozenset(text(value) for value in (values if isinstance(values, list) else [values]))


def text(value: Any) -> str:
    """A string as is; `Fn::Sub` by its template text (so its wildcards still match); other intrinsics as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and set(value) == {"Fn::Sub"} and isinstance(value["Fn::Sub"], str):
        return str(value["Fn::Sub"])
    return canonical(value)


def is_plain(value: Any) -> bool:
    return isinstance(value, Mapping) and not is_intrinsic(value)


def normalised_written(written: Any) -> Any:
    """A statement as written, with single values as one-item lists and lists in a stable order (the order of
    actions, resources, principals and condition values means nothing to IAM)."""
    if not is_plain(written):
        return written
    result: dict[str, Any] = {}
    for key, value in written.items():
        if key in ("Action", "NotAction", "Resource", "NotResource"):
            result[key] = _sorted_list(value)
        elif key in ("Principal", "NotPrincipal") and is_plain(value):
            result[key] = {kind: _sorted_list(values) for kind, values in value.items()}
        elif key == "Condition" and is_plain(value):
            result[key] = {
                operator: {k: _sorted_list(v) for k, v in clauses.items()} if is_plain(clauses) else clauses
                for operator, clauses in value.items()
            }
        else:
            result[key] = value
    return result


def _sorted_list(value: Any) -> list[Any]:
    return sorted(value if isinstance(value, list) else [value], key=canonical)
