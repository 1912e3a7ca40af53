"""The deploy flow on CloudFormation's real response shapes (Stubber): guard, no changes, review, failure."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from botocore.stub import ANY

from tapgen.code.artifacts import FunctionArtifact
from tapgen.code.package import ArtifactMismatch, sha256_checksum
from tapgen.deploy.flow import TEMPLATE_BODY_LIMIT, Console, DeployPlan, deploy
from tapgen.deploy.stack import PROTECTIVE_POLICY
from tapgen.errors import DeployError
from tests.tapgen.deploy.stubs import (
    CHANGE_SET_ID,
    STACK_ID,
    change_set_description,
    event,
    resource_change,
    stack_description,
    stack_poll,
    stubbed,
)

ARTIFACT = FunctionArtifact("api", "tap_api.handler.handle", ("tap_api/handler.py",), b"zip bytes")
FUNCTION = {"Type": "AWS::Lambda::Function", "Properties": {"Code": {"S3Bucket": "b", "S3Key": ARTIFACT.s3_key}}}
PLAN = DeployPlan(
    stack_name="tap-dev",
    suffix="dev",
    bucket="artifacts",
    region="us-east-1",
    template=json.dumps({"Resources": {"ApiFunction": FUNCTION}}),
    artifacts={"api": ARTIFACT},
    retain_data=False,
)
RETAINED = dataclasses.replace(PLAN, stack_name="tap-prod", retain_data=True)
OUTPUTS = {"Outputs": [{"OutputKey": "ApiUrl", "OutputValue": "https://api"}]}


class Harness:
    """Stubbed s3 and cloudformation clients, and a console that records what it was told."""

    def __init__(self, answer: bool = True) -> None:
        self.s3, self.s3_stub = stubbed("s3")
        self.cfn, self.cfn_stub = stubbed("cloudformation")
        self.lambda_, self.lambda_stub = stubbed("lambda")
        self.said: list[str] = []
        self.asked: list[str] = []
        self.answer = answer

    def clients(self, service: str) -> Any:
        return {"s3": self.s3, "cloudformation": self.cfn, "lambda": self.lambda_}[service]

    def console(self) -> Console:
        return Console(self.said.append, lambda question: self.asked.append(question) or self.answer)

    def artifact_present(self, content: bytes = ARTIFACT.zip_bytes) -> None:
        self.s3_stub.add_response(
            "head_object",
            {"ChecksumSHA256": sha256_checksum(content)},
            {"Bucket": "artifacts", "Key": ARTIFACT.s3_key, "ChecksumMode": "ENABLED"},
        )

    def protection(self, stack: str, protected: bool, policy: Any) -> None:
        """The stack's current protection, as DescribeStacks and GetStackPolicy report it."""
        self.cfn_stub.add_response(
            "describe_stacks", stack_description("UPDATE_COMPLETE", EnableTerminationProtection=protected)
        )
        self.cfn_stub.add_response("get_stack_policy", {"StackPolicyBody": json.dumps(policy)} if policy else {})

    def unprotected_stack_repaired(self) -> None:
        """tap-prod exists without protection; tapgen turns it on before anything else."""
        self.cfn_stub.add_response("describe_stacks", stack_description("UPDATE_COMPLETE"))
        self.protection("tap-prod", protected=False, policy=None)
        self.protection_repaired("tap-prod")

    def protection_repaired(self, stack: str) -> None:
        self.cfn_stub.add_response(
            "update_termination_protection",
            {"StackId": STACK_ID},
            {"StackName": stack, "EnableTerminationProtection": True},
        )
        self.cfn_stub.add_response("set_stack_policy", {}, {"StackName": stack, "StackPolicyBody": ANY})

    def executed(self, stack: str, before: str, after: str, *events: dict[str, Any]) -> None:
        """The change set executed: the stack's last event was `before`, it settles as `after` with `events`."""
        start = event("e1", stack, before, "AWS::CloudFormation::Stack")
        self.cfn_stub.add_response("describe_stack_events", {"StackEvents": [start]})
        self.cfn_stub.add_response("execute_change_set", {}, {"ChangeSetName": CHANGE_SET_ID})
        stack_poll(self.cfn_stub, after, *events, start)

    def code_check(self, content: bytes = ARTIFACT.zip_bytes) -> None:
        """The stack's one function, running the code whose hash is `content`'s."""
        summary = {
            "LogicalResourceId": "ApiFunction",
            "PhysicalResourceId": "tap-dev-api",
            "ResourceType": "AWS::Lambda::Function",
            "LastUpdatedTimestamp": "2026-01-01T00:00:00Z",
            "ResourceStatus": "UPDATE_COMPLETE",
        }
        # first the hotswap marks (none here: nothing to put back), then each function's CodeSha256
        self.cfn_stub.add_response("list_stack_resources", {"StackResourceSummaries": [summary]})
        self.lambda_stub.add_response("get_function", {"Tags": {}}, {"FunctionName": "tap-dev-api"})
        self.cfn_stub.add_response("list_stack_resources", {"StackResourceSummaries": [summary]})
        self.lambda_stub.add_response(
            "get_function_configuration", {"CodeSha256": sha256_checksum(content)}, {"FunctionName": "tap-dev-api"}
        )

    def change_set(self, changes: list[dict[str, Any]], status: str = "CREATE_COMPLETE", reason: str = "") -> None:
        self.cfn_stub.add_response("describe_stacks", stack_description("UPDATE_COMPLETE"))
        self.cfn_stub.add_response("create_change_set", {"Id": CHANGE_SET_ID, "StackId": STACK_ID})
        self.cfn_stub.add_response("describe_change_set", change_set_description(status, changes, reason or None))

    def run(self, plan: DeployPlan = PLAN) -> Any:
        with self.s3_stub, self.cfn_stub, self.lambda_stub:
            result = deploy(plan, self.clients, self.console(), lambda _: None)
        self.assert_done()
        return result

    def assert_done(self) -> None:
        """Every stubbed call was made: on a failure too, the cleanup calls must have happened."""
        for stub in (self.s3_stub, self.cfn_stub, self.lambda_stub):
            stub.assert_no_pending_responses()


