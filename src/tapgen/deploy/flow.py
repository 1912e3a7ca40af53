"""The whole of `deploy` and `destroy`, given clients and a console; the commands only parse options."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tapgen.cloud.account import partition_of
from tapgen.cloud.clients import Clients
from tapgen.cloud.deployed import deployed_template
from tapgen.cloud.stack import describe_stack, stack_resources
from tapgen.code.artifacts import FunctionArtifact
from tapgen.code.package import UploadReport, ensure_object, upload_artifacts
from tapgen.deploy.changes import (
    ChangeSet,
    ChangeSetRequest,
    Sleep,
    change_table,
    create_change_set,
    data_loss,
    with_predicted_replacements,
)
from tapgen.deploy.code import code_mismatches
from tapgen.deploy.code_swap import restore_hotswapped
from tapgen.deploy.gate import PlanMismatch, RequireApproval, Reviewer, judge, refusal
from tapgen.deploy.outputs import flat_outputs
from tapgen.deploy.prerequisites import require_account_prerequisites
from tapgen.deploy.progress import DEFAULT_WAIT_TIMEOUT, latest_event_id, watch
from tapgen.deploy.retention import readable_template, retention_of
from tapgen.deploy.stack import (
    PERMISSIVE_POLICY,
    PROTECTIVE_POLICY,
    change_set_type,
    delete_stack,
    empty_bucket,
    protect,
    set_policy,
)
from tapgen.errors import DeployError
from tapgen.settings.names import ENVIRONMENT_SUFFIX
from tapgen.synth.naming import ARTIFACT_BUCKET

# CloudFormation takes a TemplateBody up to this size; larger templates must come from S3.
TEMPLATE_BODY_LIMIT = 51_200
TEMPLATE_PREFIX = "tapgen/templates"


@dataclass(frozen=True)
class Console:
    """How the flow talks to the person: messages, and a yes/no question."""

    say: Callable[[str], None]
    confirm: Callable[[str], bool]
    interactive: bool = True  # False when --yes answered every question before it was asked


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
    wait_timeout: float = DEFAULT_WAIT_TIMEOUT
    reviewer: Reviewer | None = None  # the security review of the change; None: none shown, nothing gated
    require_approval: RequireApproval = RequireApproval.BROADENING


@dataclass(frozen=True)
class DeployResult:
    upload: UploadReport
    change_set: ChangeSet | None
    executed: bool
    outputs: dict[str, str]


def deploy(plan: DeployPlan, clients: Clients, console: Console, sleep: Sleep = time.sleep) -> DeployResult:
    """Check the account's prerequisites, protect, upload (verified), preview, guard, confirm, execute, verify
    the code; the outputs at the end.

    A retained environment's stack is protected before anything else happens to it (an existing stack at
    once, a new one as soon as its change set exists), and its protection is checked again at the end.
    """
    cfn, s3 = clients("cloudformation"), clients("s3")
    protected = _protect_existing(cfn, plan, console)
    require_account_prerequisites(plan.template, clients, plan.region)
    upload = upload_artifacts(s3, plan.bucket, plan.artifacts)
    for key in upload.uploaded:
        console.say(f"uploaded s3://{plan.bucket}/{key}")
    if upload.skipped:
        console.say(f"verified {len(upload.skipped)} artifact(s) already in s3://{plan.bucket}")
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
        _verify_code(clients, plan, console)
        return DeployResult(upload, None, False, read_outputs(cfn, plan.stack_name))
    with _discarded_unless_executed(cfn, change_set):
        if not protected:  # a new stack exists from here on, in review: protect it before anything can run it
            _protect_in_review(cfn, plan, console)
        change_set = with_predicted_replacements(cfn, change_set, plan.template, plan.region, request.parameters)
        console.say(f"change set {change_set.name} for {plan.stack_name} ({request.change_set_type}):")
        console.say(change_table(change_set.changes))
        _guard(change_set, plan.allow_replacement)
        held = _review_security(cfn, plan, request.change_set_type, console)
        if not plan.execute:
            console.say(
                f"not executed; to run it: aws cloudformation execute-change-set --change-set-name {change_set.id}"
            )
            return DeployResult(upload, change_set, False, {})
        question = f"Execute {len(change_set.changes)} change(s) on stack {plan.stack_name}"
        question += f", approving {len(held)} held security change(s)?" if held else "?"
        if not console.confirm(question):
            raise DeployError("cancelled: change set deleted, nothing changed")
    _execute(cfn, change_set, plan, console, sleep)
    _verify_code(clients, plan, console)
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
    return {"template_url": partition_of(plan.region).s3_url(plan.region, plan.bucket, key)}


@contextmanager
def _discarded_unless_executed(cfn: Any, change_set: ChangeSet) -> Iterator[None]:
    """Delete the change set on every way out of the block but a normal one: refusal, Ctrl-C, end of input."""
    try:
        yield
    except BaseException:
        cfn.delete_change_set(ChangeSetName=change_set.id)
        raise


# A stack in these states has nothing to protect: its creation failed (deploy replaces it) or it is going away.
UNPROTECTABLE = frozenset({"ROLLBACK_COMPLETE", "DELETE_IN_PROGRESS", "DELETE_COMPLETE", "DELETE_FAILED"})


def _protect_existing(cfn: Any, plan: DeployPlan, console: Console) -> bool:
    """Protect a retained environment's stack that already exists, before any upload; whether it did."""
    if not plan.retain_data:
        return False
    stack = describe_stack(cfn, plan.stack_name)
    # A stack in progress is refused as busy a moment later; CloudFormation takes no stack policy meanwhile.
    if stack is None or stack["StackStatus"] in UNPROTECTABLE or stack["StackStatus"].endswith("_IN_PROGRESS"):
        return False
    _protect_if_retained(cfn, plan, console)
    return True


