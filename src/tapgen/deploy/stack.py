"""The stack itself: its state, its protection against data loss, and taking it down."""

from __future__ import annotations

import json
import time
from typing import Any

from tapgen.cfn.stateful import STATEFUL_TYPES
from tapgen.cloud.stack import describe_stack, stack_resources
from tapgen.deploy.changes import Sleep
from tapgen.deploy.progress import DEFAULT_WAIT_TIMEOUT, Outcome, Report, latest_event_id, watch
from tapgen.errors import DeployError

# A stack left in review (a change set never executed) takes another CREATE change set.
CREATE_FROM = frozenset({"REVIEW_IN_PROGRESS"})
# Stacks in these states cannot be updated until someone looks at them.
NEEDS_ATTENTION = frozenset({"ROLLBACK_FAILED", "DELETE_FAILED", "UPDATE_ROLLBACK_FAILED", "IMPORT_ROLLBACK_FAILED"})
PROTECTIVE_POLICY = {
    "Statement": [
        {"Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*"},
        {
            "Effect": "Deny",
            "Action": ["Update:Replace", "Update:Delete"],
            "Principal": "*",
            "Resource": "*",
            "Condition": {"StringEquals": {"ResourceType": sorted(STATEFUL_TYPES)}},
        },
    ]
}
PERMISSIVE_POLICY = {"Statement": [PROTECTIVE_POLICY["Statement"][0]]}


def change_set_type(cfn: Any, name: str, report: Report, sleep: Sleep = time.sleep) -> str:
    """CREATE or UPDATE; a stack whose creation rolled back is deleted first, as CloudFormation requires."""
    stack = describe_stack(cfn, name)
    status = stack["StackStatus"] if stack else None
    if stack is None or status in CREATE_FROM:
        return "CREATE"
    if status == "ROLLBACK_COMPLETE":
        report(f"stack {name} is in ROLLBACK_COMPLETE (its creation failed): deleting it before creating it again")
        if stack.get("EnableTerminationProtection"):
            # A stack whose creation rolled back holds nothing to protect (retained resources outlive it anyway),
            # and CloudFormation accepts no other way forward than deleting it.
            cfn.update_termination_protection(StackName=stack["StackId"], EnableTerminationProtection=False)
            report(f"termination protection of the failed {name} turned off to delete it")
        outcome = delete_stack(cfn, stack["StackId"], report, sleep)
        if not outcome.succeeded:
            raise DeployError(f"could not delete {name} after its failed creation: {outcome.status}")
        return "CREATE"
    if status in NEEDS_ATTENTION:
        raise DeployError(f"stack {name} is {status}: resolve it in the CloudFormation console first")
    if status is not None and status.endswith("_IN_PROGRESS"):
        raise DeployError(f"stack {name} is busy ({status}): wait for it to finish, then deploy again")
    return "UPDATE"


def delete_stack(
    cfn: Any, stack_id: str, report: Report, sleep: Sleep = time.sleep, timeout: float = DEFAULT_WAIT_TIMEOUT
) -> Outcome:
    """Delete the stack (by id, so its final state stays readable) and follow it to the end."""
    after = latest_event_id(cfn, stack_id)
    total = len(stack_resources(cfn, stack_id))
    cfn.delete_stack(StackName=stack_id)
    return watch(cfn, stack_id, after, total, report, sleep, timeout)


def protect(cfn: Any, stack: str) -> list[str]:
    """Bring the stack to termination protection on and tapgen's stack policy; what had to change.

    Reads before it writes, so a stack already protected costs two reads and reports nothing.
    """
    changed: list[str] = []
    described = describe_stack(cfn, stack)
    if described is None:
        raise DeployError(f"stack {stack} does not exist: nothing to protect")
    policy_current = stack_policy(cfn, stack) == PROTECTIVE_POLICY
    if not described.get("EnableTerminationProtection"):
        cfn.update_termination_protection(StackName=stack, EnableTerminationProtection=True)
        changed.append("termination protection turned on")
    if not policy_current:
        set_policy(cfn, stack, PROTECTIVE_POLICY)
        changed.append("stack policy set to deny replacing or deleting stateful resources")
    return changed


def stack_policy(cfn: Any, stack: str) -> Any:
    """The stack's policy as JSON data, None when it has none (or one that is not JSON)."""
    body = cfn.get_stack_policy(StackName=stack).get("StackPolicyBody")
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None


def set_policy(cfn: Any, stack: str, policy: dict[str, Any]) -> None:
    cfn.set_stack_policy(StackName=stack, StackPolicyBody=json.dumps(policy, sort_keys=True))


def empty_bucket(s3: Any, bucket: str) -> int:
    """Delete every object version and delete marker in `bucket`; how many were deleted."""
    from botocore.exceptions import ClientError

    deleted = 0
    try:
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            batch = [
                {"Key": v["Key"], "VersionId": v["VersionId"]}
                for v in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
            ]
            if batch:
                result = s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
                if result.get("Errors"):
                    first = result["Errors"][0]
                    raise DeployError(f"cannot empty {bucket}: {first.get('Key')}: {first.get('Message')}")
                deleted += len(batch)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "NoSuchBucket":
            return deleted
        raise
    return deleted
