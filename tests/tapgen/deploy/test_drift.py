"""Drift detection on CloudFormation's response shapes (botocore Stubber; moto implements none of it)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tapgen.deploy.drift import DriftReport, as_json, as_text, detect_drift
from tapgen.errors import DeployError
from tests.tapgen.deploy.stubs import STACK_ID, stack_description, stubbed

DETECTION_ID = "b78ac9b0-dec1-11e7-a451-503a3example"
NOW = "2026-11-23T20:00:00Z"


def detection_status(status: str, drift: str | None = None, reason: str | None = None) -> dict[str, Any]:
    """DescribeStackDriftDetectionStatus, as the AWS API reference shows it."""
    response: dict[str, Any] = {
        "StackId": STACK_ID,
        "StackDriftDetectionId": DETECTION_ID,
        "DetectionStatus": status,
        "Timestamp": NOW,
    }
    if drift:
        response |= {"StackDriftStatus": drift, "DriftedStackResourceCount": 2 if drift == "DRIFTED" else 0}
    if reason:
        response["DetectionStatusReason"] = reason
    return response


def resource_drift(logical_id: str, kind: str, status: str, differences: list[dict[str, str]]) -> dict[str, Any]:
    """One StackResourceDrift of DescribeStackResourceDrifts."""
    drift: dict[str, Any] = {
        "StackId": STACK_ID,
        "LogicalResourceId": logical_id,
        "PhysicalResourceId": f"tap-dev-{logical_id.lower()}",
        "ResourceType": kind,
        "StackResourceDriftStatus": status,
        "Timestamp": NOW,
    }
    if status != "DELETED":
        drift |= {"ExpectedProperties": "{}", "ActualProperties": "{}", "PropertyDifferences": differences}
    return drift


def summary(logical_id: str, kind: str, drift: str) -> dict[str, Any]:
    """One StackResourceSummary of ListStackResources, with its DriftInformation."""
    return {
        "LogicalResourceId": logical_id,
        "PhysicalResourceId": f"tap-dev-{logical_id.lower()}",
        "ResourceType": kind,
        "LastUpdatedTimestamp": NOW,
        "ResourceStatus": "UPDATE_COMPLETE",
        "DriftInformation": {"StackResourceDriftStatus": drift},
    }


MEMORY = {"PropertyPath": "/MemorySize", "ExpectedValue": "256", "ActualValue": "512", "DifferenceType": "NOT_EQUAL"}
TAG = {
    "PropertyPath": "/Tags/1",
    "ExpectedValue": "",
    "ActualValue": '{"Key":"owner","Value":"someone"}',
    "DifferenceType": "ADD",
}
FUNCTION = resource_drift("ApiFunction", "AWS::Lambda::Function", "MODIFIED", [MEMORY, TAG])
QUEUE = resource_drift("DeadLetterQueue", "AWS::SQS::Queue", "DELETED", [])
TABLE = resource_drift("MetadataTable", "AWS::DynamoDB::Table", "IN_SYNC", [])
SUMMARIES = [
    summary("ApiFunction", "AWS::Lambda::Function", "MODIFIED"),
    summary("DeadLetterQueue", "AWS::SQS::Queue", "DELETED"),
    summary("MetadataTable", "AWS::DynamoDB::Table", "IN_SYNC"),
    summary("HttpApi", "AWS::ApiGatewayV2::Api", "NOT_CHECKED"),
]


def stub_detection(stub: Any, statuses: list[dict[str, Any]], pages: list[list[dict[str, Any]]]) -> None:
    stub.add_response("describe_stacks", stack_description("UPDATE_COMPLETE"), {"StackName": "tap-dev"})
    stub.add_response("detect_stack_drift", {"StackDriftDetectionId": DETECTION_ID}, {"StackName": STACK_ID})
    for status in statuses:
        stub.add_response("describe_stack_drift_detection_status", status, {"StackDriftDetectionId": DETECTION_ID})
    for index, page in enumerate(pages):
        response: dict[str, Any] = {"StackResourceDrifts": page}
        expected: dict[str, Any] = {"StackName": STACK_ID}
        if index + 1 < len(pages):
            response["NextToken"] = f"page-{index + 2}"
        if index:
            expected["NextToken"] = f"page-{index + 1}"
        stub.add_response("describe_stack_resource_drifts", response, expected)
    stub.add_response("list_stack_resources", {"StackResourceSummaries": SUMMARIES}, {"StackName": STACK_ID})


def run_detection(statuses: list[dict[str, Any]], pages: list[list[dict[str, Any]]]) -> tuple[DriftReport, list[str]]:
    cfn, stub = stubbed("cloudformation")
    stub_detection(stub, statuses, pages)
    said: list[str] = []
    with stub:
        report = detect_drift(cfn, "tap-dev", said.append, lambda _: None)
    stub.assert_no_pending_responses()
    return report, said


def test_waits_with_progress_then_reads_every_page() -> None:
    waiting = [detection_status("DETECTION_IN_PROGRESS")] * 6
    report, said = run_detection(
        [*waiting, detection_status("DETECTION_COMPLETE", "DRIFTED")], [[FUNCTION], [QUEUE, TABLE]]
    )
    assert report.stack_status == "DRIFTED"
    assert [(r.logical_id, r.status) for r in report.drifted] == [
        ("ApiFunction", "MODIFIED"),
        ("DeadLetterQueue", "DELETED"),
    ]
    assert [(r.logical_id, r.status) for r in report.not_checked] == [("HttpApi", "NOT_CHECKED")]
    assert [r.logical_id for r in report.in_sync] == ["MetadataTable"]
    assert said[0] == f"drift detection {DETECTION_ID} started on tap-dev"
    assert any("checking resources" in line for line in said)


def test_the_text_table_shows_expected_and_actual_per_property() -> None:
    report, _ = run_detection([detection_status("DETECTION_COMPLETE", "DRIFTED")], [[FUNCTION, QUEUE, TABLE]])
    assert as_text(report).splitlines() == [
        "tap-dev: DRIFTED (2 drifted, 1 in sync, 1 not checked)",
        "STATUS    LOGICAL ID       TYPE                   PHYSICAL ID",
        "MODIFIED  ApiFunction      AWS::Lambda::Function  tap-dev-apifunction",
        "    /MemorySize: 256 → 512  (NOT_EQUAL)",
        '    /Tags/1: (absent) → {"Key":"owner","Value":"someone"}  (ADD)',
        "DELETED   DeadLetterQueue  AWS::SQS::Queue        tap-dev-deadletterqueue",
        "",
        "not checked for drift (CloudFormation cannot check them, or could not this time):",
        "  HttpApi (AWS::ApiGatewayV2::Api): NOT_CHECKED",
    ]


def test_json_lists_every_resource_with_its_differences() -> None:
    report, _ = run_detection([detection_status("DETECTION_COMPLETE", "DRIFTED")], [[FUNCTION, QUEUE, TABLE]])
    document = json.loads(as_json(report))
    assert document["drifted"] is True and document["stackDriftStatus"] == "DRIFTED"
    by_id = {r["logicalId"]: r for r in document["resources"]}
    assert by_id["ApiFunction"]["differences"][0] == {
        "path": "/MemorySize", "expected": "256", "actual": "512", "type": "NOT_EQUAL",
    }  # fmt: skip
    assert (by_id["HttpApi"]["status"], by_id["HttpApi"]["checked"]) == ("NOT_CHECKED", False)
    assert by_id["MetadataTable"]["checked"] is True


def test_a_partly_failed_detection_still_reports_what_was_checked() -> None:
    failed = detection_status("DETECTION_FAILED", "IN_SYNC", "Failed to detect drift on resource [HttpApi]")
    report, said = run_detection([failed], [[TABLE]])
    assert report.drifted == ()
    assert any("Failed to detect drift on resource [HttpApi]" in line for line in said)
    assert {r.logical_id for r in report.not_checked} == {"HttpApi", "ApiFunction", "DeadLetterQueue"}


def test_a_detection_that_never_ends_times_out() -> None:
    cfn, stub = stubbed("cloudformation")
    stub.add_response("describe_stacks", stack_description("UPDATE_COMPLETE"))
    stub.add_response("detect_stack_drift", {"StackDriftDetectionId": DETECTION_ID})
    for _ in range(4):
        stub.add_response("describe_stack_drift_detection_status", detection_status("DETECTION_IN_PROGRESS"))
    with stub, pytest.raises(DeployError, match="still in progress after 5 s"):
        detect_drift(cfn, "tap-dev", lambda _: None, lambda _: None, timeout=5)


def test_a_missing_stack_is_one_line() -> None:
    cfn, stub = stubbed("cloudformation")
    stub.add_client_error("describe_stacks", "ValidationError", "Stack with id tap-dev does not exist")
    with stub, pytest.raises(DeployError, match="stack tap-dev does not exist"):
        detect_drift(cfn, "tap-dev", lambda _: None, lambda _: None)