def _protect_in_review(cfn: Any, plan: DeployPlan, console: Console) -> None:
    """Protect a new stack while its change set awaits review; where CloudFormation refuses that for a stack
    in review, say so: the protection then follows the execution (or the next deploy, if executed elsewhere)."""
    from botocore.exceptions import ClientError

    try:
        _protect_if_retained(cfn, plan, console)
    except ClientError as error:
        reason = error.response.get("Error", {}).get("Message", "")
        console.say(
            f"protection of {plan.stack_name} follows its creation (CloudFormation refused it in review: {reason}); "
            "if the change set is executed outside tapgen, run `tapgen deploy` again afterwards"
        )


def _protect_if_retained(cfn: Any, plan: DeployPlan, console: Console) -> None:
    """Reconcile a retained environment's protection, whatever the deploy did or did not change."""
    if not plan.retain_data:
        return
    changed = protect(cfn, plan.stack_name)
    if changed:
        console.say(f"protection of {plan.stack_name} repaired: " + "; ".join(changed))
    else:
        console.say(f"protection of {plan.stack_name} in place: termination protection on, stack policy current")


def _guard(change_set: ChangeSet, allowed: bool) -> None:
    losses = data_loss(change_set.changes)
    if not losses or allowed:
        return
    named = ", ".join(f"{c.logical_id} ({c.resource_type}, {c.action.lower()})" for c in losses)
    raise DeployError(
        f"refusing to replace or remove stateful resources: {named}; change set deleted. "
        "Rerun with --allow-replacement if the data may go"
    )


def _review_security(cfn: Any, plan: DeployPlan, change_set_type: str, console: Console) -> tuple[str, ...]:
    """Print the security changes as `tapgen diff` does, and apply the gate: what a person must still approve
    (empty: nothing), or a refusal when nobody can (--yes) or the approved plan differs."""
    if plan.reviewer is None:
        return ()
    deployed = deployed_template(cfn, plan.stack_name) if change_set_type == "UPDATE" else {}
    review = plan.reviewer(deployed, json.loads(plan.template), plan.region)
    for line in review.lines or ("no security changes",):
        console.say(line)
    if not plan.execute:
        return ()
    try:
        verdict = judge(review, plan.require_approval)
    except PlanMismatch as error:
        raise DeployError(f"refusing to execute: {error}; change set deleted, nothing changed") from None
    if verdict.approved_by_plan and verdict.held:
        console.say(f"approved by the plan: {len(verdict.held)} held security change(s), exactly as reviewed")
    if verdict.needs_a_person and not console.interactive:
        raise DeployError(refusal(verdict, plan.require_approval))
    return verdict.held if verdict.needs_a_person else ()


