"""The deployed side of `tapgen diff` on CloudFormation's response shapes (Stubber): read-only calls only."""

from __future__ import annotations

import json

import pytest

from tapgen.diff.stack import diff_stack
from tests.tapgen.deploy.stubs import STACK_ID, stack_description, stubbed

TEMPLATE = {
    "Parameters": {"EnvironmentSuffix": {"Type": "String"}},
    "Resources": {
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Fn::Sub": "q-${EnvironmentSuffix}"}}}
    },
}


def test_an_unchanged_stack_has_no_differences_and_the_original_template_is_read() -> None:
    cfn, stub = stubbed("cloudformation")
    parameters = [{"ParameterKey": "EnvironmentSuffix", "ParameterValue": "dev"}]
    stub.add_response(
        "describe_stacks", stack_description("UPDATE_COMPLETE", Parameters=parameters), {"StackName": "tap-dev"}
    )
    stub.add_response(
        "get_template", {"TemplateBody": json.dumps(TEMPLATE)}, {"StackName": STACK_ID, "TemplateStage": "Original"}
    )
    with stub:
        result = diff_stack(cfn, "tap-dev", json.dumps(TEMPLATE), {"EnvironmentSuffix": "dev"}, "us-east-1")
    stub.assert_no_pending_responses()
    assert result.exists and result.diff.empty


def test_a_changed_parameter_value_shows_and_predicts_the_rename() -> None:
    cfn, stub = stubbed("cloudformation")
    parameters = [{"ParameterKey": "EnvironmentSuffix", "ParameterValue": "dev"}]
    stub.add_response("describe_stacks", stack_description("UPDATE_COMPLETE", Parameters=parameters))
    stub.add_response("get_template", {"TemplateBody": json.dumps(TEMPLATE)})
    with stub:
        result = diff_stack(cfn, "tap-dev", json.dumps(TEMPLATE), {"EnvironmentSuffix": "qa"}, "us-east-1")
    (queue,) = result.diff.resources
    assert (queue.logical_id, queue.replacement, queue.destroys_data) == ("Queue", ("QueueName",), True)
    assert [(p.name, p.changes[0].before, p.changes[0].after) for p in result.diff.parameters] == [
        ("EnvironmentSuffix", "dev", "qa")
    ]


@pytest.mark.parametrize("status", ["REVIEW_IN_PROGRESS", "ROLLBACK_COMPLETE", None])
def test_a_stack_with_nothing_deployed_is_everything_added(status: str | None) -> None:
    cfn, stub = stubbed("cloudformation")
    if status is None:
        stub.add_client_error("describe_stacks", "ValidationError", "Stack with id tap-dev does not exist")
    else:
        stub.add_response("describe_stacks", stack_description(status))
    with stub:  # no GetTemplate: there is nothing deployed to read
        result = diff_stack(cfn, "tap-dev", json.dumps(TEMPLATE), {"EnvironmentSuffix": "dev"}, "us-east-1")
    assert not result.exists
    assert [(r.logical_id, r.action) for r in result.diff.resources] == [("Queue", "add")]
