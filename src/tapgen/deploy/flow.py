"""The whole of `deploy` and `destroy`, given clients and a console; the commands only parse options."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tapgen.artifacts import FunctionArtifact
from tapgen.deploy.aws import Clients, DeployError
from tapgen.deploy.changes import (
    ChangeSet,
    ChangeSetRequest,
    Sleep,
    change_table,
    create_change_set,
    data_loss,
    with_predicted_replacements,
)
from tapgen.deploy.outputs import flat_outputs
from tapgen.deploy.progress import latest_event_id, watch
from tapgen.deploy.stack import (
    PERMISSIVE_POLICY,
    PROTECTIVE_POLICY,
    change_set_type,
    delete_stack,
    describe_stack,
    empty_bucket,
    protect,
    set_policy,
    stack_resources,
)
from tapgen.naming import ARTIFACT_BUCKET, ENVIRONMENT_SUFFIX
from tapgen.package import UploadReport, ensure_object, upload_artifacts

# CloudFormation takes a TemplateBody up to this size; larger templates must come from S3.
TEMPLATE_BODY_LIMIT = 51_200
TEMPLATE_PREFIX = "tapgen/templates"


@dataclass(frozen=True)
class Console:
    """How the flow talks to the person: messages, and a yes/no question."""

    say: Callable[[str], None]
    confirm: Callable[[str], bool]


@dataclass(frozen=True)
class DeployPlan:
    """What to deploy where; `execute` False leaves the change set for review."""

    stack_name: str
    suffix: str
    bucket: str
    region: str
    template: str
    artifacts: Mapping[str, FunctionArtifact]
    retain_data: bool
    execute: bool = True
    allow_replacement: bool = False


@dataclass(frozen=True)
class DeployResult:
    upload: UploadReport
    change_set: ChangeSet | None
    executed: bool
    outputs: dict[str, str]


def deploy(plan: DeployPlan, clients: Clients, console: Console, sleep: Sleep = time.sleep) -> DeployResult:
    """Upload, preview, guard, confirm, execute, protect; the stack's outputs at the end."""
    cfn, s3 = clients("cloudformation"), clients("s3")
    upload = upload_artifacts(s3, plan.bucket, plan.artifacts)
    for key in upload.uploaded:
        console.say(f"uploaded s3://{plan.bucket}/{key}")
    if upload.skipped:
        console.say(f"skipped {len(upload.skipped)} artifact(s) already in s3://{plan.bucket}")
    request = ChangeSetRequest(
        stack_name=plan.stack_name,
        name=change_set_name(),
        change_set_type=change_set_type(cfn, plan.stack_name, console.say, sleep),
        parameters={ARTIFACT_BUCKET: plan.bucket, ENVIRONMENT_SUFFIX: plan.suffix},
        **template_source(s3, plan),
    )
    change_set = create_change_set(cfn, request, sleep)
    if change_set is None:
        console.say(f"no changes: stack {plan.stack_name} is up to date; nothing executed")
        return DeployResult(upload, None, False, read_outputs(cfn, plan.stack_name))
    change_set = with_predicted_replacements(cfn, change_set, plan.template, plan.region, request.parameters)
    console.say(f"change set {change_set.name} for {plan.stack_name} ({request.change_set_type}):")
    console.say(change_table(change_set.changes))
    _guard(cfn, change_set, plan.allow_replacement)
    if not plan.execute:
        console.say(f"not executed; to run it: aws cloudformation execute-change-set --change-set-name {change_set.id}")
        return DeployResult(upload, change_set, False, {})
    if not console.confirm(f"Execute {len(change_set.changes)} change(s) on stack {plan.stack_name}?"):
        cfn.delete_change_set(ChangeSetName=change_set.id)
        raise DeployError("cancelled: change set deleted, nothing changed")
    _execute(cfn, change_set, plan, console, sleep)
    if plan.retain_data:
        protect(cfn, plan.stack_name)
        console.say("termination protection on; stack policy denies replacing or deleting stateful resources")
    return DeployResult(upload, change_set, True, read_outputs(cfn, plan.stack_name))


