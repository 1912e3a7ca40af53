"""API Gateway v1, the REST flavour (api.kind = "rest"): TAP021-TAP026, built only on TemplateView and the
helpers here."""

from __future__ import annotations

from tapgen.cfn.rest_definition import DEFINITION_TYPES, definition_digest
from tapgen.cfn.shapes import as_dict, as_list
from tapgen.cfn.view import Json, Resource, TemplateView, as_json_text, is_true, referenced_ids
from tapgen.lint.rules.http_api import PUBLIC_ROUTES
from tapgen.lint.rules.registry import RuleFindings, rule

REST_AUTHORIZATION = frozenset({"AWS_IAM", "COGNITO_USER_POOLS", "CUSTOM"})
# The (method, path) pairs TAP021 lets through without authorization: http_api's public routes, split.
REST_PUBLIC_METHODS = frozenset(tuple(route.split(" ", 1)) for route in PUBLIC_ROUTES)


def _rest_path(view: TemplateView, resource_id: Json) -> str | None:
    """The full path of an AWS::ApiGateway::Resource (by Ref), or None where the chain cannot be followed."""
    parts: list[str] = []
    seen: set[str] = set()
    current = resource_id
    while isinstance(current, dict) and isinstance(current.get("Ref"), str) and current["Ref"] not in seen:
        seen.add(current["Ref"])
        resource = view.get(current["Ref"])
        if resource is None or resource.type != "AWS::ApiGateway::Resource":
            return None
        parts.insert(0, str(resource.prop("PathPart")))
        current = resource.prop("ParentId")
    if isinstance(current, dict) and "Fn::GetAtt" in current:  # the API's RootResourceId
        return "/" + "/".join(parts)
    return None


def _is_preflight(method: Resource) -> bool:
    """A CORS preflight that API Gateway answers itself: it reaches no backend, so it needs no caller."""
    return bool(method.prop("HttpMethod") == "OPTIONS" and method.prop("Integration", "Type") == "MOCK")


@rule(
    "TAP021",
    "every REST API method except GET /health and mock CORS preflights requires authorization",
    "An open method lets anyone on the internet call the api function and read or create files.",
    "Set AuthorizationType to AWS_IAM, or COGNITO_USER_POOLS with an AuthorizerId, on the method.",
)
def rest_methods_authorized(view: TemplateView) -> RuleFindings:
    for method in view.of_type("AWS::ApiGateway::Method"):
        # Hand-edited templates may hold anything here: only strings can name a public method or an authorizer.
        verb, path = _as_text(method.prop("HttpMethod")), _rest_path(view, method.prop("ResourceId"))
        if (verb, path) in REST_PUBLIC_METHODS or _is_preflight(method):
            continue
        kind = _as_text(method.prop("AuthorizationType"))
        if kind not in REST_AUTHORIZATION:
            yield method.logical_id, f"method {verb} {path or '?'} has no authorization ({kind or 'NONE'})"
        elif kind != "AWS_IAM" and not method.prop("AuthorizerId"):
            yield method.logical_id, f"method {verb} {path or '?'} uses {kind} but names no AuthorizerId"


def _as_text(value: Json) -> str | None:
    """A string as it is; anything else (a list, an intrinsic function) as its JSON text; None as None."""
    if value is None or isinstance(value, str):
        return value
    return as_json_text(value)


def _keyed_apis(view: TemplateView) -> set[str]:
    """REST APIs with a usage plan on one of their stages that has at least one key bound to it."""
    plans_with_keys = {
        plan
        for binding in view.of_type("AWS::ApiGateway::UsagePlanKey")
        for plan in referenced_ids(binding.prop("UsagePlanId"))
    }
    return {
        api
        for plan in view.of_type("AWS::ApiGateway::UsagePlan")
        if plan.logical_id in plans_with_keys
        for stage in as_list(plan.prop("ApiStages"))
        for api in referenced_ids(as_dict(stage).get("ApiId"))
    }


@rule(
    "TAP022",
    "REST API methods that require an API key belong to an API with a usage plan and a key",
    "A key-only method without a usage plan answers 403 to every caller, or is metered by nothing.",
    "Add an AWS::ApiGateway::UsagePlan naming the API's stage, an ApiKey, and a UsagePlanKey binding them.",
)
def api_keys_metered(view: TemplateView) -> RuleFindings:
    keyed = _keyed_apis(view)
    for method in view.of_type("AWS::ApiGateway::Method"):
        if is_true(method.prop("ApiKeyRequired")) and not referenced_ids(method.prop("RestApiId")) & keyed:
            yield method.logical_id, "requires an API key, but no usage plan with a key covers its API"


