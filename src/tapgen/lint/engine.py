"""One lint run over one template: cfn-lint, tapgen's rules, then the resource-level waivers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from tapgen.lint.cfn import cfn_lint_findings
from tapgen.lint.findings import Finding, Suppression
from tapgen.lint.rules import RULES
from tapgen.lint.suppressions import apply_waivers, read_waivers
from tapgen.lint.view import TemplateView

DEFAULT_REGION = "us-east-1"


class TemplateError(ValueError):
    """The input is not a CloudFormation template tapgen can lint."""


@dataclass(frozen=True)
class LintReport:
    name: str
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Suppression] = field(default_factory=list)


def parse_template(text: str, name: str) -> dict[str, object]:
    try:
        template = json.loads(text)
    except ValueError as error:
        raise TemplateError(f"{name}: not a JSON template ({error})") from None
    if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
        raise TemplateError(f"{name}: not a CloudFormation template (no Resources mapping)")
    return template


def tapgen_findings(template: dict[str, object]) -> list[Finding]:
    view = TemplateView(template)
    return [
        Finding(rule.id, logical_id, message, rule.fix) for rule in RULES for logical_id, message in rule.check(view)
    ]


def lint_text(text: str, name: str, region: str = DEFAULT_REGION) -> LintReport:
    template = parse_template(text, name)
    found = [*cfn_lint_findings(text, region), *tapgen_findings(template)]
    findings, suppressed = apply_waivers(found, read_waivers(TemplateView(template)))
    return LintReport(name, findings, suppressed)
