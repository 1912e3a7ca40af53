"""Reading a deployed stack: its description and its resources (read-only calls)."""

from __future__ import annotations

from typing import Any


def describe_stack(cfn: Any, name: str) -> dict[str, Any] | None:
    """The stack's description, or None when no such stack exists."""
    from botocore.exceptions import ClientError

    try:
        stack: dict[str, Any] = cfn.describe_stacks(StackName=name)["Stacks"][0]
    except ClientError as error:
        if "does not exist" in error.response.get("Error", {}).get("Message", ""):
            return None
        raise
    return stack


def stack_resources(cfn: Any, stack: str) -> list[dict[str, Any]]:
    """Every resource summary of the stack (all pages)."""
    summaries: list[dict[str, Any]] = []
    for page in cfn.get_paginator("list_stack_resources").paginate(StackName=stack):
        summaries.extend(page.get("StackResourceSummaries", []))
    return summaries