def test_table_replacement_is_refused_and_the_change_set_deleted() -> None:
    harness = Harness()
    harness.artifact_present()
    harness.change_set([resource_change("Modify", "MetadataTable", "AWS::DynamoDB::Table", "True")])
    harness.cfn_stub.add_response("delete_change_set", {}, {"ChangeSetName": CHANGE_SET_ID})
    with pytest.raises(DeployError, match=r"MetadataTable \(AWS::DynamoDB::Table, modify\).*--allow-replacement"):
        harness.run()
    harness.assert_done()
    assert harness.asked == []
    assert any("MetadataTable" in line and "<- data" in line for line in harness.said)


def test_no_changes_executes_nothing_and_reads_the_outputs() -> None:
    harness = Harness()
    harness.artifact_present()
    harness.change_set([], "FAILED", "The submitted information didn't contain changes.")
    harness.cfn_stub.add_response("delete_change_set", {}, {"ChangeSetName": CHANGE_SET_ID})
    harness.code_check()
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
    harness.assert_done()


def test_failed_execution_reports_each_failed_resource() -> None:
    harness = Harness()
    harness.artifact_present()
    harness.change_set([resource_change("Add", "Queue", "AWS::SQS::Queue")])
    failed = event("e2", "Queue", "CREATE_FAILED", "AWS::SQS::Queue", "Queue name already in use")
    harness.executed("tap-dev", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", failed)
    with pytest.raises(DeployError, match="UPDATE_ROLLBACK_COMPLETE") as raised:
        harness.run()
    assert raised.value.exit_code == 1
    assert "failed: Queue (AWS::SQS::Queue) CREATE_FAILED: Queue name already in use" in harness.said


def test_missing_artifact_is_uploaded_and_a_large_template_goes_by_url() -> None:
    harness = Harness()
    harness.s3_stub.add_client_error("head_object", "404", http_status_code=404)
    expected = {"Bucket": "artifacts", "Key": ARTIFACT.s3_key, "Body": ANY, "ContentType": "application/zip"}
    expected |= {"ChecksumAlgorithm": "SHA256", "ChecksumSHA256": sha256_checksum(ARTIFACT.zip_bytes)}
    harness.s3_stub.add_response("put_object", {}, expected)
    big = json.dumps({"Description": "x" * TEMPLATE_BODY_LIMIT, "Resources": {"ApiFunction": FUNCTION}})
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
    harness.code_check()
    harness.cfn_stub.add_response("describe_stacks", stack_description("UPDATE_COMPLETE"))
    result = harness.run(DeployPlan(**{**PLAN.__dict__, "template": big}))
    assert result.upload.uploaded == (ARTIFACT.s3_key,)
    assert any(ARTIFACT.s3_key in line for line in harness.said)


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, EOFError, RuntimeError], ids=["ctrl-c", "ctrl-d", "crash"])
def test_every_way_out_of_the_prompt_deletes_the_change_set(interrupt: type[BaseException]) -> None:
    harness = Harness()
    harness.artifact_present()
    harness.change_set([resource_change("Add", "Queue", "AWS::SQS::Queue")])
    harness.cfn_stub.add_response("delete_change_set", {}, {"ChangeSetName": CHANGE_SET_ID})

    def leave(question: str) -> bool:
        raise interrupt

    with harness.s3_stub, harness.cfn_stub, harness.lambda_stub, pytest.raises(interrupt):
        deploy(PLAN, harness.clients, Console(harness.said.append, leave), lambda _: None)
    harness.assert_done()


