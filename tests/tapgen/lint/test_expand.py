"""Transforms applied before tapgen's rules: Fn::ForEach and SAM resources are checked, never silently skipped."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tapgen.lint.engine import lint_text
from tapgen.lint.expand import NOT_EXPANDED, expand
from tapgen.lint.source import decode_template

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_for_each_resources_are_checked_on_the_loops_line() -> None:
    report = lint_text(fixture_text("for_each.yaml"), "for_each.yaml")
    retention = {(f.resource, f.line) for f in report.findings if f.rule == "TAP008"}
    assert retention == {("OrdersLogGroup", 10), ("PaymentsLogGroup", 10)}


def test_sam_resources_are_translated_and_findings_land_on_the_sam_resource() -> None:
    report = lint_text(fixture_text("sam_function.yaml"), "sam_function.yaml")
    on_role = [f for f in report.findings if f.rule == "TAP003" and f.resource == "ReaderRole"]
    assert on_role, report.findings
    assert (on_role[0].line, on_role[0].column) == (10, 3)
    assert "generated from Reader" in on_role[0].located_message
    assert ("TAP009", "Reader") in {(f.rule, f.resource) for f in report.findings}  # the translated function
    assert NOT_EXPANDED not in {f.rule for f in report.findings}


def test_a_waiver_on_the_sam_resource_covers_what_it_generates() -> None:
    waiver = (
        "  Reader:\n    Type: AWS::Serverless::Function\n    Metadata:\n      tapgen:\n        suppress:\n"
        "          - id: TAP003\n            reason: The basic execution policy is reviewed and accepted here.\n"
    )
    text = fixture_text("sam_function.yaml").replace("  Reader:\n    Type: AWS::Serverless::Function\n", waiver)
    report = lint_text(text, "waived.yaml")
    assert "TAP003" not in {f.rule for f in report.findings}
    assert ("TAP003", "ReaderRole") in {(s.rule, s.resource) for s in report.suppressed}


def test_without_the_translator_sam_is_a_finding_not_a_clean_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "samtranslator.parser.parser", None)  # as if tapgen[sam] were not installed
    expansion = expand(decode_template(fixture_text("sam_function.yaml"), "sam.yaml"), "us-east-1")
    (finding,) = expansion.findings
    assert finding.rule == NOT_EXPANDED
    assert "aws-sam-translator is not installed" in finding.message
    assert "tapgen[sam]" in finding.fix


def test_invalid_sam_is_a_finding_with_the_translators_reason() -> None:
    text = fixture_text("sam_function.yaml").replace("Type: Schedule", "Type: NoSuchEventSource")
    findings = lint_text(text, "bad-sam.yaml").findings
    (finding,) = [f for f in findings if f.rule == NOT_EXPANDED]
    assert "AWS::Serverless-2016-10-31 transform was not applied" in finding.message


def test_a_macro_tapgen_cannot_run_is_a_note_not_silence() -> None:
    text = fixture_text("for_each.yaml").replace(
        "Transform: AWS::LanguageExtensions", "Transform: [AWS::LanguageExtensions, Acme::Tags]"
    )
    report = lint_text(text, "macro.yaml")
    assert report.notes == [
        "the Acme::Tags transform (a macro) runs only in CloudFormation: what it adds was not checked"
    ]
    assert {f.resource for f in report.findings if f.rule == "TAP008"} == {"OrdersLogGroup", "PaymentsLogGroup"}


@pytest.mark.parametrize(
    ("original", "replacement"),
    [
        ("      CodeUri: src/reader/\n", ""),  # no code named: `sam build` takes the folder's
        ("      CodeUri: src/reader/\n", '      CodeUri: !Sub "s3://code-${AWS::AccountId}/reader.zip"\n'),
        (
            "      Runtime: python3.13\n      Handler: app.handler\n      CodeUri: src/reader/\n",
            "      ImageUri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/reader:1\n",
        ),
        (
            "  Table:\n",
            "  Tools:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location:\n"
            "        ApplicationId: arn:aws:serverlessrepo:us-east-1:123456789012:applications/tools\n"
            "        SemanticVersion: 1.0.0\n      Tags: {team: data}\n  Table:\n",
        ),
    ],
    ids=["no-code-uri", "code-uri-sub", "image-without-package-type", "serverless-repo-application"],
)
def test_sam_shapes_that_deploy_are_translated_without_aws(original: str, replacement: str) -> None:
    text = fixture_text("sam_function.yaml").replace(original, replacement)
    report = lint_text(text, "sam.yaml")
    assert NOT_EXPANDED not in {f.rule for f in report.findings}, report.findings
    assert ("TAP009", "Reader") in {(f.rule, f.resource) for f in report.findings}
