"""The text and JSON forms of a diff."""

from __future__ import annotations

import copy
import json
from typing import Any

from tapgen.diff import diff_templates
from tapgen.diff.report import as_json, as_text
from tests.conftest import rendered_template


def test_no_differences() -> None:
    diff = diff_templates(rendered_template("dev"), rendered_template("dev"))
    assert as_text(diff, "tap-dev", True) == "tap-dev: no differences\n"
    document = json.loads(as_json(diff, "tap-dev", True))
    assert document["differences"] is False
    assert all(document[key] == [] for key in ("resources", "security", "outputs", "parameters", "other"))


def test_json_has_stable_keys_and_every_change() -> None:
    old = rendered_template("dev")
    new = copy.deepcopy(old)
    new["Resources"]["MetadataTable"]["Properties"]["KeySchema"][0]["AttributeName"] = "id"
    statements = new["Resources"]["ImageRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    statements.append({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    document = json.loads(as_json(diff_templates(old, new), "tap-dev", True))
    sections = {"resources", "security", "outputs", "parameters", "other"}
    assert set(document) == {"formatVersion", "stack", "stackExists", "offline", "differences", *sections}
    table = next(r for r in document["resources"] if r["logicalId"] == "MetadataTable")
    assert table == {
        "logicalId": "MetadataTable",
        "type": "AWS::DynamoDB::Table",
        "action": "modify",
        "stateful": True,
        "replacement": True,
        "replacementPaths": ["KeySchema"],
        "replacementChain": [],
        "destroysData": True,
        "properties": [
            {
                "path": "KeySchema/0/AttributeName",
                "property": "KeySchema",
                "change": "modified",
                "before": "fileId",
                "after": "id",
            }
        ],
        "attributes": [],
    }
    (grant,) = document["security"]
    assert grant["broadening"] is True and grant["reasons"] == ["new Allow statement"]
    assert grant["statement"] == {"Effect": "Allow", "Action": ["s3:*"], "Resource": ["*"]}


def test_text_marks_replacement_data_and_broadening() -> None:
    old = rendered_template("dev")
    new = copy.deepcopy(old)
    new["Resources"]["MetadataTable"]["Properties"]["KeySchema"][0]["AttributeName"] = "id"
    new["Resources"]["HealthRoute"]["Properties"]["RouteKey"] = "GET /healthz"
    new["Resources"]["GetFileRoute"]["Properties"]["AuthorizationType"] = "NONE"
    text = as_text(diff_templates(old, new), "tap-dev", True)
    assert "[~] AWS::DynamoDB::Table MetadataTable  stateful REPLACED (KeySchema) <- data" in text
    assert "    KeySchema/0/AttributeName: fileId → id [forces replacement]" in text
    assert "    RouteKey: GET /health → GET /healthz" in text
    assert "[~] GetFileRoute (AWS::ApiGatewayV2::Route) Authorization  BROADENING: authorization removed" in text
    assert text.endswith("3 resource(s) changed, 1 permission broadening(s), data at risk in MetadataTable\n")


def test_a_missing_stack_says_so() -> None:
    text = as_text(diff_templates({}, rendered_template("dev")), "tap-dev", False)
    assert text.startswith("tap-dev: stack does not exist; all added\n")


def _renamed_function_and_its_log_group() -> tuple[dict[str, Any], dict[str, Any]]:
    """A function whose log group is named after it, by reference: renaming the function replaces the group."""
    group = {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": {"Fn::Sub": "/aws/lambda/${Fn}"}}}
    old = {"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "f"}}, "Logs": group}}
    new = copy.deepcopy(old)
    new["Resources"]["Fn"]["Properties"]["FunctionName"] = "g"
    return old, new


def test_text_says_why_a_chained_replacement_happens() -> None:
    text = as_text(diff_templates(*_renamed_function_and_its_log_group()), "tap-dev", True)
    assert text.splitlines()[3:8] == [
        "[~] AWS::Lambda::Function Fn  REPLACED (FunctionName)",
        "    FunctionName: f → g [forces replacement]",
        "[~] AWS::Logs::LogGroup Logs  stateful REPLACED (LogGroupName) <- data",
        "    replaced because LogGroupName references Fn, which is replaced",
        "",
    ]
    assert text.endswith("2 resource(s) changed, data at risk in Logs\n")


def test_json_carries_chained_replacements_beside_the_existing_keys() -> None:
    document = json.loads(as_json(diff_templates(*_renamed_function_and_its_log_group()), "tap-dev", True))
    function, group = document["resources"]
    assert (function["replacement"], function["replacementPaths"], function["replacementChain"]) == (
        True,
        ["FunctionName"],
        [],
    )
    assert group == {
        "logicalId": "Logs",
        "type": "AWS::Logs::LogGroup",
        "action": "modify",
        "stateful": True,
        "replacement": True,
        "replacementPaths": ["LogGroupName"],
        "replacementChain": [
            {
                "path": "LogGroupName",
                "references": "Fn",
                "reason": "LogGroupName references Fn, which is replaced",
            }
        ],
        "destroysData": True,
        "properties": [],
        "attributes": [],
    }