def test_no_changes_on_a_retained_stack_repairs_its_protection() -> None:
    """A stack created outside tapgen (or left by an interrupted deploy) gets its protection on a rerun."""
    harness = Harness()
    harness.artifact_present()
    harness.unprotected_stack_repaired()
    harness.change_set([], "FAILED", "The submitted information didn't contain changes.")
    harness.cfn_stub.add_response("delete_change_set", {}, {"ChangeSetName": CHANGE_SET_ID})
    harness.code_check()
    harness.cfn_stub.add_response("describe_stacks", stack_description("UPDATE_COMPLETE", **OUTPUTS))
    result = harness.run(RETAINED)
    assert not result.executed
    repaired = "protection of tap-prod repaired: termination protection turned on; stack policy"
    assert any(repaired in line for line in harness.said)


@pytest.mark.parametrize(
    "policy",
    [pytest.param({"Statement": [PROTECTIVE_POLICY["Statement"][0]]}, id="permissive"), pytest.param(None, id="none")],
)
def test_a_weakened_stack_policy_is_put_back(policy: Any) -> None:
    harness = Harness()
    harness.artifact_present()
    harness.cfn_stub.add_response("describe_stacks", stack_description("UPDATE_COMPLETE"))
    harness.protection("tap-prod", protected=True, policy=policy)
    harness.cfn_stub.add_response("set_stack_policy", {}, {"StackName": "tap-prod", "StackPolicyBody": ANY})
    harness.change_set([], "FAILED", "The submitted information didn't contain changes.")
    harness.cfn_stub.add_response("delete_change_set", {}, {"ChangeSetName": CHANGE_SET_ID})
    harness.code_check()
    harness.cfn_stub.add_response("describe_stacks", stack_description("UPDATE_COMPLETE"))
    harness.run(RETAINED)
    assert any("repaired: stack policy set" in line for line in harness.said)


def test_a_retained_stack_is_protected_before_anything_runs_and_checked_after() -> None:
    harness = Harness()
    harness.artifact_present()
    harness.unprotected_stack_repaired()
    harness.change_set([resource_change("Add", "Queue", "AWS::SQS::Queue")])
    harness.executed("tap-prod", "UPDATE_COMPLETE", "UPDATE_COMPLETE")
    harness.protection("tap-prod", protected=True, policy=PROTECTIVE_POLICY)
    harness.code_check()
    harness.cfn_stub.add_response("describe_stacks", stack_description("UPDATE_COMPLETE", **OUTPUTS))
    result = harness.run(RETAINED)
    assert result.executed
    assert "in place" in [line for line in harness.said if line.startswith("protection")][-1]


def test_a_failing_deploy_still_leaves_a_retained_stack_protected() -> None:
    harness = Harness()
    harness.artifact_present()
    harness.unprotected_stack_repaired()
    harness.change_set([], "FAILED", "Template format error: unresolved resource dependencies")
    harness.cfn_stub.add_response("delete_change_set", {}, {"ChangeSetName": CHANGE_SET_ID})
    with pytest.raises(DeployError, match="Template format error"):
        harness.run(RETAINED)
    harness.assert_done()


def test_a_new_retained_stack_is_protected_while_in_review() -> None:
    """With --no-execute the change set may be executed outside tapgen: the stack is protected before."""
    harness = Harness()
    harness.artifact_present()
    for _ in range(2):  # before anything, then for the change set's type: no such stack yet
        harness.cfn_stub.add_client_error(
            "describe_stacks", "ValidationError", "Stack with id tap-prod does not exist", http_status_code=400
        )
    harness.cfn_stub.add_response("create_change_set", {"Id": CHANGE_SET_ID, "StackId": STACK_ID})
    added = [resource_change("Add", "Queue", "AWS::SQS::Queue")]
    harness.cfn_stub.add_response("describe_change_set", change_set_description("CREATE_COMPLETE", added))
    harness.protection("tap-prod", protected=False, policy=None)
    harness.protection_repaired("tap-prod")
    result = harness.run(dataclasses.replace(RETAINED, execute=False))
    assert not result.executed


