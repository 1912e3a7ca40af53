"""The registry of tapgen's rules: what a rule is, what it finds, and the ids in use or retired.

Each rule is a small function over a TemplateView yielding (logical id, message), or a RuleFinding that also
names the property path (for the line number), registered with `@rule(...)`: its id, a one-line description,
why it exists, how to fix a finding and the AWS documentation of what it asks for.

An id means one rule forever: registering an id twice, or an id in RETIRED_RULES, raises at import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

from tapgen.cfn.view import TemplateView


class RuleFinding(NamedTuple):
    """What a rule found: the resource, the message, and where in the resource (for the line number)."""

    resource: str
    message: str
    path: tuple[str, ...] = ()  # e.g. ("Properties", "TracingConfig"); () is the resource itself

    @classmethod
    def of(cls, found: RuleFinding | tuple[str, str]) -> RuleFinding:
        return found if isinstance(found, RuleFinding) else cls(*found)


RuleFindings = Iterator[RuleFinding | tuple[str, str]]
RuleCheck = Callable[[TemplateView], RuleFindings]


GENERAL_DOCS = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/security-best-practices.html"
RULE_ID = re.compile(r"TAP\d{3}")  # cfn_lint_rules turns TAPnnn into E9nnn

# Ids that once named a rule and never name another: waivers, SARIF baselines and cfn-lint's E9nnn ids in
# users' configurations still carry them, and must not come to mean something else.
RETIRED_RULES: Mapping[str, str] = MappingProxyType(
    {
        "TAP011": "deprecated Lambda runtimes: dropped for cfn-lint's own runtime rules (E2531, W2531), "
        "which follow AWS's deprecation dates",
    }
)


class RuleIdError(ValueError):
    """A rule registered under an id that is malformed, already taken, or retired."""


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    reason: str
    fix: str
    check: RuleCheck
    docs: str = GENERAL_DOCS  # the AWS documentation of what the rule asks for


_REGISTERED: dict[str, Rule] = {}


def register(new: Rule) -> Rule:
    """Add a rule to the registry, refusing an id that is malformed, taken or retired."""
    if not RULE_ID.fullmatch(new.id):
        raise RuleIdError(f"{new.id!r} is not a rule id (TAP and three digits)")
    if new.id in RETIRED_RULES:
        raise RuleIdError(f"{new.id} is retired ({RETIRED_RULES[new.id]}); give the rule a new id")
    if new.id in _REGISTERED:
        raise RuleIdError(f"{new.id} is already the id of {_REGISTERED[new.id].check.__qualname__}")
    _REGISTERED[new.id] = new
    return new


def registered() -> tuple[Rule, ...]:
    """Every rule registered so far, in id order."""
    return tuple(sorted(_REGISTERED.values(), key=lambda r: r.id))


def rule(
    rule_id: str, description: str, reason: str, fix: str, docs: str = GENERAL_DOCS
) -> Callable[[RuleCheck], RuleCheck]:
    def decorate(check: RuleCheck) -> RuleCheck:
        register(Rule(rule_id, description, reason, fix, check, docs))
        return check

    return decorate
