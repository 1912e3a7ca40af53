"""A whole lint run: cfn-lint's matches and tapgen's findings together, and the two report formats."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from tapgen.lint.cfn import CRASHED
from tapgen.lint.engine import LintReport, TemplateError, lint_text, parse_template
from tapgen.lint.limits import TOO_LARGE
from tapgen.lint.report import as_json, as_text
from tests.conftest import rendered_template, rendered_text


@cache
def clean_report(env: str) -> LintReport:
    return lint_text(rendered_text(env), env)


@cache
def broken_report() -> LintReport:
    template = rendered_template("prod")
    template["Resources"]["MetadataTable"].pop("DeletionPolicy")
    template["Resources"]["MetadataTable"]["Metadata"] = {
        "tapgen": {"suppress": [{"id": "W3011", "reason": "cfn-lint findings are waived the same way as ours."}]}
    }
    template["Resources"]["ImageFunction"]["Metadata"]["tapgen"] = {
        "suppress": [{"id": "TAP009", "reason": "Tracing is off while the vendor fixes its exporter."}]
    }
    template["Resources"]["ImageFunction"]["Properties"]["TracingConfig"]["Mode"] = "PassThrough"
    return lint_text(json.dumps(template), "broken.json")


def test_rendered_templates_lint_clean_with_informational_rules(env: str) -> None:
    assert clean_report(env).findings == []


def test_cfn_lint_and_tapgen_findings_are_reported_together() -> None:
    report = broken_report()
    rules = {(f.rule, f.resource) for f in report.findings}
    assert {("TAP017", "MetadataTable"), ("I3011", "MetadataTable")} <= rules
    assert [(s.rule, s.resource) for s in report.suppressed] == [
        ("TAP009", "ImageFunction"),
        ("W3011", "MetadataTable"),
    ]


def test_text_report_names_rule_resource_message_fix_and_suppressions() -> None:
    text = as_text([broken_report()])
    assert "broken.json: TAP017 MetadataTable: is stateful but DeletionPolicy is not Retain" in text
    assert "    fix: Set DeletionPolicy and UpdateReplacePolicy to Retain" in text
    assert "broken.json: suppressed TAP009 ImageFunction: Tracing is off" in text


def test_json_report_carries_the_same_findings() -> None:
    report = broken_report()
    (payload,) = json.loads(as_json([report]))
    assert payload["template"] == "broken.json"
    assert {(f["rule"], f["resource"]) for f in payload["findings"]} == {(f.rule, f.resource) for f in report.findings}
    assert all(set(f) == {"rule", "resource", "message", "fix"} for f in payload["findings"])
    assert payload["suppressed"][0]["rule"] == "TAP009"


@pytest.mark.parametrize(
    ("text", "message"),
    [("{", "not a JSON template"), ("[]", "no Resources mapping"), ('{"Resources": []}', "no Resources mapping")],
    ids=["broken-json", "not-a-mapping", "resources-not-a-mapping"],
)
def test_what_is_not_a_template_is_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        parse_template(text, "input.json")


def test_a_shape_cfn_lint_trips_over_is_a_finding_not_a_crash() -> None:
    report = lint_text(json.dumps({"Metadata": 3, "Resources": {}}), "odd.json")
    assert [(f.rule, f.resource) for f in report.findings] == [(CRASHED, "")]


FIXTURES = Path(__file__).parent / "fixtures"


def test_a_yaml_template_is_linted_with_line_and_column_on_tap_findings() -> None:
    report = lint_text((FIXTURES / "short_forms.yaml").read_text(encoding="utf-8"), "short_forms.yaml")
    found = {(f.rule, f.resource, f.line, f.column) for f in report.findings}
    assert ("TAP009", "Function", 22, 9) in found  # TracingConfig.Mode, the property that is wrong
    assert ("TAP010", "Function", 15, 5) in found  # its Properties: the property is missing
    assert "(at Resources/Function/Properties/TracingConfig/Mode, line 22, column 9)" in as_text([report])


def test_cfn_lint_findings_carry_line_and_column_too() -> None:
    text = (FIXTURES / "short_forms.yaml").read_text(encoding="utf-8").replace("python3.13", "python3.7")
    (deprecated,) = [f for f in lint_text(text, "old.yaml").findings if f.rule == "E2531"]
    assert (deprecated.resource, deprecated.line, deprecated.path) == (
        "Function",
        16,
        "Resources/Function/Properties/Runtime",
    )


def test_a_template_over_1_mb_is_a_finding_and_over_51200_bytes_a_note() -> None:
    template = rendered_template("dev")
    assert lint_text(rendered_text("dev"), "dev.json").notes[0].startswith("the template is ")
    template["Metadata"]["padding"] = "x" * 1_000_000
    report = lint_text(json.dumps(template), "huge.json")
    assert [f.rule for f in report.findings] == [TOO_LARGE]
    assert "CloudFormation refuses templates over 1,000,000 bytes" in report.findings[0].message


def test_a_deprecated_runtime_is_cfn_lints_finding_not_a_stale_tap_list() -> None:
    template = rendered_template("prod")
    template["Resources"]["ApiFunction"]["Properties"]["Runtime"] = "python3.8"
    findings = lint_text(json.dumps(template), "old-runtime.json").findings
    assert {(f.rule, f.resource) for f in findings if f.rule.startswith("TAP")} == set()
    assert {f.rule for f in findings if f.resource == "ApiFunction"} & {"E2531", "W2531"}


def test_an_unquoted_policy_version_in_yaml_is_no_crash() -> None:
    text = (
        (FIXTURES / "short_forms.yaml")
        .read_text(encoding="utf-8")
        .replace('Version: "2012-10-17"', "Version: 2012-10-17")
    )
    text += "  Logs:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: logs\n      PolicyDocument:\n"
    text += "        Version: 2012-10-17\n        Statement: []\n"
    report = lint_text(text, "dated.yaml")
    assert ("TAP006", "Logs") in {(f.rule, f.resource) for f in report.findings}
