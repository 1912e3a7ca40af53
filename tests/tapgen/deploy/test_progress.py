"""Progress: resources done of total, the current event, and the reasons of failed resources."""

from __future__ import annotations

import pytest

from tapgen.deploy.progress import watch
from tapgen.errors import DeployError
from tests.tapgen.deploy.stubs import STACK_ID, event, stack_description, stack_poll, stubbed

STACK = "AWS::CloudFormation::Stack"


def test_reports_each_new_event_with_a_count_until_the_stack_settles() -> None:
    cfn, stub = stubbed("cloudformation")
    stack_poll(
        stub,
        "CREATE_IN_PROGRESS",
        event("e3", "Queue", "CREATE_COMPLETE", "AWS::SQS::Queue"),
        event("e2", "Queue", "CREATE_IN_PROGRESS", "AWS::SQS::Queue"),
        event("e1", "tap-dev", "REVIEW_IN_PROGRESS", STACK),
    )
    stack_poll(
        stub,
        "CREATE_COMPLETE",
        event("e5", "tap-dev", "CREATE_COMPLETE", STACK),
        event("e4", "Topic", "CREATE_COMPLETE", "AWS::SNS::Topic"),
        event("e3", "Queue", "CREATE_COMPLETE", "AWS::SQS::Queue"),
    )
    lines: list[str] = []
    with stub:
        outcome = watch(cfn, STACK_ID, "e1", 2, lines.append, lambda _: None)
    assert outcome.succeeded and outcome.failures == ()
    assert lines == [
        "[0/2] CREATE_IN_PROGRESS Queue (AWS::SQS::Queue)",
        "[1/2] CREATE_COMPLETE Queue (AWS::SQS::Queue)",
        "[2/2] CREATE_COMPLETE Topic (AWS::SNS::Topic)",
        "[2/2] CREATE_COMPLETE tap-dev (AWS::CloudFormation::Stack)",
    ]


def test_failures_carry_each_resource_reason() -> None:
    cfn, stub = stubbed("cloudformation")
    stack_poll(
        stub,
        "ROLLBACK_COMPLETE",
        event("e4", "tap-dev", "ROLLBACK_COMPLETE", STACK),
        event("e3", "Topic", "CREATE_FAILED", "AWS::SNS::Topic", "Resource creation cancelled"),
        event("e2", "Bucket", "CREATE_FAILED", "AWS::S3::Bucket", "tap-dev-uploads already exists"),
        event("e1", "tap-dev", "CREATE_IN_PROGRESS", STACK, "User Initiated"),
    )
    with stub:
        outcome = watch(cfn, STACK_ID, None, 2, lambda _: None, lambda _: None)
    assert not outcome.succeeded
    assert [f.line() for f in outcome.failures] == [
        "Bucket (AWS::S3::Bucket) CREATE_FAILED: tap-dev-uploads already exists",
        "Topic (AWS::SNS::Topic) CREATE_FAILED: Resource creation cancelled",
    ]


def test_older_pages_are_read_until_the_last_seen_event() -> None:
    cfn, stub = stubbed("cloudformation")
    stub.add_response("describe_stacks", stack_description("UPDATE_COMPLETE"))
    stub.add_response(
        "describe_stack_events",
        {"StackEvents": [event("e3", "A", "UPDATE_COMPLETE", "AWS::SQS::Queue")], "NextToken": "t"},
    )
    stub.add_response(
        "describe_stack_events",
        {"StackEvents": [event("e2", "B", "UPDATE_COMPLETE", "AWS::SQS::Queue"), event("e1", "C", "X", "T")]},
        {"StackName": STACK_ID, "NextToken": "t"},
    )
    lines: list[str] = []
    with stub:
        watch(cfn, STACK_ID, "e1", 2, lines.append, lambda _: None)
    assert lines == ["[1/2] UPDATE_COMPLETE B (AWS::SQS::Queue)", "[2/2] UPDATE_COMPLETE A (AWS::SQS::Queue)"]


def test_a_stack_that_never_settles_is_given_up_on_with_its_state() -> None:
    cfn, stub = stubbed("cloudformation")
    now = [0.0]
    for _ in range(4):  # polls at t = 0, 0.5, 1.25 and 2.375 s; the deadline is 2 s
        stack_poll(stub, "UPDATE_IN_PROGRESS")

    def sleep(seconds: float) -> None:
        now[0] += seconds

    with stub, pytest.raises(DeployError, match=r"gave up waiting after 2 s: stack .* is still UPDATE_IN_PROGRESS"):
        watch(cfn, STACK_ID, None, 3, lambda _: None, sleep, timeout=2, clock=lambda: now[0])
    stub.assert_no_pending_responses()
