"""tapgen's rules as cfn-lint rules, for editors and hooks that already run cfn-lint:

    cfn-lint --append-rules tapgen.lint.cfn_lint_rules template.yaml

cfn-lint enables rules whose id starts with E, W or I, so TAPnnn is reported as E9nnn, its message starting
with the TAP id. Waivers in Metadata.tapgen.suppress are honoured as in `tapgen lint`, and SAM templates are
translated as `tapgen lint` does (when aws-sam-translator is installed).
"""

from __future__ import annotations

from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from tapgen.cfn.view import TemplateView
from tapgen.lint.engine import rule_findings
from tapgen.lint.expand import SAM, Expansion, expand_sam, transforms
from tapgen.lint.rules import RULES, Rule
from tapgen.lint.suppressions import read_waivers


def cfn_lint_id(tap_id: str) -> str:
    """TAP007 → E9007: an error id in a range cfn-lint's own rules do not use."""
    return f"E9{tap_id.removeprefix('TAP')}"


_last_expansion: dict[int, Expansion] = {}


def _expanded(cfn: Any) -> Expansion:
    """The template with SAM translated (cfn-lint expands Fn::ForEach itself), once for all of tapgen's rules."""
    key = id(cfn.template)
    if key not in _last_expansion:
        regions = getattr(cfn, "regions", None) or ["us-east-1"]
        template = cfn.template
        expansion = expand_sam(template, regions[0]) if SAM in transforms(template) else Expansion(template)
        _last_expansion.clear()
        _last_expansion[key] = expansion
    return _last_expansion[key]


def _matches(rule: Rule, cfn: Any) -> list[RuleMatch]:
    """The rule over the template cfn-lint decoded (SAM translated), each match on the finding's path, or for a
    resource SAM generated, on the SAM resource it came from."""
    expansion = _expanded(cfn)
    waived = read_waivers(TemplateView(cfn.template)).granted
    matches = []
    for finding in rule_findings(expansion.template, [rule]):
        origin = expansion.origins.get(finding.resource, finding.resource)
        if (rule.id, finding.resource) in waived or (rule.id, origin) in waived:
            continue
        if origin != finding.resource:
            path = ["Resources", origin] if origin else ["Transform"]
        else:
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
