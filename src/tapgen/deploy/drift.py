"""Drift: what changed in the stack's resources behind CloudFormation's back (read-only calls only)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tapgen.cloud.clients import paged_items
from tapgen.cloud.stack import describe_stack, stack_resources
from tapgen.deploy.changes import Sleep
from tapgen.deploy.progress import Report
from tapgen.errors import DeployError

DRIFTED = ("MODIFIED", "DELETED")
CHECKED = ("IN_SYNC", *DRIFTED)
IN_PROGRESS = "DETECTION_IN_PROGRESS"
PROGRESS_EVERY = 10.0  # seconds between progress lines while CloudFormation checks


@dataclass(frozen=True)
class PropertyDifference:
    path: str
    expected: str | None
    actual: str | None
    kind: str  # ADD, REMOVE, NOT_EQUAL


@dataclass(frozen=True)
class ResourceDrift:
    logical_id: str
    resource_type: str
    physical_id: str
    status: str  # IN_SYNC, MODIFIED, DELETED; NOT_CHECKED, UNKNOWN, UNSUPPORTED for what was not checked
    differences: tuple[PropertyDifference, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class DriftReport:
    stack: str
    stack_status: str  # DRIFTED, IN_SYNC, UNKNOWN, NOT_CHECKED
    detection_status: str
    detection_reason: str
    resources: tuple[ResourceDrift, ...]

    @property
    def drifted(self) -> tuple[ResourceDrift, ...]:
        return tuple(r for r in self.resources if r.status in DRIFTED)

    @property
    def not_checked(self) -> tuple[ResourceDrift, ...]:
        return tuple(r for r in self.resources if r.status not in CHECKED)

    @property
    def in_sync(self) -> tuple[ResourceDrift, ...]:
        return tuple(r for r in self.resources if r.status == "IN_SYNC")


def detect_drift(
    cfn: Any, stack_name: str, report: Report, sleep: Sleep = time.sleep, timeout: float = 1800
) -> DriftReport:
    """Run drift detection on the stack, wait for it with progress, and read every resource's result."""
    stack = describe_stack(cfn, stack_name)
    if stack is None:
        raise DeployError(f"stack {stack_name} does not exist")
    stack_id = stack["StackId"]
    detection = cfn.detect_stack_drift(StackName=stack_id)["StackDriftDetectionId"]
    report(f"drift detection {detection} started on {stack_name}")
    status = _wait(cfn, detection, report, sleep, timeout)
    if status["DetectionStatus"] == "DETECTION_FAILED":
        report(f"drift detection failed for some resources: {status.get('DetectionStatusReason', '')}")
    listed = paged_items(cfn.describe_stack_resource_drifts, "StackResourceDrifts", StackName=stack_id)
    drifts = {d["LogicalResourceId"]: d for d in listed}
    return DriftReport(
        stack=stack_name,
        stack_status=status.get("StackDriftStatus", "UNKNOWN"),
        detection_status=status["DetectionStatus"],
        detection_reason=status.get("DetectionStatusReason", ""),
        resources=tuple(_resources(drifts, stack_resources(cfn, stack_id))),
    )


def _wait(cfn: Any, detection: str, report: Report, sleep: Sleep, timeout: float) -> dict[str, Any]:
    delay, waited, reported = 1.0, 0.0, 0.0
    while True:
        status: dict[str, Any] = cfn.describe_stack_drift_detection_status(StackDriftDetectionId=detection)
        if status["DetectionStatus"] != IN_PROGRESS:
            return status
        if waited >= timeout:
            raise DeployError(f"drift detection {detection} still in progress after {timeout:.0f} s")
        if waited - reported >= PROGRESS_EVERY:
            report(f"  checking resources... {waited:.0f} s")
            reported = waited
        sleep(delay)
        waited += delay
        delay = min(delay * 2, 5.0)


