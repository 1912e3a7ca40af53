"""The HTTP API: routes and their authorisation, stage, access logs, throttling, invoke permission."""

from __future__ import annotations

import json

import pytest

from tapgen.settings import Settings
from tapgen.settings.limits import INTEGRATION_TIMEOUT_CAP_MS
from tests.conftest import CONTRACT, HTTP_ENVIRONMENTS, Template, only_resource, resources_of_type
from tests.tapgen.synth.builders.helpers import STACK_KEY_ARN


@pytest.fixture(params=HTTP_ENVIRONMENTS)
def env(request: pytest.FixtureRequest) -> str:
    """The HTTP API flavour's environments (tests/tapgen/synth/builders/test_rest_api.py covers the REST ones)."""
    name: str = request.param
    return name


ROUTE_KEYS = {"GET /health", "POST /files", "GET /files", "GET /files/{id}", "GET /files/{id}/download", "$default"}


def routes(template: Template) -> dict[str, dict]:
    return {
        r["Properties"]["RouteKey"]: r["Properties"]
        for r in resources_of_type(template, "AWS::ApiGatewayV2::Route").values()
    }


def test_http_api_with_configured_cors(template: Template, settings: Settings) -> None:
    api = only_resource(template, "AWS::ApiGatewayV2::Api")["Properties"]
    assert api["ProtocolType"] == "HTTP"
    assert api["CorsConfiguration"]["AllowOrigins"] == list(settings.api.cors_origins)


def test_lambda_proxy_integration_payload_two(template: Template) -> None:
    integration = only_resource(template, "AWS::ApiGatewayV2::Integration")["Properties"]
    assert integration["IntegrationType"] == "AWS_PROXY"
    assert integration["PayloadFormatVersion"] == "2.0"
    assert integration["IntegrationUri"] == {"Fn::GetAtt": ["ApiFunction", "Arn"]}


def test_the_gateway_waits_for_the_function_within_the_http_api_cap(template: Template, settings: Settings) -> None:
    timeout = only_resource(template, "AWS::ApiGatewayV2::Integration")["Properties"]["TimeoutInMillis"]
    assert timeout == settings.api_integration_timeout_ms <= INTEGRATION_TIMEOUT_CAP_MS["http"]


def test_every_route_targets_the_integration(template: Template) -> None:
    found = routes(template)
    assert set(found) == ROUTE_KEYS
    assert all(r["Target"] == {"Fn::Sub": "integrations/${ApiIntegration}"} for r in found.values())


def test_only_health_is_open(template: Template, settings: Settings) -> None:
    found = routes(template)
    assert found["GET /health"]["AuthorizationType"] == "NONE"
    protected = [r for key, r in found.items() if key != "GET /health"]
    expected = {"iam": "AWS_IAM", "jwt": "JWT"}[settings.api.auth]
    assert {r["AuthorizationType"] for r in protected} == {expected}
    if settings.api.auth == "jwt":
        assert all(r["AuthorizerId"] == {"Ref": "ApiJwtAuthorizer"} for r in protected)


def test_the_routes_are_the_contracts_with_its_names_and_its_open_ones_open(template: Template) -> None:
    by_id = {lid: r["Properties"] for lid, r in resources_of_type(template, "AWS::ApiGatewayV2::Route").items()}
    assert {lid: r["RouteKey"] for lid, r in by_id.items()} == {
        **{f"{route.name}Route": route.key for route in CONTRACT.ROUTES},
        "DefaultRoute": "$default",
    }
    open_keys = {r["RouteKey"] for r in by_id.values() if r["AuthorizationType"] == "NONE"}
    assert open_keys == {f"{method} {path}" for method, path in CONTRACT.open_routes}


def test_jwt_authorizer_only_where_configured(template: Template, settings: Settings) -> None:
    authorizers = resources_of_type(template, "AWS::ApiGatewayV2::Authorizer")
    if settings.api.auth == "iam":
        assert authorizers == {}
        return
    jwt = authorizers["ApiJwtAuthorizer"]["Properties"]
    assert jwt["AuthorizerType"] == "JWT"
    assert jwt["JwtConfiguration"] == {"Issuer": settings.api.jwt_issuer, "Audience": list(settings.api.jwt_audience)}
    assert jwt["IdentitySource"] == ["$request.header.Authorization"]


def test_default_stage_auto_deploys_throttled_with_metrics(template: Template, settings: Settings) -> None:
    stage = only_resource(template, "AWS::ApiGatewayV2::Stage")["Properties"]
    assert stage["StageName"] == "$default"
    assert stage["AutoDeploy"] is True
    route_settings = stage["DefaultRouteSettings"]
    assert route_settings["ThrottlingRateLimit"] == settings.api.throttling_rate
    assert route_settings["ThrottlingBurstLimit"] == settings.api.throttling_burst
    assert route_settings["DetailedMetricsEnabled"] is True


def test_access_logs_are_json_into_an_encrypted_log_group(template: Template, settings: Settings) -> None:
    access = only_resource(template, "AWS::ApiGatewayV2::Stage")["Properties"]["AccessLogSettings"]
    assert access["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    assert json.loads(access["Format"])["requestId"] == "$context.requestId"
    group = template["Resources"]["ApiAccessLogGroup"]["Properties"]
    assert group["KmsKeyId"] == STACK_KEY_ARN
    assert group["RetentionInDays"] == settings.log_retention_days


def test_only_this_api_invokes_the_api_function(template: Template) -> None:
    permission = template["Resources"]["ApiInvokePermission"]["Properties"]
    assert permission["FunctionName"] == {"Fn::GetAtt": ["ApiFunction", "Arn"]}
    assert permission["Principal"] == "apigateway.amazonaws.com"
    assert "${HttpApi}" in permission["SourceArn"]["Fn::Sub"]
    assert permission["SourceAccount"] == {"Ref": "AWS::AccountId"}
