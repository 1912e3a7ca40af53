"""API Gateway v2 (HTTP and WebSocket APIs, api.kind = "http"): routes authorized (TAP015), no open CORS
(TAP016, which judges the uploads bucket's CORS rules too: the browser calls both with the same origins)."""

from __future__ import annotations

from tapgen.cfn.shapes import as_dict, as_list
from tapgen.cfn.view import Resource, TemplateView, referenced_ids
from tapgen.lint.rules.registry import RuleFinding, RuleFindings, rule

# The routes lint lets through without authorization, in any template (TAP015 by route key, TAP021 by method and
# path). lint reads templates with no lambdas/ beside them, so it cannot load the Lambda contract; the contract's
# open routes must equal these (tests/tapgen/lint/rules/test_http_api.py), so the two cannot drift apart.
PUBLIC_ROUTES = frozenset({"GET /health"})
# API Gateway takes an authorizer on a WebSocket API's $connect route only; the connection carries it after that.
WEBSOCKET_AUTHORIZED_ROUTE = "$connect"


def _is_websocket_route(view: TemplateView, route: Resource) -> bool:
    """Its API says WEBSOCKET; for an API of another stack, the key says so (HTTP keys are "METHOD /path")."""
    apis = [view.get(api_id) for api_id in referenced_ids(route.prop("ApiId"))]
    protocols = [api.prop("ProtocolType") for api in apis if api is not None]
    if protocols:
        return "WEBSOCKET" in protocols
    key = route.prop("RouteKey")
    return isinstance(key, str) and " " not in key and key != "$default"


@rule(
    "TAP015",
    "every API route except GET /health (and WebSocket routes after $connect) requires authorization",
    "An open route lets anyone on the internet call the api function and read or create files.",
    "Set AuthorizationType to AWS_IAM or JWT (with AuthorizerId) on the route.",
    docs="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control.html",
)
def routes_authorized(view: TemplateView) -> RuleFindings:
    for route in view.of_type("AWS::ApiGatewayV2::Route"):
        key, kind = route.prop("RouteKey"), route.prop("AuthorizationType")
        websocket = _is_websocket_route(view, route)
        if (isinstance(key, str) and key in PUBLIC_ROUTES) or (websocket and key != WEBSOCKET_AUTHORIZED_ROUTE):
            continue
        allowed = ("AWS_IAM", "CUSTOM") if websocket else ("AWS_IAM", "JWT", "CUSTOM")
        if kind not in allowed:
            yield RuleFinding(
                route.logical_id, f"route {key!r} has no authorization", ("Properties", "AuthorizationType")
            )
        elif kind != "AWS_IAM" and not route.prop("AuthorizerId"):
            message = f"route {key!r} uses {kind} authorization but names no AuthorizerId"
            yield RuleFinding(route.logical_id, message, ("Properties", "AuthorizerId"))


@rule(
    "TAP016",
    "no '*' CORS origin in environments that retain data",
    "Any web page could then call the API with a signed-in user's credentials.",
    "List the exact origins (tapgen.toml: api.cors_origins).",
    docs="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html",
)
def no_open_cors(view: TemplateView) -> RuleFindings:
    if not view.retains_data:
        return
    for api in view.of_type("AWS::ApiGatewayV2::Api"):
        if "*" in as_list(api.prop("CorsConfiguration", "AllowOrigins")):
            yield RuleFinding(
                api.logical_id, "allows the CORS origin '*'", ("Properties", "CorsConfiguration", "AllowOrigins")
            )
    for bucket in view.of_type("AWS::S3::Bucket"):
        for index, cors_rule in enumerate(as_list(bucket.prop("CorsConfiguration", "CorsRules"))):
            if "*" in as_list(as_dict(cors_rule).get("AllowedOrigins")):
                message = "allows browser requests from the CORS origin '*'"
                yield RuleFinding(
                    bucket.logical_id, message, ("Properties", "CorsConfiguration", "CorsRules", str(index))
                )
