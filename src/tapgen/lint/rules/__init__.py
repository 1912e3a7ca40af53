"""tapgen's own rules (TAP001…): the security properties every TAP template must keep.

One module per service family, as cfn-lint keeps rules/resources/<service>/; the registry (the Rule record,
the @rule decorator, retired ids) in registry.py. Importing this package imports every family, so RULES
holds every rule, in id order.
"""

from __future__ import annotations

from tapgen.lint.rules import cloudwatch, encryption, functions, http_api, iam, rest_api, storage
from tapgen.lint.rules.registry import (
    GENERAL_DOCS,
    RETIRED_RULES,
    Rule,
    RuleCheck,
    RuleFinding,
    RuleFindings,
    RuleIdError,
    registered,
    rule,
)

FAMILIES = (iam, encryption, storage, cloudwatch, functions, http_api, rest_api)
RULES: tuple[Rule, ...] = registered()

__all__ = [
    "FAMILIES",
    "GENERAL_DOCS",
    "RETIRED_RULES",
    "RULES",
    "Rule",
    "RuleCheck",
    "RuleFinding",
    "RuleFindings",
    "RuleIdError",
    "rule",
]
