"""Real botocore clients with Stubber: CloudFormation's response shapes, validated, with no network."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.stub import Stubber

STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/tap-dev/11111111-2222-3333-4444-555555555555"
CHANGE_SET_ID = "arn:aws:cloudformation:us-east-1:123456789012:changeSet/tapgen-1/66666666-7777-8888-9999-000000000000"


def stubbed(service: str) -> tuple[Any, Stubber]:
    client = boto3.client(
        service, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    return client, Stubber(client)


def resource_change(action: str, logical_id: str, resource_type: str, replacement: str | None = None) -> dict[str, Any]:
    """One entry of DescribeChangeSet's Changes, as CloudFormation sends it."""
    change: dict[str, Any] = {"Action": action, "LogicalResourceId": logical_id, "ResourceType": resource_type}
    if action == "Modify":
        change |= {
            "PhysicalResourceId": f"physical-{logical_id}",
            "Replacement": replacement or "False",
            "Scope": ["Properties"],
            "Details": [
                {
                    "Target": {"Attribute": "Properties", "Name": "KeySchema", "RequiresRecreation": "Always"},
                    "Evaluation": "Static",
                    "ChangeSource": "DirectModification",
                }
            ],
        }
    return {"Type": "Resource", "ResourceChange": change}


def change_set_description(status: str, changes: list[dict[str, Any]], reason: str | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "ChangeSetId": CHANGE_SET_ID,
        "ChangeSetName": "tapgen-1",
        "StackId": STACK_ID,
        "StackName": "tap-dev",
        "ExecutionStatus": "AVAILABLE" if status == "CREATE_COMPLETE" else "UNAVAILABLE",
        "Status": status,
        "Changes": changes,
    }
    if reason:
        response["StatusReason"] = reason
    return response


def stack_description(status: str, **extra: Any) -> dict[str, Any]:
    return {
        "Stacks": [
            {
                "StackId": STACK_ID,
                "StackName": "tap-dev",
                "StackStatus": status,
                "CreationTime": "2026-01-01T00:00:00Z",
                **extra,
            }
        ]
    }


def stack_poll(stub: Stubber, status: str, *events: dict[str, Any]) -> None:
    """One poll of a watched stack: DescribeStacks answers `status`, DescribeStackEvents `events` (newest first)."""
    stub.add_response("describe_stacks", stack_description(status))
    stub.add_response("describe_stack_events", {"StackEvents": list(events)})


def event(event_id: str, logical_id: str, status: str, resource_type: str, reason: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "StackId": STACK_ID,
        "EventId": event_id,
        "StackName": "tap-dev",
        "LogicalResourceId": logical_id,
        "ResourceType": resource_type,
        "Timestamp": "2026-01-01T00:00:00Z",
        "ResourceStatus": status,
    }
    if reason:
        entry["ResourceStatusReason"] = reason
    return entry
