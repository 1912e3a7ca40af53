"""The deploy flow on CloudFormation's real response shapes (Stubber): guard, no changes, review, failure."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import ANY

from tapgen.artifacts import FunctionArtifact
from tapgen.deploy.aws import DeployError
from tapgen.deploy.flow import TEMPLATE_BODY_LIMIT, Console, DeployPlan, deploy
from tests.tapgen.deploy.stubs import (
    CHANGE_SET_ID,
    STACK_ID,
    change_set_description,
    event,
    resource_change,
    stack_description,
    stubbed,
)

ARTIFACT = FunctionArtifact("api", "tap_api.handler.handle", ("tap_api/handler.py",), b"zip bytes")
PLAN = DeployPlan(
    stack_name="tap-dev",
    suffix="dev",
    bucket="artifacts",
    region="us-east-1",
    template='{"Resources": {}}',
    artifacts={"api": ARTIFACT},
    retain_data=False,
)
OUTPUTS = {"Outputs": [{"OutputKey": "ApiUrl", "OutputValue": "https://api"}]}


class Harness:
    """Stubbed s3 and cloudformation clients, and a console that records what it was told."""

    def __init__(self, answer: bool = True) -> None:
        self.s3, self.s3_stub = stubbed("s3")
        self.cfn, self.cfn_stub = stubbed("cloudformation")
        self.said: list[str] = []
        self.asked: list[str] = []
        self.answer = answer

    def clients(self, service: str) -> Any:
        return {"s3": self.s3, "cloudformation": self.cfn}[service]

    def console(self) -> Console:
        return Console(self.said.append, lambda question: self.asked.append(question) or self.answer)

    def artifact_present(self) -> None:
        self.s3_stub.add_response("head_object", {}, {"Bucket": "artifacts", "Key": ARTIFACT.s3_key})

    def change_set(self, changes: list[dict[str, Any]], status: str = "CREATE_COMPLETE", reason: str = "") -> None:
        self.cfn_stub.add_response("describe_stacks", stack_description("UPDATE_COMPLETE"))
        self.cfn_stub.add_response("create_change_set", {"Id": CHANGE_SET_ID, "StackId": STACK_ID})
        self.cfn_stub.add_response("describe_change_set", change_set_description(status, changes, reason or None))

    def run(self, plan: DeployPlan = PLAN) -> Any:
        with self.s3_stub, self.cfn_stub:
            result = deploy(plan, self.clients, self.console(), lambda _: None)
        self.s3_stub.assert_no_pending_responses()
        self.cfn_stub.assert_no_pending_responses()
        return result


def test_table_replacement_is_refused_and_the_change_set_deleted() -> None:
    harness = Harness()
    harness.artifact_present()
    harness.change_set([resource_change("Modify", "MetadataTable", "AWS::DynamoDB::Table", "True")])
    harness.cfn_stub.add_response("delete_change_set", {}, {"ChangeSetName": CHANGE_SET_ID})
    with pytest.raises(DeployError, match=r"MetadataTable \(AWS::DynamoDB::Table, modify\).*--allow-replacement"):
        harness.run()
    assert harness.asked == []
    assert any("MetadataTable" in line and "<- data" in line for line in harness.said)


def test_no_changes_executes_nothing_and_reads_the_outputs() -> None:
    harness = Harness()
    harness.artifact_present()
    harness.change_set([], "FAILED", "The submitted information didn't contain changes.")
    harness.cfn_stub.add_response("delete_change_set", {}, {"ChangeSetName": CHANGE_SET_ID})
    harness.cfn_stub.add_response("describe_stacks", stack_description("UPDATE_COMPLETE", **OUTPUTS))
    result = harness.run()
    assert not result.executed and result.upload.uploaded == ()
    assert result.outputs == {"ApiUrl": "https://api"}
    assert any("no changes" in line for line in harness.said)


def test_no_execute_leaves_the_change_set_for_review() -> None:
    harness = Harness()
    harness.artifact_present()
    harness.change_set([resource_change("Add", "Queue", "AWS::SQS::Queue")])
    result = harness.run(DeployPlan(**{**PLAN.__dict__, "execute": False}))
    assert result.change_set.name.startswith("tapgen-") and not result.executed
    assert any(CHANGE_SET_ID in line for line in harness.said)


def test_declined_confirmation_deletes_the_change_set() -> None:
    harness = Harness(answer=False)
    harness.artifact_present()
    harness.change_set([resource_change("Add", "Queue", "AWS::SQS::Queue")])
    harness.cfn_stub.add_response("delete_change_set", {}, {"ChangeSetName": CHANGE_SET_ID})
    with pytest.raises(DeployError, match="cancelled"):
        harness.run()


def test_failed_execution_reports_each_failed_resource() -> None:
    harness = Harness()
    harness.artifact_present()
    harness.change_set([resource_change("Add", "Queue", "AWS::SQS::Queue")])
    start = event("e1", "tap-dev", "UPDATE_COMPLETE", "AWS::CloudFormation::Stack")
    harness.cfn_stub.add_response("describe_stack_events", {"StackEvents": [start]})
    harness.cfn_stub.add_response("execute_change_set", {}, {"ChangeSetName": CHANGE_SET_ID})
    harness.cfn_stub.add_response("describe_stacks", stack_description("UPDATE_ROLLBACK_COMPLETE"))
    failed = event("e2", "Queue", "CREATE_FAILED", "AWS::SQS::Queue", "Queue name already in use")
    harness.cfn_stub.add_response("describe_stack_events", {"StackEvents": [failed, start]})
    with pytest.raises(DeployError, match="UPDATE_ROLLBACK_COMPLETE") as raised:
        harness.run()
    assert raised.value.exit_code == 1
    assert "failed: Queue (AWS::SQS::Queue) CREATE_FAILED: Queue name already in use" in harness.said


def test_missing_artifact_is_uploaded_and_a_large_template_goes_by_url() -> None:
    harness = Harness()
    harness.s3_stub.add_client_error("head_object", "404", http_status_code=404)
    expected = {"Bucket": "artifacts", "Key": ARTIFACT.s3_key, "Body": ANY}
    expected |= {"ContentType": "application/zip", "ChecksumSHA256": ANY}
    harness.s3_stub.add_response("put_object", {}, expected)
    big = '{"Description": "' + "x" * TEMPLATE_BODY_LIMIT + '"}'
    harness.s3_stub.add_client_error("head_object", "404", http_status_code=404)
    harness.s3_stub.add_response("put_object", {})
    harness.cfn_stub.add_response("describe_stacks", stack_description("UPDATE_COMPLETE"))
    harness.cfn_stub.add_response(
        "create_change_set",
        {"Id": CHANGE_SET_ID, "StackId": STACK_ID},
        {
            "StackName": "tap-dev",
            "ChangeSetName": ANY,
            "ChangeSetType": "UPDATE",
            "Parameters": ANY,
            "Capabilities": ANY,
            "Description": ANY,
            "TemplateURL": ANY,
        },
    )
    harness.cfn_stub.add_response(
        "describe_change_set", change_set_description("FAILED", [], "No updates are to be performed.")
    )
    harness.cfn_stub.add_response("delete_change_set", {})
    harness.cfn_stub.add_response("describe_stacks", stack_description("UPDATE_COMPLETE"))
    result = harness.run(DeployPlan(**{**PLAN.__dict__, "template": big}))
    assert result.upload.uploaded == (ARTIFACT.s3_key,)
    assert any(ARTIFACT.s3_key in line for line in harness.said)


def test_a_replacement_the_change_set_does_not_report_is_refused_on_the_schema_prediction() -> None:
    import json

    def table(key: str) -> dict[str, Any]:
        properties = {
            "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": key, "AttributeType": "S"}],
        }
        return {"Resources": {"MetadataTable": {"Type": "AWS::DynamoDB::Table", "Properties": properties}}}

    harness = Harness()
    harness.artifact_present()
    harness.change_set([resource_change("Modify", "MetadataTable", "AWS::DynamoDB::Table", "False")])
    harness.cfn_stub.add_response(
        "get_template",
        {"TemplateBody": json.dumps(table("fileId"))},
        {"StackName": STACK_ID, "TemplateStage": "Original"},
    )
    deployed_parameters = [
        {"ParameterKey": "ArtifactBucket", "ParameterValue": "artifacts"},
        {"ParameterKey": "EnvironmentSuffix", "ParameterValue": "dev"},
    ]
    harness.cfn_stub.add_response(
        "describe_stacks", stack_description("UPDATE_COMPLETE", Parameters=deployed_parameters), {"StackName": STACK_ID}
    )
    harness.cfn_stub.add_response("delete_change_set", {}, {"ChangeSetName": CHANGE_SET_ID})
    with pytest.raises(DeployError, match=r"MetadataTable \(AWS::DynamoDB::Table, modify\)"):
        harness.run(DeployPlan(**{**PLAN.__dict__, "template": json.dumps(table("id"))}))
    assert harness.asked == []
    assert any("schema predicts replacement: KeySchema" in line for line in harness.said)
