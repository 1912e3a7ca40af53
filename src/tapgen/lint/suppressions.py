"""Waivers of findings (tapgen's or cfn-lint's), allowed only on the resource, with a reason a reviewer can judge.

Metadata:
  tapgen:
    suppress:
      - id: TAP002
        reason: The vendor API this function calls has no resource-level permissions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tapgen.cfn.shapes import as_dict, as_list
from tapgen.cfn.view import (
    Json,
    TemplateView,
    as_json_text,
)
from tapgen.lint.findings import Finding, Suppression

INVALID_SUPPRESSION = "TAP000"
MIN_REASON_WORDS = 4
MIN_REASON_CHARACTERS = 20


@dataclass(frozen=True)
class Waivers:
    granted: dict[tuple[str, str], str]  # (rule, resource) -> reason
    invalid: list[Finding]


def _is_a_sentence(reason: object) -> bool:
    return (
        isinstance(reason, str)
        and len(reason.strip()) >= MIN_REASON_CHARACTERS
        and len(reason.split()) >= MIN_REASON_WORDS
    )


def _invalid(logical_id: str, message: str) -> Finding:
    return Finding(
        INVALID_SUPPRESSION,
        logical_id,
        message,
        f"Metadata.tapgen.suppress on the resource: the rule id and why it does not apply ({MIN_REASON_WORDS}+ words).",
    )


def _unreasoned_waivers(logical_id: str, metadata: Json) -> list[Finding]:
    """cfn-lint's own ignore_checks waive silently, and nothing may be waived for the whole template."""
    problems = []
    if as_dict(as_dict(as_dict(metadata).get("cfn-lint")).get("config")).get("ignore_checks"):
        problems.append(
            _invalid(logical_id, "waives cfn-lint checks (cfn-lint: config: ignore_checks) without a reason")
        )
    if not logical_id and as_dict(as_dict(metadata).get("tapgen")).get("suppress"):
        problems.append(_invalid(logical_id, "suppresses findings for the whole template, which is not honoured"))
    return problems


def read_waivers(view: TemplateView) -> Waivers:
    granted: dict[tuple[str, str], str] = {}
    invalid = _unreasoned_waivers("", view.template.get("Metadata"))
    for resource in view.resources:
        metadata = resource.body.get("Metadata")
        invalid += _unreasoned_waivers(resource.logical_id, metadata)
        for entry in as_list(as_dict(as_dict(metadata).get("tapgen")).get("suppress")):
            rule_id, reason = as_dict(entry).get("id"), as_dict(entry).get("reason")
            if isinstance(rule_id, str) and _is_a_sentence(reason):
                granted[(rule_id, resource.logical_id)] = str(reason).strip()
            else:
                message = f"suppression {as_json_text(entry)} is not honoured: it needs an id and a reason (a sentence)"
                invalid.append(_invalid(resource.logical_id, message))
    return Waivers(granted, invalid)


def apply_waivers(findings: Iterable[Finding], waivers: Waivers) -> tuple[list[Finding], list[Suppression]]:
    """Split findings into those still standing and those waived; invalid waivers are findings themselves."""
    standing, waived = list(waivers.invalid), []
    for finding in findings:
        reason = waivers.granted.get((finding.rule, finding.resource))
        if reason is None:
            standing.append(finding)
        else:
            waived.append(Suppression(finding.rule, finding.resource, reason))
    return sorted(standing), sorted(set(waived))