def _resources(drifts: Mapping[str, dict[str, Any]], summaries: list[dict[str, Any]]) -> Iterator[ResourceDrift]:
    """Every resource of the stack: its drift result, or why it has none (not every type can be checked)."""
    seen = set()
    for summary in sorted(summaries, key=lambda s: s.get("LogicalResourceId", "")):
        logical_id = summary.get("LogicalResourceId", "")
        seen.add(logical_id)
        if logical_id in drifts:
            yield _drift(drifts[logical_id])
            continue
        status = summary.get("DriftInformation", {}).get("StackResourceDriftStatus", "NOT_CHECKED")
        yield ResourceDrift(
            logical_id,
            summary.get("ResourceType", ""),
            summary.get("PhysicalResourceId", ""),
            status if status not in CHECKED else "NOT_CHECKED",
            reason="CloudFormation did not check it (drift detection does not support this type)",
        )
    for logical_id in sorted(set(drifts) - seen):
        yield _drift(drifts[logical_id])


def _drift(drift: Mapping[str, Any]) -> ResourceDrift:
    return ResourceDrift(
        logical_id=drift.get("LogicalResourceId", ""),
        resource_type=drift.get("ResourceType", ""),
        physical_id=drift.get("PhysicalResourceId", ""),
        status=drift.get("StackResourceDriftStatus", "UNKNOWN"),
        differences=tuple(
            PropertyDifference(d["PropertyPath"], d.get("ExpectedValue"), d.get("ActualValue"), d["DifferenceType"])
            for d in drift.get("PropertyDifferences", [])
        ),
        reason=drift.get("DriftStatusReason", ""),
    )


def as_text(report: DriftReport) -> str:
    from tapgen.cfn.values import shown

    head = f"{report.stack}: {report.stack_status}"
    counts = f"{len(report.drifted)} drifted, {len(report.in_sync)} in sync, {len(report.not_checked)} not checked"
    lines = [f"{head} ({counts})"]
    if report.drifted:
        rows = [("STATUS", "LOGICAL ID", "TYPE", "PHYSICAL ID")]
        rows += [(r.status, r.logical_id, r.resource_type, r.physical_id) for r in report.drifted]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for index, row in enumerate(rows):
            lines.append("  ".join([*(c.ljust(w) for c, w in zip(row, widths, strict=False)), row[3]]).rstrip())
            if index:
                for difference in report.drifted[index - 1].differences:
                    # ADD: only in the actual resource; REMOVE: only in the template (the other value is empty)
                    expected = "(absent)" if difference.kind == "ADD" else shown(_compact(difference.expected))
                    actual = "(absent)" if difference.kind == "REMOVE" else shown(_compact(difference.actual))
                    lines.append(f"    {difference.path}: {expected} → {actual}  ({difference.kind})")
    if report.not_checked:
        lines += ["", "not checked for drift (CloudFormation cannot check them, or could not this time):"]
        lines += [f"  {r.logical_id} ({r.resource_type}): {r.status}" for r in report.not_checked]
    return "\n".join(lines) + "\n"


def _compact(value: str | None) -> Any:
    """Expected and actual values arrive as JSON text; show them as one compact value."""
    if value is None:
        return ""
    try:
        return json.loads(value)
    except ValueError:
        return value


def as_json(report: DriftReport) -> str:
    document = {
        "stack": report.stack,
        "stackDriftStatus": report.stack_status,
        "detectionStatus": report.detection_status,
        "detectionStatusReason": report.detection_reason,
        "drifted": bool(report.drifted),
        "resources": [
            {
                "logicalId": r.logical_id,
                "type": r.resource_type,
                "physicalId": r.physical_id,
                "status": r.status,
                "checked": r.status in CHECKED,
                "reason": r.reason,
                "differences": [
                    {"path": d.path, "expected": d.expected, "actual": d.actual, "type": d.kind} for d in r.differences
                ],
            }
            for r in report.resources
        ],
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"
