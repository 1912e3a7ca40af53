"""Lint reports as SARIF 2.1.0, as GitHub code scanning reads it: each rule with help and a documentation link,
each finding with its file, line, column and resource, waived findings as suppressed results."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from tapgen.lint.cfn import CRASHED, RULES_INDEX, cfn_lint_rule
from tapgen.lint.engine import LintReport
from tapgen.lint.expand import NOT_EXPANDED, SAM_INSTALL_FIX
from tapgen.lint.findings import Finding
from tapgen.lint.limits import TOO_LARGE
from tapgen.lint.rules import GENERAL_DOCS, RULES
from tapgen.lint.suppressions import INVALID_SUPPRESSION

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LIMITS_DOCS = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html"
LEVELS = {"E": "error", "W": "warning", "I": "note"}
# Findings that come from the lint run itself rather than a rule over resources: (description, fix, docs).
RUN_RULES = {
    INVALID_SUPPRESSION: (
        "a waiver without a reason, or outside a resource, is not honoured",
        "Metadata.tapgen.suppress on the resource, with the rule id and a sentence saying why.",
        GENERAL_DOCS,
    ),
    NOT_EXPANDED: ("a transform tapgen could not apply: its resources were not checked", SAM_INSTALL_FIX, GENERAL_DOCS),
    TOO_LARGE: ("the template is over CloudFormation's 1 MB limit", "Split it into nested stacks.", LIMITS_DOCS),
    CRASHED: ("cfn-lint could not check the template", "Give each top-level section a mapping.", RULES_INDEX),
}


def _text(value: str) -> dict[str, str]:
    return {"text": value}


def _descriptor(rule_id: str) -> dict[str, Any]:
    """SARIF's reportingDescriptor: what the rule checks, why, how to fix, and where it is documented."""
    tap = next((r for r in RULES if r.id == rule_id), None)
    if tap is not None:
        help_text = f"{tap.description}.\nWhy: {tap.reason}\nFix: {tap.fix}"
        return {
            "id": tap.id,
            "name": tap.check.__name__,
            "shortDescription": _text(tap.description),
            "fullDescription": _text(tap.reason),
            "help": {"text": help_text, "markdown": help_text.replace("\n", "  \n")},
            "helpUri": tap.docs,
            "defaultConfiguration": {"level": "error"},
        }
    if rule_id in RUN_RULES:
        description, fix, docs = RUN_RULES[rule_id]
        return {
            "id": rule_id,
            "shortDescription": _text(description),
            "help": _text(f"{description}.\nFix: {fix}"),
            "helpUri": docs,
            "defaultConfiguration": {"level": "error"},
        }
    cfn = cfn_lint_rule(rule_id)
    short = str(getattr(cfn, "shortdesc", "") or rule_id)
    full = str(getattr(cfn, "description", "") or short)
    return {
        "id": rule_id,
        "shortDescription": _text(short),
        "fullDescription": _text(full),
        "help": _text(f"cfn-lint {rule_id}: {full}"),
        "helpUri": str(getattr(cfn, "source_url", "") or RULES_INDEX),
        "defaultConfiguration": {"level": _level(rule_id)},
    }


def _level(rule_id: str) -> str:
    return "error" if rule_id.startswith("TAP") else LEVELS.get(rule_id[:1], "warning")


def _location(report: LintReport, finding: Finding) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": report.uri or report.name}}
    if finding.line:
        physical["region"] = {"startLine": finding.line, "startColumn": max(finding.column, 1)}
    location: dict[str, Any] = {"physicalLocation": physical}
    if finding.resource:
        location["logicalLocations"] = [{"name": finding.resource, "kind": "resource"}]
    return location


def _result(report: LintReport, finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    message = f"{finding.resource}: {finding.message}" if finding.resource else finding.message
    return {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": _level(finding.rule),
        "message": _text(f"{message}\nFix: {finding.fix}" if finding.fix else message),
        "locations": [_location(report, finding)],
    }


def _rule_ids(reports: Iterable[LintReport]) -> list[str]:
    found = {f.rule for r in reports for f in r.findings} | {s.rule for r in reports for s in r.suppressed}
    return sorted(found | {r.id for r in RULES})


def as_sarif(reports: Sequence[LintReport], version: str) -> str:
    rule_ids = _rule_ids(reports)
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    results = [_result(report, finding, index) for report in reports for finding in report.findings]
    for report in reports:
        for waived in report.suppressed:
            result = _result(report, Finding(waived.rule, waived.resource, "waived on the resource"), index)
            result["suppressions"] = [{"kind": "inSource", "justification": waived.reason}]
            results.append(result)
    driver = {
        "name": "tapgen",
        "version": version,
        "rules": [_descriptor(rule_id) for rule_id in rule_ids],
    }
    notes = [
        {"level": "note", "message": _text(f"{report.name}: {note}")} for report in reports for note in report.notes
    ]
    invocation = {"executionSuccessful": True, "toolExecutionNotifications": notes}
    run = {"tool": {"driver": driver}, "invocations": [invocation], "results": results}
    payload = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(payload, indent=2, sort_keys=True) + "\n"
