"""The REST API flavour (`api.kind = "rest"`): resources and methods, authorisation, request validation, CORS
preflight, a deployment that follows the definition, and a logged, traced stage (API keys and the usage plan:
rest_usage.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from troposphere import AWSObject, GetAtt, Ref, Sub, apigateway, awslambda, logs

from tapgen.cfn.rest_definition import definition_digest
from tapgen.code.contract import Route
from tapgen.settings import Settings
from tapgen.synth.builders.api_common import (
    authorization,
    json_log_format,
)
from tapgen.synth.checkov import skip_checkov
from tapgen.synth.naming import physical_name, standard_tags

REST_API = "RestApi"
REST_STAGE = "RestApiStage"
DEPLOYMENT_PREFIX = "RestApiDeployment"
COGNITO_AUTHORIZER = "ApiCognitoAuthorizer"
REQUEST_VALIDATOR = "RestApiRequestValidator"
CREATE_FILE_MODEL = "CreateFileRequestModel"
STAGE_NAME = "v1"
API_KEY_HEADER = "x-api-key"


class PathSpec(NamedTuple):
    """One path segment of the API: an `AWS::ApiGateway::Resource` under `parent` (None: the root)."""

    logical_id: str
    parent: str | None
    part: str


class MethodSpec(NamedTuple):
    """One route; `parameters` are the request parameters the validator checks (name → required)."""

    logical_id: str
    resource: str
    http_method: str
    protected: bool = True
    parameters: tuple[tuple[str, bool], ...] = ()
    body_model: bool = False


ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "extendedRequestId": "$context.extendedRequestId",
    "requestTime": "$context.requestTime",
    "sourceIp": "$context.identity.sourceIp",
    "userArn": "$context.identity.userArn",
    "apiKeyId": "$context.identity.apiKeyId",
    "httpMethod": "$context.httpMethod",
    "resourcePath": "$context.resourcePath",
    "path": "$context.path",
    "status": "$context.status",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
    "responseLatency": "$context.responseLatency",
    "integrationLatency": "$context.integrationLatency",
    "integrationError": "$context.integration.error",
    "authorizerError": "$context.authorizer.error",
    "wafResponseCode": "$context.wafResponseCode",
    "errorMessage": "$context.error.message",
}
# Errors API Gateway answers itself, in the function's error shape: {"error": {"code", "message", "requestId"}}.
GATEWAY_RESPONSES = (
    ("BadRequestBodyResponse", "BAD_REQUEST_BODY", "400", "invalid_request"),
    ("BadRequestParametersResponse", "BAD_REQUEST_PARAMETERS", "400", "invalid_request"),
    ("Default4xxResponse", "DEFAULT_4XX", None, "request_rejected"),
    ("Default5xxResponse", "DEFAULT_5XX", None, "gateway_error"),
)


OPEN_METHOD_REASON = {
    "CKV_AWS_59": "GET /health is open by design for uptime probes and load balancers; it reads no data and "
    "answers only the environment name and code version, and the stage throttle and WAF rate rule still apply",
}
NO_CACHE_REASON = {
    "CKV_AWS_120": "caching is off by choice, for cost and for correctness: every answer is specific to the "
    "signed caller and holds short-lived presigned URLs, so no cached response may be served to anyone else",
}


def resource_id(path: str) -> str:
    """`/files/{id}/download` → FileDownloadResource: its segments capitalised, a `{parameter}` segment naming one
    item of the segment before it (Files → File)."""
    stem: list[str] = []
    for segment in path.strip("/").split("/"):
        if segment.startswith("{"):
            stem[-1] = stem[-1].removesuffix("s")
        else:
            stem.append(segment.capitalize())
    return f"{''.join(stem)}Resource"


def path_specs(routes: Sequence[Route]) -> tuple[PathSpec, ...]:
    """Every resource the routes' paths need, each after its parent, in the order the routes first name them."""
    specs: dict[str, PathSpec] = {}
    for route in routes:
        parent = None
        for depth, part in enumerate(route.segments, start=1):
            path = "/" + "/".join(route.segments[:depth])
            spec = specs.setdefault(path, PathSpec(resource_id(path), parent, part))
            parent = spec.logical_id
    ids = [spec.logical_id for spec in specs.values()]
    if len(set(ids)) != len(ids):
        clash = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError(f"two paths of the contract's routes would be the same resource: {', '.join(clash)}")
    return tuple(specs.values())


