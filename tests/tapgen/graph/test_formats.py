"""Mermaid, DOT and JSON renderings of a graph."""

from __future__ import annotations

import json

from tapgen.graph import build_graph
from tapgen.graph.formats import FORMATS, as_json, dot, mermaid
from tapgen.graph.model import ACCESS, FLOW, Edge, Graph, Node
from tests.conftest import rendered_template

GRAPH = Graph(
    nodes=(
        Node("*", "external"),
        Node("Bucket", "AWS::S3::Bucket"),
        Node("end", "AWS::SQS::Queue"),
        Node("Route", "AWS::ApiGatewayV2::Route", 'GET "/x"'),
        Node("Service: s3.amazonaws.com", "external"),
    ),
    edges=(
        Edge(ACCESS, "Service: s3.amazonaws.com", "Bucket", "write", ("s3:PutObject",), ("Sid: *",)),
        Edge(FLOW, "Bucket", "end", "uploads/*.csv"),
        Edge(FLOW, "Route", "*", ""),
    ),
)


def test_mermaid_groups_nodes_and_escapes_labels() -> None:
    text = mermaid(GRAPH)
    assert text.startswith("flowchart LR\n")
    assert '  subgraph group_storage["storage"]\n    Bucket["Bucket<br/>AWS::S3::Bucket"]\n  end\n' in text
    assert 'Route["Route<br/>AWS::ApiGatewayV2::Route<br/>GET #quot;/x#quot;"]' in text
    # A reserved word and texts that are not identifiers get numbered ids, labelled with their text.
    assert 'external1["*"]' in text and 'external2["end<br/>AWS::SQS::Queue"]' in text
    assert 'external3["Service: s3.amazonaws.com"]' in text
    assert '  external3 -.->|"write"| Bucket\n' in text
    assert '  Bucket -->|"uploads/*.csv"| external2\n' in text
    assert "  Route --> external1\n" in text


def test_dot_quotes_every_id_and_dashes_access_edges() -> None:
    text = dot(GRAPH)
    assert text.startswith("digraph template {\n") and text.endswith("}\n")
    assert '    "Route" [label="Route\\nAWS::ApiGatewayV2::Route\\nGET \\"/x\\""];' in text
    assert '  "Service: s3.amazonaws.com" -> "Bucket" [label="write", style=dashed];' in text
    assert '  "Bucket" -> "end" [label="uploads/*.csv"];' in text
    assert 'subgraph "cluster_outside the stack"' in text


def test_json_holds_the_full_action_list() -> None:
    document = json.loads(as_json(GRAPH))
    assert document["edges"][0] == {
        "kind": "access",
        "source": "Service: s3.amazonaws.com",
        "target": "Bucket",
        "label": "write",
        "actions": ["s3:PutObject"],
        "details": ["Sid: *"],
    }
    assert {"id": "Bucket", "type": "AWS::S3::Bucket", "group": "storage", "note": ""} in document["nodes"]


def test_every_format_is_byte_identical_across_builds() -> None:
    for render in FORMATS.values():
        assert render(build_graph(rendered_template("prod"))) == render(build_graph(rendered_template("prod")))
