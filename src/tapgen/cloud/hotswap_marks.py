"""The mark a hotswap leaves on a function (a tag), and its reader: no hidden state after a hotswap.

`tapgen deploy --hotswap` changes a function's code behind CloudFormation's back. Before it does, it tags
the function `tapgen:hotswapped` = "<UTC time> sha256=<hex of the zip>"; a full deploy that puts the
template's code back removes the tag. `tapgen diff` and `tapgen drift` read the marks with `hotswap_marks`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tapgen.cloud.clients import Clients
from tapgen.cloud.deployed import deployed_template
from tapgen.cloud.stack import stack_resources

MARK_TAG = "tapgen:hotswapped"
FUNCTION_TYPE = "AWS::Lambda::Function"


@dataclass(frozen=True)
class HotswapMark:
    """A function running code that its stack's template does not name."""

    logical_id: str
    function_name: str
    at: str  # when the hotswap happened, UTC, ISO 8601
    sha256: str  # hex SHA-256 of the zip it runs
    template_key: str  # the S3 key of the code the stack's template names

    def line(self) -> str:
        return (
            f"{self.logical_id} ({self.function_name}): code hotswapped at {self.at} (zip sha256 {self.sha256[:12]}), "
            f"template names {self.template_key or 'other code'}; a full `tapgen deploy` puts the template's code back"
        )


def mark_value(sha256_hex: str, now: datetime | None = None) -> str:
    """The tag value: when, and which zip (tag values allow letters, digits, spaces and _.:/=+-@)."""
    moment = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{moment} sha256={sha256_hex}"


def parse_mark(value: str) -> tuple[str, str]:
    """(time, sha256 hex) of a tag value; what cannot be read is kept as it is, never an error."""
    at, _, rest = value.partition(" ")
    return at, rest.removeprefix("sha256=")


def stack_functions(cfn: Any, stack: str) -> dict[str, str]:
    """The stack's functions: logical id -> function name."""
    return {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in stack_resources(cfn, stack)
        if r.get("ResourceType") == FUNCTION_TYPE and r.get("PhysicalResourceId")
    }


def function_tags(lambda_client: Any, function_name: str) -> dict[str, str]:
    tags: dict[str, str] = lambda_client.get_function(FunctionName=function_name).get("Tags") or {}
    return tags


def hotswap_marks(clients: Clients, stack: str, template: Mapping[str, Any] | None = None) -> list[HotswapMark]:
    """The stack's functions that carry the hotswap mark, in logical-id order, with the code their template
    names (`template`: the stack's own, read only when some function is marked)."""
    lambda_client = clients("lambda")
    found = []
    for logical_id, name in sorted(stack_functions(clients("cloudformation"), stack).items()):
        value = function_tags(lambda_client, name).get(MARK_TAG)
        if value is not None:
            found.append((logical_id, name, *parse_mark(value)))
    if found and template is None:
        template = deployed_template(clients("cloudformation"), stack)
    resources = (template or {}).get("Resources", {})
    marks: list[HotswapMark] = []
    for logical_id, name, at, sha in found:
        key = resources.get(logical_id, {}).get("Properties", {}).get("Code", {}).get("S3Key")
        marks.append(HotswapMark(logical_id, name, at, sha, key if isinstance(key, str) else ""))
    return marks


def stack_hotswap_lines(clients: Clients, stack: str) -> list[str]:
    """One line per hotswapped function of an existing stack, as `diff` and `drift` report them."""
    return [mark.line() for mark in hotswap_marks(clients, stack)]