def method_specs(routes: Sequence[Route]) -> tuple[MethodSpec, ...]:
    """One method per route (`GET /files/{id}` → FileGetMethod); the validator checks its path and query."""
    return tuple(
        MethodSpec(
            f"{resource_id(route.path).removesuffix('Resource')}{route.method.capitalize()}Method",
            resource_id(route.path),
            route.method,
            protected=not route.open,
            parameters=(
                *((f"method.request.path.{name}", True) for name in route.path_parameters),
                *((f"method.request.querystring.{name}", False) for name in route.query),
            ),
            body_model=route.body,
        )
        for route in routes
    )


def path_of(spec: PathSpec, paths: Sequence[PathSpec]) -> str:
    """The full path of a resource, `/files/{id}`, from its chain of parents."""
    by_id = {p.logical_id: p for p in paths}
    parts = [spec.part]
    parent = spec.parent
    while parent is not None:
        parts.insert(0, by_id[parent].part)
        parent = by_id[parent].parent
    return "/" + "/".join(parts)


def route_keys(routes: Sequence[Route]) -> list[str]:
    """`METHOD /path` of every method, from its resource's path, as the HTTP API names its routes."""
    paths = path_specs(routes)
    full = {p.logical_id: path_of(p, paths) for p in paths}
    return [f"{m.http_method} {full[m.resource]}" for m in method_specs(routes)]


def api_name(settings: Settings) -> Sub:
    """The REST API's name: its CloudWatch metrics are keyed by it (ApiName), not by its id."""
    return physical_name(settings, "rest-api")


def rest_api(settings: Settings) -> apigateway.RestApi:
    return apigateway.RestApi(
        REST_API,
        Name=api_name(settings),
        Description="TAP file API (REST)",
        EndpointConfiguration=apigateway.EndpointConfiguration(Types=["REGIONAL"]),
        ApiKeySourceType="HEADER",
        Tags=standard_tags(settings),
    )


def path_resources(api: apigateway.RestApi, routes: Sequence[Route]) -> list[apigateway.Resource]:
    return [
        apigateway.Resource(
            spec.logical_id,
            RestApiId=Ref(api),
            ParentId=GetAtt(api, "RootResourceId") if spec.parent is None else Ref(spec.parent),
            PathPart=spec.part,
        )
        for spec in path_specs(routes)
    ]


def cognito_authorizer(settings: Settings, api: apigateway.RestApi) -> apigateway.Authorizer:
    return apigateway.Authorizer(
        COGNITO_AUTHORIZER,
        RestApiId=Ref(api),
        Name="cognito",
        Type="COGNITO_USER_POOLS",
        IdentitySource="method.request.header.Authorization",
        ProviderARNs=list(settings.api.cognito_user_pool_arns),
    )


def create_file_model(settings: Settings, api: apigateway.RestApi) -> apigateway.Model:
    """The `POST /files` body, checked at the edge; the function validates it again (and more)."""
    schema = {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "title": "CreateFileRequest",
        "type": "object",
        "additionalProperties": False,
        "required": ["filename", "contentType", "size"],
        "properties": {
            "filename": {"type": "string", "minLength": 1, "maxLength": 255},
            "contentType": {"type": "string", "minLength": 1, "maxLength": 255},
            "size": {"type": "integer", "minimum": 1, "maximum": settings.max_upload_bytes},
        },
    }
    return apigateway.Model(
        CREATE_FILE_MODEL,
        RestApiId=Ref(api),
        Name="CreateFileRequest",
        ContentType="application/json",
        Description="Body of POST /files",
        Schema=schema,
    )


def request_validator(api: apigateway.RestApi) -> apigateway.RequestValidator:
    return apigateway.RequestValidator(
        REQUEST_VALIDATOR,
        RestApiId=Ref(api),
        Name="body-and-parameters",
        ValidateRequestBody=True,
        ValidateRequestParameters=True,
    )


class MethodTargets(NamedTuple):
    """What every proxied method points at."""

    api: apigateway.RestApi
    function: awslambda.Function
    validator: apigateway.RequestValidator
    model: apigateway.Model
    authorizer: apigateway.Authorizer | None


def _authorization(settings: Settings, targets: MethodTargets, protected: bool) -> dict[str, object]:
    """As a route's, and an API key where the environment asks for keys (never on the open method)."""
    key_required = protected and settings.api.api_keys
    return {**authorization(settings, targets.authorizer, protected), "ApiKeyRequired": key_required}


def proxy_integration(settings: Settings, function: awslambda.Function) -> apigateway.Integration:
    """Lambda proxy (payload 1.0): API Gateway always calls Lambda's Invoke with POST."""
    invocations = f"2015-03-31/functions/${{{function.title}.Arn}}/invocations"
    uri = f"arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}:lambda:path/{invocations}"
    return apigateway.Integration(
        Type="AWS_PROXY",
        IntegrationHttpMethod="POST",
        Uri=Sub(uri),
        TimeoutInMillis=settings.api_integration_timeout_ms,
    )


