"""Lint reports for people (text) and for machines (json)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict

from tapgen.lint.engine import LintReport
from tapgen.lint.findings import Finding
from tapgen.lint.rules import Rule


def as_text(reports: Sequence[LintReport]) -> str:
    lines: list[str] = []
    for report in reports:
        for finding in report.findings:
            resource = finding.resource or "(template)"
            lines.append(f"{report.name}: {finding.rule} {resource}: {finding.located_message}")
            if finding.fix:
                lines.append(f"    fix: {finding.fix}")
        for waived in report.suppressed:
            lines.append(f"{report.name}: suppressed {waived.rule} {waived.resource}: {waived.reason}")
    return "".join(f"{line}\n" for line in lines)


def _finding_json(finding: Finding) -> dict[str, str]:
    """The four keys JSON consumers read; the position is in the message, as in the text report."""
    return {"rule": finding.rule, "resource": finding.resource, "message": finding.located_message, "fix": finding.fix}


def as_json(reports: Sequence[LintReport]) -> str:
    payload = [
        {
            "template": r.name,
            "findings": [_finding_json(f) for f in r.findings],
            "suppressed": [asdict(s) for s in r.suppressed],
        }
        for r in reports
    ]
    return json.dumps(payload, indent=2, sort_keys=True) + "\n"


def rules_as_text(rules: Sequence[Rule]) -> str:
    return "".join(
        f"{r.id} {r.description}\n    why: {r.reason}\n    fix: {r.fix}\n    docs: {r.docs}\n" for r in rules
    )


def rules_as_json(rules: Sequence[Rule]) -> str:
    payload = [
        {"id": r.id, "description": r.description, "reason": r.reason, "fix": r.fix, "docs": r.docs} for r in rules
    ]
    return json.dumps(payload, indent=2, sort_keys=True) + "\n"
