"""The HTTP API flavour (`api.kind = "http"`): routes, authoriser, auto-deployed stage with access logs.

Its access log group and invoke permission come from `api_common`, shared with the REST flavour.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from troposphere import GetAtt, Ref, Sub, apigatewayv2, awslambda, logs

from tapgen.code.contract import Route
from tapgen.settings import Settings
from tapgen.synth.builders.api_common import (
    CORS_HEADERS,
    CORS_MAX_AGE_SECONDS,
    authorization,
    cors_origins,
    json_log_format,
)
from tapgen.synth.naming import physical_name, tag_map

HTTP_API = "HttpApi"
API_INTEGRATION = "ApiIntegration"
API_AUTHORIZER = "ApiJwtAuthorizer"
API_STAGE = "ApiDefaultStage"
STAGE_NAME = "$default"


class RouteSpec(NamedTuple):
    logical_id: str
    route_key: str
    protected: bool = True


# `$default` sends every other method and path to the function, so it can answer 404 and 405 itself.
DEFAULT_ROUTE = RouteSpec("DefaultRoute", "$default")


def route_specs(contract_routes: Sequence[Route]) -> tuple[RouteSpec, ...]:
    """The HTTP API's routes: the contract's (`GetFile` → GetFileRoute, `GET /files/{id}`), then `$default`."""
    return (
        *(RouteSpec(f"{route.name}Route", route.key, protected=not route.open) for route in contract_routes),
        DEFAULT_ROUTE,
    )


ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "requestTime": "$context.requestTime",
    "sourceIp": "$context.identity.sourceIp",
    "httpMethod": "$context.httpMethod",
    "path": "$context.path",
    "routeKey": "$context.routeKey",
    "status": "$context.status",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
    "responseLatency": "$context.responseLatency",
    "integrationLatency": "$context.integrationLatency",
    "integrationError": "$context.integrationErrorMessage",
    "authorizerError": "$context.authorizer.error",
}


def http_api(settings: Settings) -> apigatewayv2.Api:
    return apigatewayv2.Api(
        HTTP_API,
        Name=physical_name(settings, "http-api"),
        ProtocolType="HTTP",
        Description="TAP file API",
        CorsConfiguration=apigatewayv2.Cors(
            AllowOrigins=cors_origins(settings),
            AllowMethods=["GET", "OPTIONS", "POST"],
            AllowHeaders=list(CORS_HEADERS),
            MaxAge=CORS_MAX_AGE_SECONDS,
        ),
        Tags=tag_map(settings),
    )


def api_integration(
    settings: Settings, api: apigatewayv2.Api, function: awslambda.Function
) -> apigatewayv2.Integration:
    """Lambda proxy, payload 2.0; the gateway waits a little longer than the function may run."""
    return apigatewayv2.Integration(
        API_INTEGRATION,
        ApiId=Ref(api),
        IntegrationType="AWS_PROXY",
        IntegrationUri=GetAtt(function, "Arn"),
        PayloadFormatVersion="2.0",
        TimeoutInMillis=settings.api_integration_timeout_ms,
    )


def jwt_authorizer(settings: Settings, api: apigatewayv2.Api) -> apigatewayv2.Authorizer:
    return apigatewayv2.Authorizer(
        API_AUTHORIZER,
        ApiId=Ref(api),
        Name="jwt",
        AuthorizerType="JWT",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration=apigatewayv2.JWTConfiguration(
            Issuer=settings.api.jwt_issuer, Audience=list(settings.api.jwt_audience)
        ),
    )


def routes(
    settings: Settings,
    api: apigatewayv2.Api,
    integration: apigatewayv2.Integration,
    authorizer: apigatewayv2.Authorizer | None,
    contract_routes: Sequence[Route],
) -> list[apigatewayv2.Route]:
    """Every route but the contract's open ones (`/health`) needs the environment's authoriser (IAM or JWT)."""
    return [
        apigatewayv2.Route(
            spec.logical_id,
            ApiId=Ref(api),
            RouteKey=spec.route_key,
            Target=Sub(f"integrations/${{{integration.title}}}"),
            **authorization(settings, authorizer, spec.protected),
        )
        for spec in route_specs(contract_routes)
    ]


def default_stage(settings: Settings, api: apigatewayv2.Api, group: logs.LogGroup) -> apigatewayv2.Stage:
    """Auto-deployed, throttled, with JSON access logs and per-route metrics."""
    return apigatewayv2.Stage(
        API_STAGE,
        ApiId=Ref(api),
        StageName=STAGE_NAME,
        AutoDeploy=True,
        AccessLogSettings=apigatewayv2.AccessLogSettings(
            DestinationArn=GetAtt(group, "Arn"),
            Format=json_log_format(ACCESS_LOG_FIELDS),
        ),
        DefaultRouteSettings=apigatewayv2.RouteSettings(
            DetailedMetricsEnabled=True,
            ThrottlingRateLimit=float(settings.api.throttling_rate),
            ThrottlingBurstLimit=settings.api.throttling_burst,
        ),
        Tags=tag_map(settings),
    )


def api_url(api: apigatewayv2.Api) -> Sub:
    """The same value as `GetAtt ApiEndpoint`, built with Sub so emulators without API Gateway v2 resolve it."""
    return Sub(f"https://${{{api.title}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}")
