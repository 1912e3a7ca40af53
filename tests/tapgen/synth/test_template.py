"""Properties of the composed stack as a whole: parameters, outputs, tags, data protection."""

from __future__ import annotations

from typing import Any

import pytest
from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

from tapgen.cfn.stateful import STATEFUL_TYPES
from tapgen.settings import Settings
from tapgen.synth.builders import compute
from tests.conftest import CONTRACT, Template

OUTPUTS = {
    "ApiUrl",
    "UploadsBucketName",
    "MetadataTableName",
    "DeadLetterQueueUrl",
    "AlarmTopicArn",
    "DashboardUrl",
    "KeyArn",
    "AppSecretArn",
    *(compute.logical_id(fn.name, "FunctionName") for fn in CONTRACT.FUNCTIONS),
}


def test_parameters(template: Template, settings: Settings) -> None:
    parameters = template["Parameters"]
    assert set(parameters) == {"ArtifactBucket", "EnvironmentSuffix"}
    assert parameters["EnvironmentSuffix"]["Default"] == settings.name
    assert parameters["EnvironmentSuffix"]["AllowedPattern"] == "^[a-z][a-z0-9-]{0,19}$"
    assert parameters["ArtifactBucket"]["AllowedPattern"].startswith("^[a-z0-9]")


def expected_outputs(settings: Settings) -> set[str]:
    """The REST flavour adds the usage plan's and key's ids where the environment has API keys."""
    return OUTPUTS | ({"UsagePlanId", "ApiKeyId"} if settings.api.api_keys else set())


def test_every_output_is_exported_under_the_stack_name(template: Template, settings: Settings) -> None:
    outputs = template["Outputs"]
    assert set(outputs) == expected_outputs(settings)
    for name, output in outputs.items():
        assert output["Export"] == {"Name": {"Fn::Sub": f"${{AWS::StackName}}-{name}"}}


def taggable(resource_type: str) -> bool:
    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource_type).schema
    return "Tags" in schema["properties"]


def tag_map(resource: dict[str, Any]) -> dict[str, Any]:
    tags = resource["Properties"]["Tags"]
    return tags if isinstance(tags, dict) else {t["Key"]: t["Value"] for t in tags}


def test_every_taggable_resource_carries_the_standard_tags(template: Template, settings: Settings) -> None:
    expected = {"Project": "tap", "Environment": {"Ref": "EnvironmentSuffix"}, "ManagedBy": "tapgen", **settings.tags}
    checked = 0
    for logical_id, resource in template["Resources"].items():
        if taggable(resource["Type"]):
            assert tag_map(resource) == expected, logical_id
            checked += 1
    assert checked >= 20


def test_stateful_resources_follow_retain_data(template: Template, settings: Settings) -> None:
    policy = "Retain" if settings.retain_data else "Delete"
    stateful = {lid: r for lid, r in template["Resources"].items() if r["Type"] in STATEFUL_TYPES}
    waf_logs = 1 if settings.api.waf else 0
    log_groups = len(CONTRACT.FUNCTIONS) + 1 + waf_logs  # one per function, the API's access log (+ WAF's)
    assert len(stateful) == 6 + log_groups  # 2 buckets, table, key, secret, queue
    for logical_id, resource in stateful.items():
        assert (resource.get("DeletionPolicy"), resource.get("UpdateReplacePolicy")) == (policy, policy), logical_id


@pytest.mark.parametrize("env", ["prod"])
def test_prod_retains_data(template: Template) -> None:
    assert template["Resources"]["MetadataTable"]["DeletionPolicy"] == "Retain"
    assert template["Resources"]["MetadataTable"]["Properties"]["DeletionProtectionEnabled"] is True


@pytest.mark.parametrize("env", ["dev"])
def test_dev_deletes_data(template: Template) -> None:
    assert template["Resources"]["UploadsBucket"]["DeletionPolicy"] == "Delete"
    assert template["Resources"]["MetadataTable"]["Properties"]["DeletionProtectionEnabled"] is False


def test_stack_fits_cloudformation_limits(template: Template) -> None:
    assert len(template["Resources"]) <= 500