@rule(
    "TAP023",
    "every REST API stage has access logs and X-Ray tracing",
    "Without access logs and traces there is no record of who called the API, nor of where a request failed.",
    "Set AccessLogSetting (DestinationArn and Format) and TracingEnabled: true on the AWS::ApiGateway::Stage.",
)
def rest_stages_logged_and_traced(view: TemplateView) -> RuleFindings:
    for stage in view.of_type("AWS::ApiGateway::Stage"):
        access = as_dict(stage.prop("AccessLogSetting"))
        if not access.get("DestinationArn") or not access.get("Format"):
            yield stage.logical_id, "has no AccessLogSetting with a DestinationArn and a Format"
        if not is_true(stage.prop("TracingEnabled")):
            yield stage.logical_id, "does not set TracingEnabled: true"
    for deployment in view.of_type("AWS::ApiGateway::Deployment"):
        if deployment.prop("StageName"):
            yield deployment.logical_id, "creates a stage (StageName) outside an AWS::ApiGateway::Stage, unlogged"


def _wants_waf(view: TemplateView) -> bool:
    api = as_dict(as_dict(as_dict(view.template.get("Metadata")).get("tapgen")).get("api"))
    return is_true(api.get("waf"))


@rule(
    "TAP024",
    "every REST API stage is associated with a WAF web ACL where the environment asks for WAF",
    "The environment promised WAF's managed rules and per-IP rate limit; an unassociated web ACL filters nothing.",
    "Add an AWS::WAFv2::WebACLAssociation whose ResourceArn names the stage (and its API) and a web ACL.",
)
def waf_associated(view: TemplateView) -> RuleFindings:
    if not _wants_waf(view):
        return
    acls = {acl.logical_id for acl in view.of_type("AWS::WAFv2::WebACL")}
    guarded = [
        referenced_ids(association.prop("ResourceArn"))
        for association in view.of_type("AWS::WAFv2::WebACLAssociation")
        if referenced_ids(association.prop("WebACLArn")) & acls
    ]
    for stage in view.of_type("AWS::ApiGateway::Stage"):
        if not any(stage.logical_id in named for named in guarded):
            yield (
                stage.logical_id,
                "is not associated with a web ACL of this template, though the environment wants WAF",
            )


def _definition_of(view: TemplateView, api_id: str) -> dict[str, Json]:
    return {
        resource.logical_id: resource.body
        for resource in view.of_type(*DEFINITION_TYPES)
        if api_id in referenced_ids(resource.prop("RestApiId"))
    }


@rule(
    "TAP025",
    "every REST API deployment's logical id carries the digest of the API definition it deploys (tapgen's templates)",
    "CloudFormation redeploys a REST API only when the deployment resource changes: edits would never go live.",
    "Render the template with tapgen (the deployment is named RestApiDeployment<digest>), or rename the deployment.",
)
def deployment_follows_definition(view: TemplateView) -> RuleFindings:
    # The digest is tapgen's naming scheme; other tools (SAM's hashed Deployment ids) follow their own.
    if not view.rendered_by_tapgen:
        return
    for deployment in view.of_type("AWS::ApiGateway::Deployment"):
        for api_id in sorted(referenced_ids(deployment.prop("RestApiId"))):
            digest = definition_digest(_definition_of(view, api_id))
            if not deployment.logical_id.endswith(digest):
                yield (
                    deployment.logical_id,
                    f"does not end with the digest {digest} of {api_id}'s definition: a changed API would not redeploy",
                )


@rule(
    "TAP026",
    "no '*' CORS origin on REST API preflights in environments that retain data",
    "Any web page could then call the API with a signed-in user's credentials.",
    "List the exact origins (tapgen.toml: api.cors_origins); the preflight echoes only those.",
)
def no_open_rest_cors(view: TemplateView) -> RuleFindings:
    if not view.retains_data:
        return
    header = "method.response.header.Access-Control-Allow-Origin"
    for method in view.of_type("AWS::ApiGateway::Method"):
        for response in as_list(method.prop("Integration", "IntegrationResponses")):
            if as_dict(as_dict(response).get("ResponseParameters")).get(header) == "'*'":
                yield method.logical_id, "answers CORS preflights for the origin '*'"
