"""The REST API's CORS preflight: OPTIONS on every resource, answered by API Gateway for the configured origins."""

from __future__ import annotations

from collections.abc import Sequence

from troposphere import Ref, apigateway

from tapgen.code.contract import Route
from tapgen.settings import Settings
from tapgen.synth.builders.api_common import (
    CORS_HEADERS,
    CORS_MAX_AGE_SECONDS,
    cors_origins,
)
from tapgen.synth.builders.rest_api import API_KEY_HEADER, method_specs, path_specs


def allowed_headers(settings: Settings) -> str:
    return ",".join([*CORS_HEADERS, *([API_KEY_HEADER] if settings.api.api_keys else [])])


def origin_template(origins: Sequence[str]) -> str:
    """VTL echoing the request's Origin only when it is one of `origins` (no header otherwise)."""
    test = " || ".join(f'$origin == "{origin}"' for origin in origins)
    return (
        '#set($origin = $input.params().header.get("Origin"))\n'
        '#if("$!origin" == "")#set($origin = $input.params().header.get("origin"))#end\n'
        f"#if({test})#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)#end\n"
    )


def preflight_methods(settings: Settings, api: apigateway.RestApi, routes: Sequence[Route]) -> list[apigateway.Method]:
    """OPTIONS on every resource, answered by API Gateway (mock) for the configured origins only."""
    origins = cors_origins(settings)
    header = "method.response.header."
    built = []
    specs = method_specs(routes)
    for path in path_specs(routes):
        verbs = sorted({m.http_method for m in specs if m.resource == path.logical_id} | {"OPTIONS"})
        static = {
            f"{header}Access-Control-Allow-Headers": f"'{allowed_headers(settings)}'",
            f"{header}Access-Control-Allow-Methods": f"'{','.join(verbs)}'",
            f"{header}Access-Control-Max-Age": f"'{CORS_MAX_AGE_SECONDS}'",
            f"{header}Vary": "'Origin'",
        }
        if "*" in origins:
            static[f"{header}Access-Control-Allow-Origin"] = "'*'"
            template = ""
        else:
            template = origin_template(origins)
        built.append(
            apigateway.Method(
                f"{path.logical_id.removesuffix('Resource')}OptionsMethod",
                RestApiId=Ref(api),
                ResourceId=Ref(path.logical_id),
                HttpMethod="OPTIONS",
                AuthorizationType="NONE",
                ApiKeyRequired=False,
                Integration=apigateway.Integration(
                    Type="MOCK",
                    RequestTemplates={"application/json": '{"statusCode": 204}'},
                    IntegrationResponses=[
                        apigateway.IntegrationResponse(
                            StatusCode="204",
                            ResponseParameters=static,
                            ResponseTemplates={"application/json": template},
                        )
                    ],
                ),
                MethodResponses=[
                    apigateway.MethodResponse(
                        StatusCode="204",
                        ResponseParameters={f"{header}Access-Control-Allow-Origin": False}
                        | dict.fromkeys(static, False),
                    )
                ],
            )
        )
    return built
