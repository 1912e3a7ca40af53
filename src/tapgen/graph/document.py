"""`docs/architecture.md`: one environment's flow and access pictures, regenerated with the templates."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tapgen.graph.build import build_graph
from tapgen.graph.formats import mermaid

DOCUMENTED_ENVIRONMENT = "prod"
ARCHITECTURE_DOC = Path("docs") / "architecture.md"


def architecture_markdown(template: Mapping[str, Any], environment: str) -> str:
    """The page: each view as a Mermaid block, with a line on how to read it."""
    flow = mermaid(build_graph(template, "flow"))
    access = mermaid(build_graph(template, "access"))
    return f"""# Architecture of TAP ({environment})

Generated from `templates/{environment}.json` by `tapgen render --all` (the same pictures as
`tapgen graph --env {environment} --view flow` and `--view access`); do not edit by hand:
`tapgen render --all --check` fails when this page is stale. Every box is a resource of the template
(logical id and type) or, under *outside the stack*, a principal or resource the template names.

## Flow: where events and data go

Bucket notifications (with their key filters), API routes through the integration to the api function,
failure destinations, what each function records in the table (from its role), logs, and alarm
notifications.

```mermaid
{flow}```

## Access: who may act on what

Each function runs as its role; each role's arrows are its IAM permissions, summarised as read / write /
encrypt-decrypt / invoke (`tapgen graph --env {environment} --view access --format json` lists every
action). Arrows from principals are resource-policy grants: the key policy, bucket and topic policies, and
the invoke permissions of the functions. Deny statements (TLS only) grant nothing and are not drawn.

```mermaid
{access}```
"""
