"""The four functions, their roles, log groups, failure routing and S3 permissions."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tapgen.code.artifacts import build_artifacts
from tapgen.settings import Settings
from tests.conftest import CONTRACT, ROOT, Template, resources_of_type
from tests.tapgen.synth.builders.helpers import STACK_KEY_ARN, as_list, statements

FUNCTIONS = tuple(fn.name for fn in CONTRACT.FUNCTIONS)
PROCESSORS = tuple(fn.name for fn in CONTRACT.PROCESSORS)
XRAY = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}


def resource(template: Template, function: str, kind: str) -> dict[str, Any]:
    properties: dict[str, Any] = template["Resources"][f"{function.capitalize()}{kind}"]["Properties"]
    return properties


@pytest.mark.parametrize("function", FUNCTIONS)
def test_function_runtime_and_platform(template: Template, settings: Settings, function: str) -> None:
    properties = resource(template, function, "Function")
    assert properties["Runtime"] == settings.runtime
    assert re.fullmatch(r"python3\.(1[3-9]|[2-9]\d)", properties["Runtime"]), "a current, non-deprecated runtime"
    assert properties["Architectures"] == ["arm64"]
    assert properties["TracingConfig"] == {"Mode": "Active"}
    assert properties["KmsKeyArn"] == STACK_KEY_ARN


@pytest.mark.parametrize("function", FUNCTIONS)
def test_function_size_follows_settings(template: Template, settings: Settings, function: str) -> None:
    properties = resource(template, function, "Function")
    sizing = settings.functions[function]
    assert properties["MemorySize"] == sizing.memory_mb
    assert properties["Timeout"] == sizing.timeout_seconds
    assert properties["ReservedConcurrentExecutions"] == sizing.reserved_concurrency


@pytest.mark.parametrize("function", FUNCTIONS)
def test_function_logs_json_to_its_own_encrypted_log_group(
    template: Template, settings: Settings, function: str
) -> None:
    logging = resource(template, function, "Function")["LoggingConfig"]
    assert logging["LogGroup"] == {"Ref": f"{function.capitalize()}LogGroup"}
    assert logging["LogFormat"] == "JSON"
    group = resource(template, function, "LogGroup")
    assert group["RetentionInDays"] == settings.log_retention_days
    assert group["KmsKeyId"] == STACK_KEY_ARN


@pytest.mark.parametrize("function", FUNCTIONS)
def test_function_code_is_the_content_hashed_zip(template: Template, function: str) -> None:
    artifact = build_artifacts(ROOT / "lambdas")[function]
    properties = resource(template, function, "Function")
    assert properties["Code"] == {"S3Bucket": {"Ref": "ArtifactBucket"}, "S3Key": artifact.s3_key}
    assert re.fullmatch(rf"tapgen/{function}/[0-9a-f]{{64}}\.zip", artifact.s3_key)
    assert properties["Handler"] == artifact.handler


@pytest.mark.parametrize("function", FUNCTIONS)
def test_function_environment_is_exactly_the_contract(template: Template, function: str) -> None:
    contract = next(fn for fn in CONTRACT.FUNCTIONS if fn.name == function)
    variables = resource(template, function, "Function")["Environment"]["Variables"]
    assert set(variables) == set(contract.environment)
    assert all(isinstance(v, (str, dict)) for v in variables.values()), "environment values are strings"


def test_each_function_has_its_own_role(template: Template) -> None:
    roles = {resource(template, fn, "Function")["Role"]["Fn::GetAtt"][0] for fn in FUNCTIONS}
    assert roles == {f"{fn.capitalize()}Role" for fn in FUNCTIONS}


@pytest.mark.parametrize("function", FUNCTIONS)
def test_role_is_assumable_only_by_lambda(template: Template, function: str) -> None:
    (trust,) = statements(resource(template, function, "Role")["AssumeRolePolicyDocument"])
    assert trust["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert trust["Action"] == ["sts:AssumeRole"]


def role_statements(template: Template, function: str) -> list[dict[str, Any]]:
    role = resource(template, function, "Role")
    assert "ManagedPolicyArns" not in role, "inline policies only"
    return [s for policy in role["Policies"] for s in statements(policy["PolicyDocument"])]


@pytest.mark.parametrize("function", FUNCTIONS)
def test_role_names_every_action(template: Template, function: str) -> None:
    assert role_statements(template, function)
    for statement in role_statements(template, function):
        for action in as_list(statement["Action"]):
            service, _, name = action.partition(":")
            assert service and name and "*" not in action, action


@pytest.mark.parametrize("function", FUNCTIONS)
def test_role_resources_are_this_stacks(template: Template, function: str) -> None:
    """`*` only for X-Ray; everything else a Ref/GetAtt of a template resource or a name built from the suffix."""
    logical_ids = set(template["Resources"])
    assert role_statements(template, function)
    for statement in role_statements(template, function):
        for resource_ in as_list(statement["Resource"]):
            if resource_ == "*":
                assert set(as_list(statement["Action"])) <= XRAY
            elif "Fn::Sub" in resource_:
                text = resource_["Fn::Sub"]
                assert "${EnvironmentSuffix}" in text or any(f"${{{lid}" in text for lid in logical_ids), text
            else:
                target = resource_.get("Ref") or resource_["Fn::GetAtt"][0]
                assert target in logical_ids


@pytest.mark.parametrize("function", PROCESSORS)
def test_processor_retries_then_sends_failures_to_the_dead_letter_queue(
    template: Template, settings: Settings, function: str
) -> None:
    config = resource(template, function, "EventInvokeConfig")
    assert config["FunctionName"] == {"Ref": f"{function.capitalize()}Function"}
    assert config["MaximumRetryAttempts"] == settings.processing.retry_attempts
    assert config["MaximumEventAgeInSeconds"] == settings.processing.max_event_age_seconds
    assert config["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]}


@pytest.mark.parametrize("function", PROCESSORS)
def test_only_the_uploads_bucket_of_this_account_invokes_a_processor(template: Template, function: str) -> None:
    permission = resource(template, function, "S3Permission")
    assert permission["Principal"] == "s3.amazonaws.com"
    assert permission["SourceAccount"] == {"Ref": "AWS::AccountId"}
    assert permission["SourceArn"] == {
        "Fn::Sub": "arn:${AWS::Partition}:s3:::tap-${EnvironmentSuffix}-uploads-${AWS::AccountId}-${AWS::Region}"
    }


def test_api_function_has_no_failure_routing(template: Template) -> None:
    configs = resources_of_type(template, "AWS::Lambda::EventInvokeConfig")
    assert sorted(configs) == sorted(f"{p.capitalize()}EventInvokeConfig" for p in PROCESSORS)
