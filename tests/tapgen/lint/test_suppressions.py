"""Waivers: honoured only on the resource, with a real reason, and always listed."""

from __future__ import annotations

from typing import Any

import pytest

from tapgen.cfn.view import TemplateView
from tapgen.lint.findings import Finding, Suppression
from tapgen.lint.suppressions import INVALID_SUPPRESSION, apply_waivers, read_waivers

FINDING = Finding("TAP009", "ImageFunction", "does not have TracingConfig.Mode: Active")
GOOD_REASON = "Tracing is off while the vendor fixes its X-Ray exporter."


def template_with(metadata: Any, resource: str = "ImageFunction") -> dict[str, Any]:
    return {"Resources": {resource: {"Type": "AWS::Lambda::Function", "Metadata": {"tapgen": {"suppress": metadata}}}}}


def test_a_reasoned_waiver_on_the_resource_suppresses_and_is_listed() -> None:
    waivers = read_waivers(TemplateView(template_with([{"id": "TAP009", "reason": GOOD_REASON}])))
    assert apply_waivers([FINDING], waivers) == ([], [Suppression("TAP009", "ImageFunction", GOOD_REASON)])


def test_a_waiver_on_another_resource_does_not_suppress() -> None:
    waivers = read_waivers(TemplateView(template_with([{"id": "TAP009", "reason": GOOD_REASON}], "DataFunction")))
    assert apply_waivers([FINDING], waivers) == ([FINDING], [])


def test_a_waiver_for_another_rule_does_not_suppress() -> None:
    waivers = read_waivers(TemplateView(template_with([{"id": "TAP010", "reason": GOOD_REASON}])))
    assert apply_waivers([FINDING], waivers) == ([FINDING], [])


@pytest.mark.parametrize(
    "entry",
    [
        {"id": "TAP009"},
        {"id": "TAP009", "reason": "because"},
        {"id": "TAP009", "reason": "needed for now ok"},
        {"id": "TAP009", "reason": 42},
        {"reason": GOOD_REASON},
        "TAP009",
    ],
    ids=["no-reason", "one-word", "too-short", "not-text", "no-id", "not-a-mapping"],
)
def test_an_unreasoned_waiver_is_itself_a_finding_and_suppresses_nothing(entry: Any) -> None:
    standing, suppressed = apply_waivers([FINDING], read_waivers(TemplateView(template_with([entry]))))
    assert suppressed == []
    assert FINDING in standing
    assert any(f.rule == INVALID_SUPPRESSION and f.resource == "ImageFunction" for f in standing)


@pytest.mark.parametrize(
    ("template", "resource"),
    [
        ({"Resources": {"Table": {"Metadata": {"cfn-lint": {"config": {"ignore_checks": ["W3011"]}}}}}}, "Table"),
        ({"Metadata": {"cfn-lint": {"config": {"ignore_checks": ["E3002"]}}}, "Resources": {}}, ""),
        ({"Metadata": {"tapgen": {"suppress": [{"id": "TAP009", "reason": GOOD_REASON}]}}, "Resources": {}}, ""),
    ],
    ids=["cfn-lint-ignore-on-resource", "cfn-lint-ignore-on-template", "tapgen-suppress-on-template"],
)
def test_waivers_without_reason_or_outside_a_resource_are_findings(template: dict[str, Any], resource: str) -> None:
    waivers = read_waivers(TemplateView(template))
    assert waivers.granted == {}
    assert [(f.rule, f.resource) for f in waivers.invalid] == [(INVALID_SUPPRESSION, resource)]
