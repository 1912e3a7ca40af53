"""Waivers of tapgen rules, allowed only on the resource itself, with a reason a reviewer can judge.

Metadata:
  tapgen:
    suppress:
      - id: TAP002
        reason: The vendor API this function calls has no resource-level permissions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tapgen.lint.findings import Finding, Suppression
from tapgen.lint.view import TemplateView, as_dict, as_list

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


def read_waivers(view: TemplateView) -> Waivers:
    granted: dict[tuple[str, str], str] = {}
    invalid: list[Finding] = []
    for resource in view.resources:
        for entry in as_list(as_dict(as_dict(resource.body.get("Metadata")).get("tapgen")).get("suppress")):
            rule_id, reason = as_dict(entry).get("id"), as_dict(entry).get("reason")
            if isinstance(rule_id, str) and _is_a_sentence(reason):
                granted[(rule_id, resource.logical_id)] = str(reason).strip()
            else:
                invalid.append(
                    Finding(
                        INVALID_SUPPRESSION,
                        resource.logical_id,
                        f"suppression {entry!r} is not honoured: it needs an id and a reason of at least a sentence",
                        f"Write why the rule does not apply here ({MIN_REASON_WORDS}+ words), or fix the resource.",
                    )
                )
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
