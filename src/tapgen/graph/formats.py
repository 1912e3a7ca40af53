"""The graph as Mermaid (for the README), DOT (for Graphviz) or JSON (for tools); all deterministic."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from tapgen.graph.model import FLOW, GROUPS, Graph, Node

DOT_NEWLINE = "\\n"  # DOT's own line break inside a label
RESERVED_WORDS = {"end", "graph", "subgraph", "node", "edge", "digraph", "flowchart"}
_SAFE_ID = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def _drawing_ids(graph: Graph) -> dict[str, str]:
    """Logical ids as they are; anything else (external text, a reserved word) gets a numbered id."""
    unsafe = [n.id for n in graph.nodes if not _SAFE_ID.fullmatch(n.id) or n.id.lower() in RESERVED_WORDS]
    numbered = {node_id: f"external{number}" for number, node_id in enumerate(unsafe, start=1)}
    return {n.id: numbered.get(n.id, n.id) for n in graph.nodes}


def _by_group(graph: Graph) -> list[tuple[str, list[Node]]]:
    return [
        (group, [n for n in graph.nodes if n.group == group])
        for group in GROUPS
        if any(n.group == group for n in graph.nodes)
    ]


def _lines(node: Node) -> list[str]:
    return [node.id, *([node.type] if node.type != "external" else []), *([node.note] if node.note else [])]


def mermaid(graph: Graph) -> str:
    ids = _drawing_ids(graph)
    out = ["flowchart LR"]
    for group, nodes in _by_group(graph):
        out.append(f'  subgraph group_{group.replace(" ", "_")}["{_mermaid_text(group)}"]')
        out.extend(f'    {ids[n.id]}["{"<br/>".join(_mermaid_text(line) for line in _lines(n))}"]' for n in nodes)
        out.append("  end")
    for edge in graph.edges:
        arrow = "-->" if edge.kind == FLOW else "-.->"
        label = f'|"{_mermaid_text(edge.label)}"|' if edge.label else ""
        out.append(f"  {ids[edge.source]} {arrow}{label} {ids[edge.target]}")
    return "\n".join(out) + "\n"


def _mermaid_text(text: str) -> str:
    return text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def dot(graph: Graph) -> str:
    out = ["digraph template {", "  rankdir=LR;", "  node [shape=box];"]
    for group, nodes in _by_group(graph):
        out.append(f'  subgraph "cluster_{_dot_text(group)}" {{')
        out.append(f'    label="{_dot_text(group)}";')
        out.extend(f'    "{_dot_text(n.id)}" [label="{DOT_NEWLINE.join(map(_dot_text, _lines(n)))}"];' for n in nodes)
        out.append("  }")
    for edge in graph.edges:
        style = "" if edge.kind == FLOW else ", style=dashed"
        out.append(
            f'  "{_dot_text(edge.source)}" -> "{_dot_text(edge.target)}" [label="{_dot_text(edge.label)}"{style}];'
        )
    out.append("}")
    return "\n".join(out) + "\n"


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def as_json(graph: Graph) -> str:
    document = {
        "nodes": [{"id": n.id, "type": n.type, "group": n.group, "note": n.note} for n in graph.nodes],
        "edges": [
            {
                "kind": e.kind,
                "source": e.source,
                "target": e.target,
                "label": e.label,
                "actions": list(e.actions),
                "details": list(e.details),
            }
            for e in graph.edges
        ],
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


FORMATS: dict[str, Callable[[Graph], str]] = {"mermaid": mermaid, "dot": dot, "json": as_json}