def change_set_name(now: datetime | None = None) -> str:
    return f"tapgen-{(now or datetime.now(UTC)).strftime('%Y%m%d-%H%M%S-%f')}"


def template_source(s3: Any, plan: DeployPlan) -> dict[str, str]:
    """`template_body`, or `template_url` after uploading a template too large to pass inline."""
    body = plan.template.encode("utf-8")
    if len(body) <= TEMPLATE_BODY_LIMIT:
        return {"template_body": plan.template}
    key = f"{TEMPLATE_PREFIX}/{plan.stack_name}/{hashlib.sha256(body).hexdigest()}.json"
    ensure_object(s3, plan.bucket, key, body, "application/json")
    return {"template_url": f"https://s3.{plan.region}.amazonaws.com/{plan.bucket}/{key}"}


def _guard(cfn: Any, change_set: ChangeSet, allowed: bool) -> None:
    losses = data_loss(change_set.changes)
    if not losses or allowed:
        return
    cfn.delete_change_set(ChangeSetName=change_set.id)
    named = ", ".join(f"{c.logical_id} ({c.resource_type}, {c.action.lower()})" for c in losses)
    raise DeployError(
        f"refusing to replace or remove stateful resources: {named}; change set deleted. "
        "Rerun with --allow-replacement if the data may go"
    )


def _execute(cfn: Any, change_set: ChangeSet, plan: DeployPlan, console: Console, sleep: Sleep) -> None:
    # The stack policy of a protected stack would stop the replacement the person just allowed.
    relax = plan.allow_replacement and plan.retain_data and bool(data_loss(change_set.changes))
    if relax:
        set_policy(cfn, change_set.stack_id, PERMISSIVE_POLICY)
    try:
        after = latest_event_id(cfn, change_set.stack_id)
        cfn.execute_change_set(ChangeSetName=change_set.id)
        outcome = watch(cfn, change_set.stack_id, after, len(change_set.changes), console.say, sleep)
    finally:
        if relax:
            set_policy(cfn, change_set.stack_id, PROTECTIVE_POLICY)
    if not outcome.succeeded:
        for failure in outcome.failures:
            console.say(f"failed: {failure.line()}")
        raise DeployError(f"deploy of {plan.stack_name} failed: stack is {outcome.status}")
    console.say(f"stack {plan.stack_name} is {outcome.status}")


def read_outputs(cfn: Any, stack_name: str) -> dict[str, str]:
    stack = describe_stack(cfn, stack_name)
    if stack is None:
        raise DeployError(f"stack {stack_name} does not exist")
    return flat_outputs(stack)


def destroy(stack_name: str, clients: Clients, console: Console, sleep: Sleep = time.sleep) -> None:
    """Empty the stack's buckets (every version and delete marker), then delete the stack."""
    cfn, s3 = clients("cloudformation"), clients("s3")
    stack = describe_stack(cfn, stack_name)
    if stack is None:
        raise DeployError(f"stack {stack_name} does not exist")
    if stack.get("EnableTerminationProtection"):
        raise DeployError(f"stack {stack_name} has termination protection on: it holds data that must be kept")
    for attempt in (1, 2):
        _empty_buckets(cfn, s3, stack["StackId"], console)
        outcome = delete_stack(cfn, stack["StackId"], console.say, sleep)
        if outcome.succeeded:
            console.say(f"stack {stack_name} deleted")
            return
        # Access logs can land in a bucket just emptied; one more pass catches them.
        if attempt == 2:
            for failure in outcome.failures:
                console.say(f"failed: {failure.line()}")
            raise DeployError(f"could not delete {stack_name}: stack is {outcome.status}")


def _empty_buckets(cfn: Any, s3: Any, stack_id: str, console: Console) -> None:
    for resource in stack_resources(cfn, stack_id):
        bucket = resource.get("PhysicalResourceId")
        if resource.get("ResourceType") == "AWS::S3::Bucket" and bucket:
            console.say(f"emptied s3://{bucket}: {empty_bucket(s3, bucket)} object version(s) deleted")