def methods(settings: Settings, targets: MethodTargets, routes: Sequence[Route]) -> list[apigateway.Method]:
    """Every route: the contract's open ones (`/health`) open, the rest authorised (and keyed when api_keys),
    validated."""
    built: list[apigateway.Method] = []
    for spec in method_specs(routes):
        extra: dict[str, object] = {}
        if spec.protected:
            extra["RequestValidatorId"] = Ref(targets.validator)
        if spec.parameters:
            extra["RequestParameters"] = dict(spec.parameters)
        if spec.body_model:
            extra["RequestModels"] = {"application/json": Ref(targets.model)}
        method = apigateway.Method(
            spec.logical_id,
            RestApiId=Ref(targets.api),
            ResourceId=Ref(spec.resource),
            HttpMethod=spec.http_method,
            Integration=proxy_integration(settings, targets.function),
            **_authorization(settings, targets, spec.protected),
            **extra,
        )
        built.append(method if spec.protected else skip_checkov(method, OPEN_METHOD_REASON))
    return built


def gateway_responses(api: apigateway.RestApi) -> list[apigateway.GatewayResponse]:
    """Errors API Gateway answers itself (validation, auth, throttling), as JSON in the function's shape."""
    built = []
    for logical_id, response_type, status, code in GATEWAY_RESPONSES:
        body = (
            f'{{"error":{{"code":"{code}","message":$context.error.messageString,"requestId":"$context.requestId"}}}}'
        )
        built.append(
            apigateway.GatewayResponse(
                logical_id,
                RestApiId=Ref(api),
                ResponseType=response_type,
                ResponseTemplates={"application/json": body},
                ResponseParameters={"gatewayresponse.header.Cache-Control": "'no-store'"},
                **({"StatusCode": status} if status else {}),
            )
        )
    return built


def deployment(
    api: apigateway.RestApi, definition: Sequence[AWSObject], methods_built: Sequence[apigateway.Method]
) -> apigateway.Deployment:
    """A new logical id per definition, so CloudFormation creates a fresh deployment whenever the API changes."""
    digest = definition_digest({resource.title: resource.to_dict() for resource in definition})
    return apigateway.Deployment(
        f"{DEPLOYMENT_PREFIX}{digest}",
        RestApiId=Ref(api),
        Description=f"TAP API definition {digest}",
        DependsOn=[m.title for m in methods_built],
    )


def stage(
    settings: Settings, api: apigateway.RestApi, deployed: apigateway.Deployment, group: logs.LogGroup
) -> apigateway.Stage:
    """JSON access logs, X-Ray, metrics, throttling and execution logging per settings; never request bodies."""
    staged = apigateway.Stage(
        REST_STAGE,
        RestApiId=Ref(api),
        DeploymentId=Ref(deployed),
        StageName=STAGE_NAME,
        Description="TAP file API",
        AccessLogSetting=apigateway.AccessLogSetting(
            DestinationArn=GetAtt(group, "Arn"), Format=json_log_format(ACCESS_LOG_FIELDS)
        ),
        TracingEnabled=True,
        CacheClusterEnabled=False,
        MethodSettings=[
            apigateway.MethodSetting(
                HttpMethod="*",
                ResourcePath="/*",
                MetricsEnabled=True,
                DataTraceEnabled=False,
                LoggingLevel=settings.api.execution_logging,
                ThrottlingRateLimit=float(settings.api.throttling_rate),
                ThrottlingBurstLimit=settings.api.throttling_burst,
                CachingEnabled=False,
                CacheDataEncrypted=True,
            )
        ],
        Tags=standard_tags(settings),
    )
    return skip_checkov(staged, NO_CACHE_REASON)


def stage_arn(api: apigateway.RestApi, staged: apigateway.Stage) -> Sub:
    """The stage's ARN as WAF associations name it."""
    return Sub(
        f"arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}::/restapis/${{{api.title}}}/stages/${{{staged.title}}}"
    )


def api_url(api: apigateway.RestApi) -> Sub:
    """The stage's invoke URL (the stage name literal, so emulators that skip stages still resolve it)."""
    return Sub(f"https://${{{api.title}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{STAGE_NAME}")


def invoke_scope() -> str:
    """The part of the execute-api ARN that may invoke the function: this stage, any method and path."""
    return f"{STAGE_NAME}/*/*"
