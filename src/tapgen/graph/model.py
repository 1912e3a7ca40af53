"""The graph: nodes are resources (or principals outside the stack), edges are flows or permissions."""

from __future__ import annotations

from dataclasses import dataclass, field

FLOW = "flow"
ACCESS = "access"
EXTERNAL_TYPE = "external"

# Concern of a resource, by the service part of its type; the order is the order groups are drawn in.
GROUPS = ("storage", "compute", "api", "data", "security", "monitoring", "other", "outside the stack")
SERVICE_GROUPS = {
    "S3": "storage",
    "Lambda": "compute",
    "ApiGateway": "api",
    "ApiGatewayV2": "api",
    "DynamoDB": "data",
    "SQS": "data",
    "KMS": "security",
    "SecretsManager": "security",
    "IAM": "security",
    "CloudWatch": "monitoring",
    "SNS": "monitoring",
    "Logs": "monitoring",
}


def group_of(resource_type: str) -> str:
    """`AWS::S3::Bucket` → storage; a type tapgen does not know → other."""
    if resource_type == EXTERNAL_TYPE:
        return "outside the stack"
    parts = resource_type.split("::")
    return SERVICE_GROUPS.get(parts[1], "other") if len(parts) == 3 else "other"


@dataclass(frozen=True, order=True)
class Node:
    """A logical id and its type, or the literal text of something outside the stack (type `external`)."""

    id: str
    type: str
    note: str = ""

    @property
    def group(self) -> str:
        return group_of(self.type)


@dataclass(frozen=True, order=True)
class Edge:
    """`source → target`; `actions` are the IAM actions of an access edge, `details` what the label sums up."""

    kind: str
    source: str
    target: str
    label: str
    actions: tuple[str, ...] = ()
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...] = field(default=())
    edges: tuple[Edge, ...] = field(default=())
