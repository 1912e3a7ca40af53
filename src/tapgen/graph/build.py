"""`build_graph(template, view)`: the nodes and edges of one view of a parsed template."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tapgen.cfn.shapes import properties
from tapgen.graph import permissions
from tapgen.graph.actions import summary
from tapgen.graph.flow import flow_edges
from tapgen.graph.model import ACCESS, EXTERNAL_TYPE, FLOW, Edge, Graph, Node
from tapgen.graph.references import Resolver, describe

VIEWS = {"flow": (FLOW,), "access": (ACCESS,), "all": (FLOW, ACCESS)}
# What a node shows beside its id, by type: the property that tells nodes of one type apart.
NOTES = {
    "AWS::ApiGatewayV2::Route": "RouteKey",
    "AWS::ApiGateway::Method": "HttpMethod",
    "AWS::SNS::Subscription": "Protocol",
}


class NotATemplateError(ValueError):
    """The document has no `Resources` mapping."""


def build_graph(template: Mapping[str, Any], view: str = "all") -> Graph:
    """The graph of `view` (flow, access or all); only what the template declares, deterministically ordered."""
    resources = template.get("Resources")
    if not isinstance(resources, Mapping) or not all(isinstance(r, Mapping) for r in resources.values()):
        raise NotATemplateError("not a CloudFormation template: no Resources mapping of resources")
    resolver = Resolver(resources)
    role_grants = permissions.role_grants(resources, resolver)
    kinds = VIEWS[view]
    edges = [
        *(flow_edges(resources, resolver, role_grants) if FLOW in kinds else []),
        *(access_edges(resources, resolver, role_grants) if ACCESS in kinds else []),
    ]
    return Graph(tuple(_nodes(resources, edges)), tuple(sorted(edges)))


def access_edges(
    resources: permissions.Resources, resolver: Resolver, role_grants: list[permissions.Grant]
) -> list[Edge]:
    """Function → its role, role → what it may act on, and every resource-policy grant."""
    runs_as = [
        Edge(ACCESS, logical_id, permissions.target_id(resolver, resource["Properties"]["Role"]), "runs as")
        for logical_id, resource in sorted(resources.items())
        if resource.get("Type") == "AWS::Lambda::Function" and "Role" in properties(resource)
    ]
    grants = [
        *role_grants,
        *permissions.managed_policy_grants(resources),
        *permissions.resource_policy_grants(resources, resolver),
        *permissions.invoke_permission_grants(resources, resolver),
    ]
    return runs_as + [
        Edge(ACCESS, principal, target, summary(actions) or "attached", actions, details)
        for (principal, target), (actions, details) in permissions.merged(grants).items()
    ]


def _nodes(resources: Mapping[str, Mapping[str, Any]], edges: list[Edge]) -> list[Node]:
    ids = sorted({edge.source for edge in edges} | {edge.target for edge in edges})
    return [_node(logical_id, resources.get(logical_id)) for logical_id in ids]


def _node(logical_id: str, resource: Mapping[str, Any] | None) -> Node:
    if resource is None:
        return Node(logical_id, EXTERNAL_TYPE)
    resource_type = str(resource.get("Type"))
    note_property = NOTES.get(resource_type)
    note = describe(properties(resource).get(note_property)) if note_property else ""
    return Node(logical_id, resource_type, note)
