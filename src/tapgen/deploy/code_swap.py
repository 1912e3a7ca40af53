"""Putting a zip into a function directly (UpdateFunctionCode), verified by CodeSha256, with its mark.

Used by `deploy --hotswap` (mark on: the function runs code its template does not name) and by every full
deploy (a marked function gets its template's code and variables back, verified, and loses the mark).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tapgen.cloud.clients import Clients
from tapgen.cloud.hotswap_marks import MARK_TAG, function_tags, stack_functions
from tapgen.code.artifacts import FunctionArtifact
from tapgen.code.package import sha256_checksum
from tapgen.deploy.hotswap import literal_variables
from tapgen.errors import DeployError

Sleep = Callable[[float], None]
UPDATE_TIMEOUT = 300.0  # seconds for Lambda to finish an update (it takes seconds)
POLL_EVERY = 0.5


@dataclass(frozen=True)
class CodeTarget:
    """What one function must run: the zip at `key` (its CodeSha256 `checksum`) and these plain variables."""

    logical_id: str
    function_name: str
    key: str
    checksum: str  # base64 SHA-256, as Lambda's CodeSha256
    variables: Mapping[str, str]


def swap(lambda_client: Any, bucket: str, target: CodeTarget, mark: str | None, sleep: Sleep = time.sleep) -> list[str]:
    """Make the function run `target`: what changed ("code", variable names); tagged with `mark`, or untagged
    when `mark` is None. The tag goes on before the code changes, so an interrupted swap is never unmarked."""
    config = lambda_client.get_function_configuration(FunctionName=target.function_name)
    current = config.get("Environment", {}).get("Variables", {})
    wrong = {name: value for name, value in target.variables.items() if current.get(name) != value}
    code_differs = config.get("CodeSha256") != target.checksum
    arn = config["FunctionArn"]
    if mark is not None and (code_differs or wrong):
        lambda_client.tag_resource(Resource=arn, Tags={MARK_TAG: mark})
    changed: list[str] = []
    if code_differs:
        lambda_client.update_function_code(FunctionName=target.function_name, S3Bucket=bucket, S3Key=target.key)
        config = wait_for_update(lambda_client, target.function_name, sleep)
        changed.append("code")
    if wrong:
        variables = {**current, **wrong}
        lambda_client.update_function_configuration(
            FunctionName=target.function_name, Environment={"Variables": variables}
        )
        config = wait_for_update(lambda_client, target.function_name, sleep)
        changed.extend(sorted(wrong))
    if config.get("CodeSha256") != target.checksum:
        raise DeployError(
            f"{target.logical_id} runs code with SHA-256 {config.get('CodeSha256')} after the update, "
            f"not {target.key} ({target.checksum})"
        )
    if mark is None and MARK_TAG in function_tags(lambda_client, target.function_name):
        lambda_client.untag_resource(Resource=arn, TagKeys=[MARK_TAG])
    return changed


def wait_for_update(
    lambda_client: Any, function_name: str, sleep: Sleep = time.sleep, timeout: float = UPDATE_TIMEOUT
) -> dict[str, Any]:
    """The configuration once `LastUpdateStatus` is Successful; DeployError when it failed or took too long."""
    waited = 0.0
    while True:
        config: dict[str, Any] = lambda_client.get_function_configuration(FunctionName=function_name)
        status = config.get("LastUpdateStatus", "Successful")
        if status == "Successful":
            return config
        if status == "Failed":
            reason = config.get("LastUpdateStatusReason", "no reason given")
            raise DeployError(f"Lambda failed to update {function_name}: {reason}")
        if waited >= timeout:
            raise DeployError(f"{function_name} is still updating after {timeout:.0f}s (LastUpdateStatus {status})")
        sleep(POLL_EVERY)
        waited += POLL_EVERY


def target_of(
    logical_id: str, function_name: str, resource: Mapping[str, Any], artifacts: Mapping[str, FunctionArtifact]
) -> CodeTarget:
    """The code and plain variables a template's function resource names; DeployError for a zip not built here."""
    key = resource.get("Properties", {}).get("Code", {}).get("S3Key")
    by_key = {artifact.s3_key: artifact for artifact in artifacts.values()}
    artifact = by_key.get(key) if isinstance(key, str) else None
    if artifact is None or not isinstance(key, str):
        raise DeployError(f"{logical_id} names code tapgen did not build ({key!r}): cannot put it in place")
    return CodeTarget(logical_id, function_name, key, sha256_checksum(artifact.zip_bytes), literal_variables(resource))


def restore_hotswapped(
    clients: Clients,
    stack: str,
    template: Mapping[str, Any],
    artifacts: Mapping[str, FunctionArtifact],
    bucket: str,
    say: Callable[[str], None],
    sleep: Sleep = time.sleep,
) -> list[str]:
    """After a full deploy: each function marked as hotswapped runs its template's code and variables again,
    verified, and loses the mark (even when the change set was empty). The logical ids restored."""
    lambda_client = clients("lambda")
    resources = template.get("Resources", {})
    restored: list[str] = []
    for logical_id, name in sorted(stack_functions(clients("cloudformation"), stack).items()):
        if MARK_TAG not in function_tags(lambda_client, name):
            continue
        target = target_of(logical_id, name, resources.get(logical_id, {}), artifacts)
        changed = swap(lambda_client, bucket, target, None, sleep)
        what = f" ({', '.join(changed)} put back)" if changed else ""
        say(f"{logical_id} was hotswapped: it runs its template's code {target.key} again{what}; mark removed")
        restored.append(logical_id)
    return restored
