"""Who may call an API: route and method authorization, authorizers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tapgen.cfn.values import canonical
from tapgen.diff.model import SecurityChange
from tapgen.diff.security.resources import Resources, dig, is_true, properties_of, resource_field
from tapgen.diff.security.statements import texts

ROUTE_TYPES = ("AWS::ApiGatewayV2::Route", "AWS::ApiGateway::Method")
AUTHORIZERS = ("AWS::ApiGatewayV2::Authorizer", "AWS::ApiGateway::Authorizer")
ROUTE_AUTHORIZATION = ("AuthorizationType", "AuthorizerId", "AuthorizationScopes", "ApiKeyRequired")


def route_changes(old: Resources, new: Resources) -> Iterator[SecurityChange]:
    for logical_id in sorted(set(old) | set(new)):
        kind = str(resource_field(new, logical_id, "Type") or resource_field(old, logical_id, "Type"))
        if kind not in ROUTE_TYPES:
            continue
        before = _authorization(old, logical_id)
        after = _authorization(new, logical_id)
        if before == after:
            continue
        action = "added" if before is None else "removed" if after is None else "modified"
        route = _route_name(new if after is not None else old, logical_id)
        reasons = _route_widenings(before, after)
        statement = {"Route": route, "Before": before, "After": after}
        yield SecurityChange(logical_id, kind, "Authorization", action, statement, bool(reasons), reasons)


def _authorization(resources: Resources, logical_id: str) -> dict[str, Any] | None:
    if logical_id not in resources:
        return None
    properties = properties_of(resources, logical_id)
    settings = {key: properties[key] for key in ROUTE_AUTHORIZATION if key in properties}
    settings.setdefault("AuthorizationType", "NONE")
    return settings


def _route_name(resources: Resources, logical_id: str) -> Any:
    properties = properties_of(resources, logical_id)
    if "RouteKey" in properties:
        return properties["RouteKey"]
    return {"HttpMethod": properties.get("HttpMethod"), "ResourceId": properties.get("ResourceId")}


def _route_widenings(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[str, ...]:
    if after is None:
        return ()
    if before is None:
        open_route = after["AuthorizationType"] == "NONE" and not is_true(after.get("ApiKeyRequired"))
        return ("new route without authorization",) if open_route else ()
    reasons = []
    if before["AuthorizationType"] != "NONE" and after["AuthorizationType"] == "NONE":
        reasons.append("authorization removed")
    if is_true(before.get("ApiKeyRequired")) and not is_true(after.get("ApiKeyRequired")):
        reasons.append("API key no longer required")
    scopes_before, scopes_after = (
        texts(before.get("AuthorizationScopes", [])),
        texts(after.get("AuthorizationScopes", [])),
    )
    if scopes_before - scopes_after and after["AuthorizationType"] != "NONE":
        reasons.append("fewer authorization scopes required")
    return tuple(reasons)


def authorizer_changes(old: Resources, new: Resources) -> Iterator[SecurityChange]:
    for logical_id in sorted(set(old) | set(new)):
        kind = str(resource_field(new, logical_id, "Type") or resource_field(old, logical_id, "Type"))
        if kind not in AUTHORIZERS:
            continue
        before = dict(properties_of(old, logical_id)) if logical_id in old else None
        after = dict(properties_of(new, logical_id)) if logical_id in new else None
        if before is not None and after is not None and canonical(before) == canonical(after):
            continue
        action = "added" if before is None else "removed" if after is None else "modified"
        reasons: tuple[str, ...] = ()
        if before is not None and after is not None:
            audience = ("JwtConfiguration", "Audience")
            if texts(dig(after, audience)) - texts(dig(before, audience)):
                reasons = ("more token audiences accepted",)
        statement = {"Before": before, "After": after}
        yield SecurityChange(logical_id, kind, "Authorizer", action, statement, bool(reasons), reasons)
