"""Live progress of a stack operation, from its events: resources done of total, and the current event."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tapgen.cloud.clients import paged_items
from tapgen.deploy.changes import Sleep
from tapgen.errors import DeployError

STACK_TYPE = "AWS::CloudFormation::Stack"
SUCCESS = frozenset({"CREATE_COMPLETE", "UPDATE_COMPLETE", "DELETE_COMPLETE", "IMPORT_COMPLETE"})
# CloudFormation gives up on its own long before this (its resource handlers time out within an hour or two,
# and stacks may set TimeoutInMinutes); past it, a stack that never settles is reported rather than awaited.
DEFAULT_WAIT_TIMEOUT = 4 * 3600.0
Report = Callable[[str], None]
Clock = Callable[[], float]


@dataclass(frozen=True)
class Failure:
    logical_id: str
    resource_type: str
    status: str
    reason: str

    def line(self) -> str:
        return f"{self.logical_id} ({self.resource_type}) {self.status}: {self.reason or 'no reason given'}"


@dataclass(frozen=True)
class Outcome:
    """How a stack operation ended: the stack's final status and every resource that failed on the way."""

    status: str
    failures: tuple[Failure, ...]

    @property
    def succeeded(self) -> bool:
        return self.status in SUCCESS


def latest_event_id(cfn: Any, stack: str) -> str | None:
    """The newest event of the stack; progress reports only what happens after it."""
    events = cfn.describe_stack_events(StackName=stack).get("StackEvents", [])
    return str(events[0]["EventId"]) if events else None


def new_events(cfn: Any, stack: str, after: str | None) -> list[dict[str, Any]]:
    """Events newer than the event `after`, oldest first."""
    found: list[dict[str, Any]] = []
    for event in paged_items(cfn.describe_stack_events, "StackEvents", StackName=stack):  # newest first
        if event["EventId"] == after:
            break
        found.append(event)
    return found[::-1]


def watch(
    cfn: Any,
    stack_id: str,
    after: str | None,
    total: int,
    report: Report,
    sleep: Sleep = time.sleep,
    timeout: float = DEFAULT_WAIT_TIMEOUT,
    clock: Clock = time.monotonic,
) -> Outcome:
    """Report each resource event as `[done/total] STATUS LogicalId (Type)` until the stack settles.

    Gives up with a DeployError naming the stack's state after `timeout` seconds; CloudFormation goes on.
    """
    done: set[str] = set()
    failures: list[Failure] = []
    delay = 0.5
    deadline = clock() + timeout
    while True:
        status = cfn.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"]
        for event in new_events(cfn, stack_id, after):
            after = event["EventId"]
            _record(event, done, failures)
            report(_line(event, len(done), total))
        if not status.endswith("_IN_PROGRESS"):
            return Outcome(status, tuple(failures))
        if clock() >= deadline:
            raise DeployError(
                f"gave up waiting after {timeout:.0f} s: stack {stack_id} is still {status} "
                f"({len(done)} of {total} resources done). CloudFormation carries on; follow it with "
                f"`aws cloudformation describe-stacks --stack-name {stack_id}`"
            )
        sleep(delay)
        delay = min(delay * 1.5, 5.0)


def _record(event: dict[str, Any], done: set[str], failures: list[Failure]) -> None:
    status = event.get("ResourceStatus", "")
    if event.get("ResourceType") == STACK_TYPE:
        return
    if status.endswith(("_COMPLETE", "_FAILED", "_SKIPPED")):
        done.add(event.get("LogicalResourceId", ""))
    if status.endswith("_FAILED"):
        failures.append(
            Failure(
                event.get("LogicalResourceId", ""),
                event.get("ResourceType", ""),
                status,
                event.get("ResourceStatusReason", ""),
            )
        )


def _line(event: dict[str, Any], done: int, total: int) -> str:
    reason = event.get("ResourceStatusReason")
    where = f"{event.get('LogicalResourceId', '')} ({event.get('ResourceType', '')})"
    return f"[{min(done, total)}/{total}] {event.get('ResourceStatus', '')} {where}" + (f": {reason}" if reason else "")