def test_a_planted_artifact_stops_the_deploy_before_any_change_set() -> None:
    harness = Harness()
    harness.artifact_present(content=b"someone else's zip")
    with pytest.raises(ArtifactMismatch, match=rf"s3://artifacts/{ARTIFACT.s3_key} already exists with different"):
        harness.run()
    harness.assert_done()


def test_code_that_differs_from_the_build_after_execution_fails_loudly() -> None:
    harness = Harness()
    harness.artifact_present()
    harness.change_set([resource_change("Add", "Queue", "AWS::SQS::Queue")])
    harness.executed("tap-dev", "UPDATE_COMPLETE", "UPDATE_COMPLETE")
    harness.code_check(content=b"swapped between upload and execution")
    with pytest.raises(DeployError, match=r"deployed code differs.*ApiFunction runs code with SHA-256"):
        harness.run()
    harness.assert_done()


def test_a_new_stack_that_cannot_be_protected_in_review_is_protected_after_creation() -> None:
    harness = Harness()
    harness.artifact_present()
    for _ in range(2):
        harness.cfn_stub.add_client_error(
            "describe_stacks", "ValidationError", "Stack with id tap-prod does not exist", http_status_code=400
        )
    harness.cfn_stub.add_response("create_change_set", {"Id": CHANGE_SET_ID, "StackId": STACK_ID})
    added = [resource_change("Add", "Queue", "AWS::SQS::Queue")]
    harness.cfn_stub.add_response("describe_change_set", change_set_description("CREATE_COMPLETE", added))
    harness.cfn_stub.add_response("describe_stacks", stack_description("REVIEW_IN_PROGRESS"))
    harness.cfn_stub.add_response("get_stack_policy", {})
    harness.cfn_stub.add_response("update_termination_protection", {"StackId": STACK_ID})
    harness.cfn_stub.add_client_error("set_stack_policy", "ValidationError", "Stack is in REVIEW_IN_PROGRESS state")
    harness.executed("tap-prod", "REVIEW_IN_PROGRESS", "CREATE_COMPLETE")
    harness.protection("tap-prod", protected=True, policy=None)
    harness.cfn_stub.add_response("set_stack_policy", {}, {"StackName": "tap-prod", "StackPolicyBody": ANY})
    harness.code_check()
    harness.cfn_stub.add_response("describe_stacks", stack_description("CREATE_COMPLETE"))
    result = harness.run(RETAINED)
    assert result.executed
    assert any("follows its creation" in line for line in harness.said)
    assert "repaired: stack policy set" in [line for line in harness.said if line.startswith("protection")][-1]


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


def test_a_stateful_resource_replaced_in_a_chain_is_refused_though_the_change_set_omits_it() -> None:
    def template(function_name: str) -> dict[str, Any]:
        function = {**FUNCTION, "Properties": {**FUNCTION["Properties"], "FunctionName": function_name}}
        group = {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {"LogGroupName": {"Fn::Sub": "/aws/lambda/${ApiFunction}"}},
        }
        return {"Resources": {"ApiFunction": function, "ApiLogGroup": group}}

    harness = Harness()
    harness.artifact_present()
    moto_row = resource_change("Modify", "ApiFunction", "AWS::Lambda::Function")
    del moto_row["ResourceChange"]["Replacement"]  # moto fills no Replacement column, and lists only the function
    harness.change_set([moto_row])
    harness.cfn_stub.add_response(
        "get_template",
        {"TemplateBody": json.dumps(template("tap-dev-api"))},
        {"StackName": STACK_ID, "TemplateStage": "Original"},
    )
    harness.cfn_stub.add_response("describe_stacks", stack_description("UPDATE_COMPLETE"), {"StackName": STACK_ID})
    harness.cfn_stub.add_response("delete_change_set", {}, {"ChangeSetName": CHANGE_SET_ID})
    with pytest.raises(DeployError, match=r"stateful resources: ApiLogGroup \(AWS::Logs::LogGroup, modify\);"):
        harness.run(DeployPlan(**{**PLAN.__dict__, "template": json.dumps(template("tap-dev-api-v2"))}))
    assert harness.asked == []
    assert any("LogGroupName references ApiFunction, which is replaced" in line for line in harness.said)
