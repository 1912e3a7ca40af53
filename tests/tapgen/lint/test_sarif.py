"""SARIF 2.1.0 as GitHub code scanning reads it: rules with help and a link, results with file, line and column."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from tapgen.lint.engine import lint_text
from tapgen.lint.rules import RULES
from tapgen.lint.sarif import as_sarif
from tests.conftest import rendered_text

FIXTURES = Path(__file__).parent / "fixtures"
WAIVED = """  Role:
    Type: AWS::IAM::Role
    Metadata:
      tapgen:
        suppress:
          - id: TAP004
            reason: The role is assumed by a fixed partner service for this test.
"""


@cache
def sarif() -> dict[str, Any]:
    text = (
        (FIXTURES / "short_forms.yaml")
        .read_text(encoding="utf-8")
        .replace("  Role:\n    Type: AWS::IAM::Role\n", WAIVED)
    )
    text = text.replace("Service: lambda.amazonaws.com", "Service: ec2.amazonaws.com")
    payload: dict[str, Any] = json.loads(as_sarif([lint_text(text, "t.yaml", uri="infra/t.yaml")], "1.2.3"))
    return payload


def test_the_log_is_sarif_2_1_0_from_tapgen() -> None:
    payload = sarif()
    assert (payload["version"], payload["$schema"]) == ("2.1.0", "https://json.schemastore.org/sarif-2.1.0.json")
    (run,) = payload["runs"]
    assert run["tool"]["driver"]["name"] == "tapgen"
    assert run["tool"]["driver"]["version"] == "1.2.3"


def test_every_rule_has_help_text_and_a_documentation_link() -> None:
    rules = sarif()["runs"][0]["tool"]["driver"]["rules"]
    assert {r.id for r in RULES} <= {r["id"] for r in rules}
    for rule in rules:
        assert rule["help"]["text"], rule["id"]
        assert rule["helpUri"].startswith("https://"), rule["id"]
        assert rule["shortDescription"]["text"], rule["id"]


def test_results_carry_file_line_column_resource_and_the_rule_index() -> None:
    run = sarif()["runs"][0]
    (tracing,) = [r for r in run["results"] if r["ruleId"] == "TAP009"]
    (location,) = tracing["locations"]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": "infra/t.yaml"},
        "region": {"startLine": 27, "startColumn": 9},  # 22 in the fixture, after the 5 lines of waiver
    }
    assert location["logicalLocations"] == [{"name": "Function", "kind": "resource"}]
    assert run["tool"]["driver"]["rules"][tracing["ruleIndex"]]["id"] == "TAP009"
    assert tracing["level"] == "error"
    assert "Fix: Set TracingConfig.Mode to Active." in tracing["message"]["text"]


def test_waived_findings_are_suppressed_results_with_the_reason() -> None:
    (waived,) = [r for r in sarif()["runs"][0]["results"] if "suppressions" in r]
    assert waived["ruleId"] == "TAP004"
    assert waived["suppressions"] == [
        {"kind": "inSource", "justification": "The role is assumed by a fixed partner service for this test."}
    ]


def test_cfn_lint_findings_are_described_by_cfn_lints_own_rule() -> None:
    text = (FIXTURES / "short_forms.yaml").read_text(encoding="utf-8").replace("python3.13", "python3.7")
    run = json.loads(as_sarif([lint_text(text, "old.yaml")], "1"))["runs"][0]
    (rule,) = [r for r in run["tool"]["driver"]["rules"] if r["id"] == "E2531"]
    assert "runtime" in rule["shortDescription"]["text"].lower()
    assert rule["helpUri"].startswith("https://")


def test_notes_are_tool_notifications() -> None:
    run = json.loads(as_sarif([lint_text(rendered_text("dev"), "dev.json")], "1"))["runs"][0]
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "note"
    assert note["message"]["text"].startswith("dev.json: the template is ")
    assert run["results"] == []