def _execute(cfn: Any, change_set: ChangeSet, plan: DeployPlan, console: Console, sleep: Sleep) -> None:
    # The stack policy of a protected stack would stop the replacement the person just allowed.
    relax = plan.allow_replacement and plan.retain_data and bool(data_loss(change_set.changes))
    if relax:
        set_policy(cfn, change_set.stack_id, PERMISSIVE_POLICY)
    try:
        after = latest_event_id(cfn, change_set.stack_id)
        cfn.execute_change_set(ChangeSetName=change_set.id)
        outcome = watch(cfn, change_set.stack_id, after, len(change_set.changes), console.say, sleep, plan.wait_timeout)
    finally:
        # Also on Ctrl-C or a timeout: a retained stack is never left with the relaxed policy.
        if relax:
            set_policy(cfn, change_set.stack_id, PROTECTIVE_POLICY)
    if not outcome.succeeded:
        for failure in outcome.failures:
            console.say(f"failed: {failure.line()}")
        raise DeployError(f"deploy of {plan.stack_name} failed: stack is {outcome.status}")
    console.say(f"stack {plan.stack_name} is {outcome.status}")
    _protect_if_retained(cfn, plan, console)


def _verify_code(clients: Clients, plan: DeployPlan, console: Console) -> None:
    """Every function of the stack runs exactly the zip built for it (Lambda's CodeSha256), or a loud failure.

    A function a hotswap left marked gets its template's code back first, even when the change set was empty.
    """
    template = json.loads(plan.template)
    restore_hotswapped(clients, plan.stack_name, template, plan.artifacts, plan.bucket, console.say)
    mismatches = code_mismatches(clients, plan.stack_name, template, plan.artifacts)
    if mismatches:
        raise DeployError("deployed code differs from what tapgen built: " + "; ".join(mismatches))
    console.say(f"verified the code of {len(plan.artifacts)} function(s): each runs the zip tapgen built")


def read_outputs(cfn: Any, stack_name: str) -> dict[str, str]:
    stack = describe_stack(cfn, stack_name)
    if stack is None:
        raise DeployError(f"stack {stack_name} does not exist")
    return flat_outputs(stack)


def destroy(
    stack_name: str,
    clients: Clients,
    console: Console,
    sleep: Sleep = time.sleep,
    wait_timeout: float = DEFAULT_WAIT_TIMEOUT,
) -> None:
    """Empty the stack's buckets (every version and delete marker), then delete the stack.

    Refused for a stack that keeps data, judged from the stack itself: termination protection, its template's
    retainData marker, or any resource whose DeletionPolicy is not Delete.
    """
    cfn, s3 = clients("cloudformation"), clients("s3")
    stack = describe_stack(cfn, stack_name)
    if stack is None:
        raise DeployError(f"stack {stack_name} does not exist")
    if stack.get("EnableTerminationProtection"):
        raise DeployError(f"stack {stack_name} has termination protection on: it holds data that must be kept")
    retention = retention_of(readable_template(cfn, stack["StackId"]))
    if retention.reasons:
        raise DeployError(
            f"refusing to destroy {stack_name}: its data must outlive it ({'; '.join(retention.reasons)}); "
            "nothing was deleted"
        )
    for attempt in (1, 2):
        _empty_buckets(cfn, s3, stack["StackId"], console)
        outcome = delete_stack(cfn, stack["StackId"], console.say, sleep, wait_timeout)
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
