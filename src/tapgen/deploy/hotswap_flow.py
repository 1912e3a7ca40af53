"""`deploy --hotswap`: put changed function code in place directly, when nothing but code differs.

Refused for environments that retain data. Compares the stack's template with the fresh render; when only
function code (and plain-valued variables derived from it) differ, uploads the changed zips (verified),
calls UpdateFunctionCode per changed function, waits for it, checks CodeSha256, and marks the function.
No change set is created and the stack's template stays as it was. Otherwise: None (the caller runs a
full deploy, said in one line with what forced it) or, with `only`, a refusal.
"""

from __future__ import annotations

import json
import time
from typing import Any

from tapgen.cloud.clients import Clients
from tapgen.cloud.deployed import deployed_template, stack_parameters
from tapgen.cloud.hotswap_marks import mark_value, stack_functions
from tapgen.cloud.stack import describe_stack
from tapgen.code.package import upload_artifacts
from tapgen.deploy.code_swap import Sleep, swap, target_of
from tapgen.deploy.flow import Console, DeployPlan, DeployResult, read_outputs
from tapgen.deploy.hotswap import HotswapPlan, literal_variables, plan_hotswap
from tapgen.errors import EXIT_FINDINGS, EXIT_USAGE, DeployError
from tapgen.settings.names import ENVIRONMENT_SUFFIX
from tapgen.synth.naming import ARTIFACT_BUCKET

RETAINED_REFUSAL = (
    "--hotswap is refused for environments that retain data (retain_data = true): their functions run only "
    "code that a reviewed change set deployed. Deploy without --hotswap"
)
SETTLED = ("CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE")


def refuse_if_retained(retain_data: bool) -> None:
    if retain_data:
        raise DeployError(RETAINED_REFUSAL, EXIT_USAGE)


def hotswap(
    plan: DeployPlan, clients: Clients, console: Console, only: bool = False, sleep: Sleep = time.sleep
) -> DeployResult | None:
    """Hotswap the plan's code into its stack; None when a full deploy is needed (and `only` is False)."""
    refuse_if_retained(plan.retain_data)
    cfn = clients("cloudformation")
    deployed, checked = _compare(cfn, plan)
    if not checked.possible:
        if only:
            raise DeployError(f"--hotswap-only: cannot hotswap: {checked.reason()}; nothing changed", EXIT_FINDINGS)
        console.say(f"full deploy: a hotswap cannot do this change ({checked.reason()})")
        return None
    names = stack_functions(cfn, plan.stack_name)
    proposed = json.loads(plan.template)["Resources"]
    targets = [target_of(lid, names[lid], proposed[lid], plan.artifacts) for lid in sorted(checked.code)]
    lambda_client = clients("lambda")
    pending = [t for t in targets if _differs(lambda_client, t.function_name, t.checksum, t.variables)]
    if not pending:
        console.say(f"hotswap: every function of {plan.stack_name} already runs this code; nothing changed")
        return DeployResult(upload_artifacts(clients("s3"), plan.bucket, {}), None, True, _outputs(cfn, plan))
    keys = {t.key for t in pending}
    upload = upload_artifacts(clients("s3"), plan.bucket, {n: a for n, a in plan.artifacts.items() if a.s3_key in keys})
    for key in upload.uploaded:
        console.say(f"uploaded s3://{plan.bucket}/{key}")
    by_key = {a.s3_key: a for a in plan.artifacts.values()}
    old = deployed.get("Resources", {})
    for target in pending:
        resource = old.get(target.logical_id, {})
        as_template = _code_key(resource) == target.key and literal_variables(resource) == dict(target.variables)
        mark = None if as_template else mark_value(by_key[target.key].sha256)
        changed = swap(lambda_client, plan.bucket, target, mark, sleep)
        state = "its template's code again, mark removed" if mark is None else "marked tapgen:hotswapped"
        console.say(f"hotswapped {target.logical_id}: {', '.join(changed)}; CodeSha256 verified; {state}")
    console.say(f"hotswap done: {len(pending)} function(s) updated, no change set, the stack's template unchanged")
    return DeployResult(upload, None, True, _outputs(cfn, plan))


def _compare(cfn: Any, plan: DeployPlan) -> tuple[dict[str, Any], HotswapPlan]:
    stack = describe_stack(cfn, plan.stack_name)
    if stack is None:
        return {}, HotswapPlan({}, {}, (f"stack {plan.stack_name} does not exist yet",))
    if stack["StackStatus"] not in SETTLED:
        return {}, HotswapPlan({}, {}, (f"stack {plan.stack_name} is {stack['StackStatus']}",))
    deployed = deployed_template(cfn, stack["StackId"])
    parameters = {ARTIFACT_BUCKET: plan.bucket, ENVIRONMENT_SUFFIX: plan.suffix}
    return deployed, plan_hotswap(deployed, json.loads(plan.template), stack_parameters(stack), parameters)


def _differs(lambda_client: Any, name: str, checksum: str, variables: dict[str, str] | Any) -> bool:
    config = lambda_client.get_function_configuration(FunctionName=name)
    current = config.get("Environment", {}).get("Variables", {})
    return bool(config.get("CodeSha256") != checksum or any(current.get(k) != v for k, v in variables.items()))


def _code_key(resource: dict[str, Any]) -> str:
    key = resource.get("Properties", {}).get("Code", {}).get("S3Key")
    return key if isinstance(key, str) else ""


def _outputs(cfn: Any, plan: DeployPlan) -> dict[str, str]:
    return read_outputs(cfn, plan.stack_name)
