"""Stack state before a change set, protection, and emptying buckets."""

from __future__ import annotations

import json

import pytest

from tapgen.deploy.stack import PROTECTIVE_POLICY, change_set_type, empty_bucket, protect
from tapgen.errors import DeployError
from tests.tapgen.deploy.stubs import STACK_ID, event, stack_description, stack_poll, stubbed

STACK_TYPE = "AWS::CloudFormation::Stack"


def test_absent_stack_is_created() -> None:
    cfn, stub = stubbed("cloudformation")
    stub.add_client_error(
        "describe_stacks", "ValidationError", "Stack with id tap-dev does not exist", http_status_code=400
    )
    with stub:
        assert change_set_type(cfn, "tap-dev", print) == "CREATE"


@pytest.mark.parametrize(("status", "expected"), [("REVIEW_IN_PROGRESS", "CREATE"), ("UPDATE_COMPLETE", "UPDATE")])
def test_type_follows_the_stack_status(status: str, expected: str) -> None:
    cfn, stub = stubbed("cloudformation")
    stub.add_response("describe_stacks", stack_description(status))
    with stub:
        assert change_set_type(cfn, "tap-dev", print) == expected


def test_rolled_back_creation_is_deleted_then_created_again() -> None:
    cfn, stub = stubbed("cloudformation")
    said: list[str] = []
    stack_poll(stub, "ROLLBACK_COMPLETE", event("e1", "tap-dev", "ROLLBACK_COMPLETE", STACK_TYPE))
    stub.add_response("list_stack_resources", {"StackResourceSummaries": []})
    stub.add_response("delete_stack", {}, {"StackName": STACK_ID})
    stack_poll(
        stub,
        "DELETE_COMPLETE",
        event("e2", "tap-dev", "DELETE_COMPLETE", STACK_TYPE),
        event("e1", "tap-dev", "ROLLBACK_COMPLETE", STACK_TYPE),
    )
    with stub:
        assert change_set_type(cfn, "tap-dev", said.append, lambda _: None) == "CREATE"
    stub.assert_no_pending_responses()
    assert "ROLLBACK_COMPLETE" in said[0]


@pytest.mark.parametrize(
    ("status", "words"),
    [("UPDATE_IN_PROGRESS", "busy"), ("UPDATE_ROLLBACK_FAILED", "resolve it"), ("DELETE_FAILED", "resolve it")],
)
def test_busy_or_broken_stacks_are_refused(status: str, words: str) -> None:
    cfn, stub = stubbed("cloudformation")
    stub.add_response("describe_stacks", stack_description(status))
    with stub, pytest.raises(DeployError, match=words):
        change_set_type(cfn, "tap-dev", print)


def test_protection_denies_replacing_or_deleting_stateful_resources() -> None:
    cfn, stub = stubbed("cloudformation")
    stub.add_response("describe_stacks", stack_description("CREATE_COMPLETE"), {"StackName": "tap-prod"})
    stub.add_response("get_stack_policy", {}, {"StackName": "tap-prod"})
    stub.add_response(
        "update_termination_protection",
        {"StackId": STACK_ID},
        {"StackName": "tap-prod", "EnableTerminationProtection": True},
    )
    stub.add_response(
        "set_stack_policy",
        {},
        {"StackName": "tap-prod", "StackPolicyBody": json.dumps(PROTECTIVE_POLICY, sort_keys=True)},
    )
    with stub:
        assert len(protect(cfn, "tap-prod")) == 2
    stub.assert_no_pending_responses()


def test_protection_already_in_place_writes_nothing() -> None:
    cfn, stub = stubbed("cloudformation")
    stub.add_response("describe_stacks", stack_description("UPDATE_COMPLETE", EnableTerminationProtection=True))
    stub.add_response("get_stack_policy", {"StackPolicyBody": json.dumps(PROTECTIVE_POLICY)})
    with stub:
        assert protect(cfn, "tap-prod") == []
    stub.assert_no_pending_responses()


def test_a_failed_protected_creation_is_unprotected_then_deleted() -> None:
    """ROLLBACK_COMPLETE holds nothing, and CloudFormation allows nothing but deleting it."""
    cfn, stub = stubbed("cloudformation")
    stub.add_response("describe_stacks", stack_description("ROLLBACK_COMPLETE", EnableTerminationProtection=True))
    stub.add_response(
        "update_termination_protection",
        {"StackId": STACK_ID},
        {"StackName": STACK_ID, "EnableTerminationProtection": False},
    )
    stub.add_response("describe_stack_events", {"StackEvents": []})
    stub.add_response("list_stack_resources", {"StackResourceSummaries": []})
    stub.add_response("delete_stack", {}, {"StackName": STACK_ID})
    stack_poll(stub, "DELETE_COMPLETE")
    said: list[str] = []
    with stub:
        assert change_set_type(cfn, "tap-prod", said.append, lambda _: None) == "CREATE"
    stub.assert_no_pending_responses()
    assert any("termination protection" in line for line in said)


def test_protective_policy_shape() -> None:
    from tapgen.deploy.stack import PROTECTIVE_POLICY

    deny = json.loads(json.dumps(PROTECTIVE_POLICY))["Statement"][1]
    assert deny["Effect"] == "Deny" and set(deny["Action"]) == {"Update:Replace", "Update:Delete"}
    assert "AWS::DynamoDB::Table" in deny["Condition"]["StringEquals"]["ResourceType"]


def test_empty_bucket_deletes_versions_and_delete_markers() -> None:
    s3, stub = stubbed("s3")
    stub.add_response(
        "list_object_versions",
        {
            "Versions": [{"Key": "a", "VersionId": "v1"}, {"Key": "a", "VersionId": "v2"}],
            "DeleteMarkers": [{"Key": "a", "VersionId": "v3"}],
        },
        {"Bucket": "b"},
    )
    objects = [{"Key": "a", "VersionId": v} for v in ("v1", "v2", "v3")]
    stub.add_response("delete_objects", {}, {"Bucket": "b", "Delete": {"Objects": objects, "Quiet": True}})
    with stub:
        assert empty_bucket(s3, "b") == 3


def test_empty_bucket_of_a_deleted_bucket_is_nothing() -> None:
    s3, stub = stubbed("s3")
    stub.add_client_error("list_object_versions", "NoSuchBucket", http_status_code=404)
    with stub:
        assert empty_bucket(s3, "gone") == 0
