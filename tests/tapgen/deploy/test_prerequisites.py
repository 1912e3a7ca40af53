"""The account-level prerequisite of REST execution logging is checked before anything is uploaded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tapgen.deploy.prerequisites import api_settings, require_account_prerequisites
from tapgen.errors import DeployError
from tests.conftest import rendered_text

REGION = "us-east-1"


@pytest.fixture
def apigateway(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield boto3.client("apigateway", region_name=REGION)


def clients_of(client: Any, asked: list[str] | None = None) -> Any:
    def clients(service: str) -> Any:
        if asked is not None:
            asked.append(service)
        return {"apigateway": client}[service]

    return clients


def test_rest_execution_logging_without_the_account_role_is_refused_with_the_remedy(apigateway: Any) -> None:
    with pytest.raises(DeployError) as refused:
        require_account_prerequisites(rendered_text("partner"), clients_of(apigateway), REGION)
    message = str(refused.value)
    assert refused.value.exit_code == 1
    assert 'api.execution_logging = "ERROR"' in message and "CloudWatch role" in message
    assert "update-account" in message and 'api.execution_logging = "OFF"' in message


def test_rest_execution_logging_with_the_account_role_may_deploy(apigateway: Any) -> None:
    role = "arn:aws:iam::123456789012:role/apigateway-cloudwatch"
    apigateway.update_account(patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": role}])
    asked: list[str] = []
    require_account_prerequisites(rendered_text("partner"), clients_of(apigateway, asked), REGION)
    assert asked == ["apigateway"]  # the account was consulted, and its role let the deploy through


def test_a_rest_api_without_execution_logging_needs_no_account_role(apigateway: Any) -> None:
    template = json.loads(rendered_text("partner"))
    template["Metadata"]["tapgen"]["api"].update(executionLogging="OFF", accountCloudWatchRole="unused")
    asked: list[str] = []
    require_account_prerequisites(json.dumps(template), clients_of(apigateway, asked), REGION)
    assert asked == []  # the account, which has no role, was not asked for one


@pytest.mark.parametrize(
    "template",
    [rendered_text("dev"), '{"Resources": {}}', "not json", "[]", '{"Metadata": {"tapgen": "x"}}'],
)
def test_http_api_and_foreign_templates_ask_nothing_of_the_account(template: str) -> None:
    def no_clients(service: str) -> Any:
        raise AssertionError(f"{service} must not be called")

    assert api_settings(template) == {}
    require_account_prerequisites(template, no_clients, REGION)
