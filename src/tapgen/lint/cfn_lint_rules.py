"""tapgen's rules as cfn-lint rules, for editors and hooks that already run cfn-lint:

    cfn-lint --append-rules tapgen.lint.cfn_lint_rules template.yaml

cfn-lint enables rules whose id starts with E, W or I, so TAPnnn is reported as E9nnn, its message starting
with the TAP id. Waivers in Metadata.tapgen.suppress are honoured as in `tapgen lint`.
"""

from __future__ import annotations

from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from tapgen.lint.engine import rule_findings
from tapgen.lint.rules import RULES, Rule
from tapgen.lint.suppressions import read_waivers
from tapgen.lint.view import TemplateView


def cfn_lint_id(tap_id: str) -> str:
    """TAP007 → E9007: an error id in a range cfn-lint's own rules do not use."""
    return f"E9{tap_id.removeprefix('TAP')}"


def _matches(rule: Rule, cfn: Any) -> list[RuleMatch]:
    """The rule over the template cfn-lint decoded (and expanded), each match on the finding's path."""
    waived = read_waivers(TemplateView(cfn.template)).granted
    matches = []
    for finding in rule_findings(cfn.template, [rule]):
        if (rule.id, finding.resource) in waived:
            continue
        path = finding.path.split("/") if finding.path else ["Resources"]
        message = f"{rule.id} {finding.resource}: {finding.message} (fix: {rule.fix})"
        matches.append(RuleMatch(path, message))
    return matches


def _cfn_lint_rule(rule: Rule) -> type[CloudFormationLintRule]:
    def match(self: CloudFormationLintRule, cfn: Any) -> list[RuleMatch]:
        return _matches(rule, cfn)

    attributes = {
        "id": cfn_lint_id(rule.id),
        "shortdesc": f"{rule.id}: {rule.description}",
        "description": f"{rule.description}. {rule.reason}",
        "source_url": rule.docs,
        "tags": ["tapgen", "security"],
        "match": match,
        "__module__": __name__,
    }
    return type(f"Tapgen{rule.id}", (CloudFormationLintRule,), attributes)


# cfn-lint instantiates every CloudFormationLintRule subclass it finds in this module's namespace.
globals().update({f"Tapgen{rule.id}": _cfn_lint_rule(rule) for rule in RULES})
