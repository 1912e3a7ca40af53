"""Change sets: create one, wait for it, read what it would do, and guard the resources that hold data."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tapgen.deploy.aws import DeployError
from tapgen.stateful import STATEFUL_TYPES

# CloudFormation's words for "this change set would change nothing".
NO_CHANGE_REASONS = ("didn't contain changes", "No updates are to be performed")
CAPABILITIES = ("CAPABILITY_IAM", "CAPABILITY_NAMED_IAM")
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class ResourceChange:
    """One row of a change set. `replacement` is True, False, Conditional, or '' when CloudFormation gave none."""

    action: str
    logical_id: str
    resource_type: str
    replacement: str = ""

    @property
    def destroys_data(self) -> bool:
        """A stateful resource removed, replaced, or possibly replaced."""
        replaced = self.action == "Modify" and self.replacement in ("True", "Conditional")
        return self.resource_type in STATEFUL_TYPES and (self.action == "Remove" or replaced)


@dataclass(frozen=True)
class ChangeSet:
    """A created change set: its id, its stack's id, and the resource changes (empty when nothing changes)."""

    id: str
    name: str
    stack_id: str
    changes: tuple[ResourceChange, ...]


@dataclass(frozen=True)
class ChangeSetRequest:
    """Everything CreateChangeSet needs; exactly one of `template_body` and `template_url`."""

    stack_name: str
    name: str
    change_set_type: str
    parameters: Mapping[str, str]
    template_body: str | None = None
    template_url: str | None = None

    def arguments(self) -> dict[str, Any]:
        template = {"TemplateURL": self.template_url} if self.template_url else {"TemplateBody": self.template_body}
        return {
            "StackName": self.stack_name,
            "ChangeSetName": self.name,
            "ChangeSetType": self.change_set_type,
            "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in sorted(self.parameters.items())],
            "Capabilities": list(CAPABILITIES),
            "Description": "created by tapgen deploy",
            **template,
        }


def create_change_set(cfn: Any, request: ChangeSetRequest, sleep: Sleep = time.sleep) -> ChangeSet | None:
    """Create the change set and wait for it; None (and the change set deleted) when nothing would change."""
    created = cfn.create_change_set(**request.arguments())
    try:
        pages = wait_for_change_set(cfn, created["Id"], sleep)
    except BaseException:  # Ctrl-C or a timeout while waiting: leave no change set behind
        cfn.delete_change_set(ChangeSetName=created["Id"])
        raise
    first = pages[0]
    if first["Status"] == "FAILED":
        cfn.delete_change_set(ChangeSetName=created["Id"])
        reason = first.get("StatusReason", "")
        if any(words in reason for words in NO_CHANGE_REASONS):
            return None
        raise DeployError(f"change set {request.name} failed (deleted): {reason}")
    return ChangeSet(created["Id"], request.name, created["StackId"], parse_changes(pages))


def wait_for_change_set(cfn: Any, change_set_id: str, sleep: Sleep, timeout: float = 600) -> list[dict[str, Any]]:
    """Poll until the change set is created or failed; every page of its description."""
    delay, waited = 0.2, 0.0
    while True:
        page = cfn.describe_change_set(ChangeSetName=change_set_id)
        if page["Status"] in ("CREATE_COMPLETE", "FAILED"):
            return [page, *_more_pages(cfn, change_set_id, page.get("NextToken"))]
        if waited >= timeout:
            raise DeployError(f"change set {change_set_id} still {page['Status']} after {timeout:.0f} s")
        sleep(delay)
        waited += delay
        delay = min(delay * 2, 5.0)


def _more_pages(cfn: Any, change_set_id: str, token: str | None) -> Iterable[dict[str, Any]]:
    while token:
        page = cfn.describe_change_set(ChangeSetName=change_set_id, NextToken=token)
        yield page
        token = page.get("NextToken")


def parse_changes(pages: Iterable[Mapping[str, Any]]) -> tuple[ResourceChange, ...]:
    """The resource changes of DescribeChangeSet pages, in CloudFormation's order."""
    return tuple(
        ResourceChange(
            action=rc.get("Action", ""),
            logical_id=rc.get("LogicalResourceId", ""),
            resource_type=rc.get("ResourceType", ""),
            replacement=rc.get("Replacement", ""),
        )
        for page in pages
        for change in page.get("Changes", [])
        if change.get("Type") == "Resource"
        for rc in [change["ResourceChange"]]
    )


def data_loss(changes: Iterable[ResourceChange]) -> list[ResourceChange]:
    """The changes the replacement guard refuses."""
    return [change for change in changes if change.destroys_data]


def change_table(changes: Sequence[ResourceChange]) -> str:
    """A plain-text table: action, logical id, type, replacement; stateful losses are marked."""
    rows = [("ACTION", "LOGICAL ID", "TYPE", "REPLACEMENT")]
    rows += [
        (c.action, c.logical_id, c.resource_type, (c.replacement or "-") + ("  <- data" if c.destroys_data else ""))
        for c in changes
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(
        "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[3]]).rstrip()
        for row in rows
    )
