"""Reading what is deployed: the stack's original template in any of the forms GetTemplate returns it."""

from __future__ import annotations

from typing import Any

import pytest

from tapgen.cloud.deployed import deployed_template, parse_template, stack_parameters
from tapgen.errors import DeployError
from tests.tapgen.deploy.stubs import STACK_ID, stack_description, stubbed

EXPECTED = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "Name"}}}}}


@pytest.mark.parametrize(
    "body",
    [
        EXPECTED,  # boto3 decodes a JSON body itself
        '{"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "Name"}}}}}',
        "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Ref Name\n",
    ],
)
def test_json_and_yaml_bodies_read_alike(body: Any) -> None:
    assert parse_template(body, "test") == EXPECTED


@pytest.mark.parametrize("body", ["[1, 2]", "Resources: [unclosed"])
def test_a_body_that_is_no_template_is_one_clear_error(body: str) -> None:
    with pytest.raises(DeployError, match="test"):
        parse_template(body, "test")


def test_the_original_stage_is_asked_for() -> None:
    cfn, stub = stubbed("cloudformation")
    expected = {"StackName": STACK_ID, "TemplateStage": "Original"}
    stub.add_response("get_template", {"TemplateBody": '{"Resources": {}}'}, expected)
    with stub:
        assert deployed_template(cfn, STACK_ID) == {"Resources": {}}


def test_parameters_are_read_as_given() -> None:
    parameters = [
        {"ParameterKey": "EnvironmentSuffix", "ParameterValue": "dev"},
        {"ParameterKey": "Image", "ParameterValue": "/ssm/name", "ResolvedValue": "ami-1"},
    ]
    stack = stack_description("UPDATE_COMPLETE", Parameters=parameters)["Stacks"][0]
    assert stack_parameters(stack) == {"EnvironmentSuffix": "dev", "Image": "/ssm/name"}
