"""The REST API flavour: routes and authorisation, keys and usage plan, validation, stage, deployment, CORS."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest

from tap_api.routes import ROUTES as HANDLER_ROUTES
from tapgen.code.contract import Route
from tapgen.settings import Settings
from tapgen.settings.limits import INTEGRATION_TIMEOUT_CAP_MS
from tapgen.synth.builders import rest_api
from tests.conftest import (
    CONTRACT,
    HTTP_ENVIRONMENTS,
    REST_ENVIRONMENTS,
    Template,
    only_resource,
    rendered_template,
    resources_of_type,
    settings_for,
)
from tests.tapgen.synth.builders.helpers import STACK_KEY_ARN, render_variant
from tests.tapgen.synth.builders.test_api import ROUTE_KEYS as HTTP_ROUTE_KEYS

POOL = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Abc123"


@pytest.fixture(params=REST_ENVIRONMENTS)
def env(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


def methods(template: Template) -> dict[str, dict[str, Any]]:
    return {lid: r["Properties"] for lid, r in resources_of_type(template, "AWS::ApiGateway::Method").items()}


def method_routes(template: Template) -> dict[str, dict[str, Any]]:
    """`METHOD /path` → the method's properties, paths rebuilt from the template's resources."""
    resources = resources_of_type(template, "AWS::ApiGateway::Resource")

    def path(logical_id: str) -> str:
        properties = resources[logical_id]["Properties"]
        parent = properties["ParentId"]
        prefix = "" if parent == {"Fn::GetAtt": ["RestApi", "RootResourceId"]} else path(parent["Ref"])
        return f"{prefix}/{properties['PathPart']}"

    return {f"{m['HttpMethod']} {path(m['ResourceId']['Ref'])}": m for m in methods(template).values()}


def proxied(template: Template) -> dict[str, dict[str, Any]]:
    return {key: m for key, m in method_routes(template).items() if not key.startswith("OPTIONS ")}


def test_regional_rest_api_and_no_http_api(template: Template) -> None:
    api = only_resource(template, "AWS::ApiGateway::RestApi")["Properties"]
    assert api["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    assert api["ApiKeySourceType"] == "HEADER"
    assert not [r for r in template["Resources"].values() if r["Type"].startswith("AWS::ApiGatewayV2::")]


@pytest.mark.parametrize("env", HTTP_ENVIRONMENTS)
def test_http_environments_have_no_rest_api(template: Template) -> None:
    assert not [r for r in template["Resources"].values() if r["Type"].startswith(("AWS::ApiGateway::", "AWS::WAFv2"))]


def test_same_routes_as_the_http_api_and_the_handler(template: Template) -> None:
    assert set(proxied(template)) == HTTP_ROUTE_KEYS - {"$default"}
    assert set(proxied(template)) == {f"{m} {path}" for path, verbs in HANDLER_ROUTES.items() for m in verbs}
    assert set(rest_api.route_keys(CONTRACT.ROUTES)) == set(proxied(template))


def test_every_route_is_a_lambda_proxy_to_the_api_function(template: Template) -> None:
    assert proxied(template)
    for key, method in proxied(template).items():
        integration = method["Integration"]
        assert integration["Type"] == "AWS_PROXY", key
        assert integration["IntegrationHttpMethod"] == "POST", key
        assert "${ApiFunction.Arn}/invocations" in integration["Uri"]["Fn::Sub"], key
        assert integration["TimeoutInMillis"] <= INTEGRATION_TIMEOUT_CAP_MS["rest"], key


def test_only_health_is_open_and_the_rest_need_iam_and_a_key(template: Template, settings: Settings) -> None:
    found = proxied(template)
    health = found.pop("GET /health")
    assert (health["AuthorizationType"], health["ApiKeyRequired"]) == ("NONE", False)
    assert settings.api.auth == "iam" and settings.api.api_keys
    for key, method in found.items():
        assert (method["AuthorizationType"], method["ApiKeyRequired"]) == ("AWS_IAM", True), key
        assert "AuthorizerId" not in method, key


def test_cognito_auth_uses_a_user_pool_authorizer(settings: Settings) -> None:
    template = render_variant(settings, auth="cognito", cognito_user_pool_arns=(POOL,))
    authorizer = only_resource(template, "AWS::ApiGateway::Authorizer")["Properties"]
    assert authorizer["Type"] == "COGNITO_USER_POOLS"
    assert authorizer["ProviderARNs"] == [POOL]
    assert authorizer["IdentitySource"] == "method.request.header.Authorization"
    found = proxied(template)
    assert found.pop("GET /health")["AuthorizationType"] == "NONE"
    for key, method in found.items():
        assert method["AuthorizationType"] == "COGNITO_USER_POOLS", key
        assert method["AuthorizerId"] == {"Ref": "ApiCognitoAuthorizer"}, key


def test_without_api_keys_there_is_no_usage_plan(settings: Settings) -> None:
    plan_settings = dict.fromkeys(
        ("usage_plan_rate", "usage_plan_burst", "usage_plan_quota", "usage_plan_quota_period")
    )
    template = render_variant(settings, api_keys=False, **plan_settings)
    assert not any(m["ApiKeyRequired"] for m in methods(template).values())
    for kind in ("UsagePlan", "ApiKey", "UsagePlanKey"):
        assert resources_of_type(template, f"AWS::ApiGateway::{kind}") == {}
    assert not {"UsagePlanId", "ApiKeyId"} & set(template["Outputs"])


def test_usage_plan_meters_the_stage_with_rate_burst_and_quota(template: Template, settings: Settings) -> None:
    plan = only_resource(template, "AWS::ApiGateway::UsagePlan")["Properties"]
    assert plan["ApiStages"] == [{"ApiId": {"Ref": "RestApi"}, "Stage": {"Ref": "RestApiStage"}}]
    assert plan["Throttle"] == {
        "RateLimit": settings.api.usage_plan_rate,
        "BurstLimit": settings.api.usage_plan_burst,
    }
    assert plan["Quota"] == {"Limit": settings.api.usage_plan_quota, "Period": settings.api.usage_plan_quota_period}
    binding = only_resource(template, "AWS::ApiGateway::UsagePlanKey")["Properties"]
    assert binding == {"KeyId": {"Ref": "RestApiKey"}, "KeyType": "API_KEY", "UsagePlanId": {"Ref": "RestApiUsagePlan"}}


def test_the_key_value_is_generated_by_aws_and_only_ids_are_output(template: Template) -> None:
    key = only_resource(template, "AWS::ApiGateway::ApiKey")["Properties"]
    assert "Value" not in key and key["Enabled"] is True
    assert template["Outputs"]["ApiKeyId"]["Value"] == {"Ref": "RestApiKey"}
    assert template["Outputs"]["UsagePlanId"]["Value"] == {"Ref": "RestApiUsagePlan"}
    assert "GetAtt" not in json.dumps(template["Outputs"]["ApiKeyId"])


def test_post_files_body_is_validated_against_a_json_schema(template: Template, settings: Settings) -> None:
    model = only_resource(template, "AWS::ApiGateway::Model")["Properties"]
    schema = json.loads(model["Schema"]) if isinstance(model["Schema"], str) else model["Schema"]
    assert model["ContentType"] == "application/json"
    assert schema["required"] == ["filename", "contentType", "size"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["size"] == {"type": "integer", "minimum": 1, "maximum": settings.max_upload_bytes}
    validator = only_resource(template, "AWS::ApiGateway::RequestValidator")["Properties"]
    assert validator["ValidateRequestBody"] is True and validator["ValidateRequestParameters"] is True
    found = proxied(template)
    assert found["POST /files"]["RequestModels"] == {"application/json": {"Ref": "CreateFileRequestModel"}}
    assert found["GET /files/{id}"]["RequestParameters"] == {"method.request.path.id": True}
    for key, method in found.items():
        if key != "GET /health":
            assert method["RequestValidatorId"] == {"Ref": "RestApiRequestValidator"}, key


def test_stage_is_logged_traced_metered_and_throttled(template: Template, settings: Settings) -> None:
    stage = only_resource(template, "AWS::ApiGateway::Stage")["Properties"]
    assert stage["TracingEnabled"] is True
    assert stage["AccessLogSetting"]["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    fields = json.loads(stage["AccessLogSetting"]["Format"])
    assert fields["requestId"] == "$context.requestId" and fields["status"] == "$context.status"
    group = template["Resources"]["ApiAccessLogGroup"]["Properties"]
    assert group["KmsKeyId"] == STACK_KEY_ARN
    assert group["RetentionInDays"] == settings.log_retention_days
    assert group["LogGroupName"] == {"Fn::Sub": "/aws/vendedlogs/tap-${EnvironmentSuffix}-rest-api-access"}
    (method_settings,) = stage["MethodSettings"]
    assert method_settings == {
        "HttpMethod": "*",
        "ResourcePath": "/*",
        "MetricsEnabled": True,
        "DataTraceEnabled": False,
        "LoggingLevel": settings.api.execution_logging,
        "ThrottlingRateLimit": settings.api.throttling_rate,
        "ThrottlingBurstLimit": settings.api.throttling_burst,
        "CachingEnabled": False,
        "CacheDataEncrypted": True,
    }


def deployments(template: Template) -> dict[str, dict[str, Any]]:
    return resources_of_type(template, "AWS::ApiGateway::Deployment")


def test_the_stage_serves_the_one_deployment_which_follows_every_method(template: Template) -> None:
    ((deployment_id, deployment),) = deployments(template).items()
    assert deployment_id.startswith("RestApiDeployment")
    assert only_resource(template, "AWS::ApiGateway::Stage")["Properties"]["DeploymentId"] == {"Ref": deployment_id}
    assert set(deployment["DependsOn"]) == set(methods(template))


def test_an_unchanged_definition_keeps_its_deployment_id(settings: Settings) -> None:
    assert set(deployments(render_variant(settings))) == set(deployments(rendered_template(settings.name)))
    # Stage settings are not part of a deployment: changing them must not redeploy.
    assert set(deployments(render_variant(settings, throttling_rate=11))) == set(
        deployments(rendered_template(settings.name))
    )


def test_a_changed_route_yields_a_new_deployment_id(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    before = set(deployments(rendered_template(settings.name)))
    specs = rest_api.method_specs

    def changed(routes: Sequence[Route]) -> tuple[rest_api.MethodSpec, ...]:
        limit_required = (("method.request.querystring.limit", True),)
        return tuple(
            m._replace(parameters=limit_required) if m.logical_id == "FilesGetMethod" else m for m in specs(routes)
        )

    monkeypatch.setattr(rest_api, "method_specs", changed)
    after = set(deployments(render_variant(settings)))
    assert len(after) == 1 and after != before


def test_a_changed_cors_origin_yields_a_new_deployment_id(settings: Settings) -> None:
    before = set(deployments(rendered_template(settings.name)))
    assert set(deployments(render_variant(settings, cors_origins=("https://other.example.com",)))) != before


def test_the_stack_requires_rather_than_owns_the_account_cloudwatch_role(template: Template) -> None:
    assert resources_of_type(template, "AWS::ApiGateway::Account") == {}
    assert template["Metadata"]["tapgen"]["api"]["accountCloudWatchRole"] == "required"


def test_preflight_answers_only_the_configured_origins(template: Template, settings: Settings) -> None:
    preflight = {key: m for key, m in method_routes(template).items() if key.startswith("OPTIONS ")}
    assert {key.split(" ", 1)[1] for key in preflight} == {key.split(" ", 1)[1] for key in proxied(template)}
    for key, method in preflight.items():
        assert (method["AuthorizationType"], method["ApiKeyRequired"]) == ("NONE", False), key
        integration = method["Integration"]
        assert integration["Type"] == "MOCK", key
        (response,) = integration["IntegrationResponses"]
        assert "method.response.header.Access-Control-Allow-Origin" not in response["ResponseParameters"], key
        echo = response["ResponseTemplates"]["application/json"]
        assert [o for o in settings.api.cors_origins if f'$origin == "{o}"' in echo] == list(settings.api.cors_origins)
        assert echo.count("$origin == ") == len(settings.api.cors_origins), key
        assert "x-api-key" in response["ResponseParameters"]["method.response.header.Access-Control-Allow-Headers"]


def test_a_wildcard_origin_is_answered_statically(settings: Settings) -> None:
    template = render_variant(settings, cors_origins=("*",))
    preflights = {key: method for key, method in method_routes(template).items() if key.startswith("OPTIONS ")}
    assert preflights
    for method in preflights.values():
        (response,) = method["Integration"]["IntegrationResponses"]
        assert response["ResponseParameters"]["method.response.header.Access-Control-Allow-Origin"] == "'*'"


def test_gateway_errors_answer_in_the_functions_error_shape(template: Template) -> None:
    responses = resources_of_type(template, "AWS::ApiGateway::GatewayResponse")
    types = {r["Properties"]["ResponseType"] for r in responses.values()}
    assert types == {"BAD_REQUEST_BODY", "BAD_REQUEST_PARAMETERS", "DEFAULT_4XX", "DEFAULT_5XX"}
    for response in responses.values():
        body = response["Properties"]["ResponseTemplates"]["application/json"]
        assert body.startswith('{"error":{"code":"') and '"requestId":"$context.requestId"' in body


def test_only_this_stage_of_this_api_invokes_the_function(template: Template) -> None:
    permission = template["Resources"]["ApiInvokePermission"]["Properties"]
    assert permission["SourceArn"]["Fn::Sub"].endswith(":${RestApi}/v1/*/*")
    assert permission["SourceAccount"] == {"Ref": "AWS::AccountId"}


def test_api_url_is_the_stage_url(template: Template) -> None:
    url = template["Outputs"]["ApiUrl"]["Value"]["Fn::Sub"]
    assert url == "https://${RestApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/v1"
    assert template["Resources"]["RestApiStage"]["Properties"]["StageName"] == "v1"


def test_partner_settings_are_the_committed_ones() -> None:
    partner = settings_for("partner")
    assert (partner.api.kind, partner.api.auth, partner.api.api_keys, partner.api.waf) == ("rest", "iam", True, True)
