"""What a retained environment can count on, on a moto server: protection that heals, destroy that refuses,
artifacts that are verified before they run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tapgen.code.artifacts import build_artifacts
from tapgen.deploy.stack import PROTECTIVE_POLICY
from tapgen.local.emulator import Emulator, create_bucket
from tests.e2e.conftest import Deployer, deployed

pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")]


def protection(stack: Deployer) -> tuple[bool, object]:
    cfn = stack.client("cloudformation")
    body = cfn.get_stack_policy(StackName=stack.stack_name).get("StackPolicyBody")
    return bool(stack.stack().get("EnableTerminationProtection")), json.loads(body) if body else None


def strip_protection(stack: Deployer) -> None:
    """What a stack created by `aws cloudformation deploy`, or left by an interrupted deploy, looks like."""
    cfn = stack.client("cloudformation")
    cfn.update_termination_protection(StackName=stack.stack_name, EnableTerminationProtection=False)
    cfn.set_stack_policy(StackName=stack.stack_name, StackPolicyBody=json.dumps({"Statement": []}))


def test_an_unchanged_deploy_of_a_retained_environment_restores_its_protection(
    emulator: Emulator, shared_project: Path
) -> None:
    stack = deployed(emulator, shared_project, "prod", "e2e-heal")
    strip_protection(stack)

    result = stack.deploy()

    assert result.exit_code == 0, result.output
    assert "no changes" in result.stderr
    assert "protection of tap-e2e-heal repaired: termination protection turned on" in result.stderr
    assert protection(stack) == (True, PROTECTIVE_POLICY)


def test_destroy_judges_the_stack_not_the_environment_named(emulator: Emulator, shared_project: Path) -> None:
    """`destroy --env dev` aimed at an unprotected prod stack deletes nothing."""
    stack = deployed(emulator, shared_project, "prod", "e2e-keep")
    strip_protection(stack)
    s3 = stack.client("s3")
    bucket = f"tap-{stack.suffix}-uploads-123456789012-us-east-1"
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    for body in (b"one", b"two"):
        s3.put_object(Bucket=bucket, Key="uploads/x/file.txt", Body=body)

    as_dev = Deployer(emulator, shared_project, "dev", stack.suffix)
    result = as_dev.tapgen("destroy", "--yes")

    assert result.exit_code == 1, result.output
    assert "refusing to destroy tap-e2e-keep" in result.stderr
    assert "retainData = true" in result.stderr and "DeletionPolicy keeps" in result.stderr
    assert len(s3.list_object_versions(Bucket=bucket)["Versions"]) == 2
    assert stack.stack()["StackStatus"] == "CREATE_COMPLETE"


@pytest.mark.parametrize("planted", ["zip", "template"])
def test_an_object_planted_at_a_content_key_is_never_deployed(
    emulator: Emulator, shared_project: Path, planted: str
) -> None:
    bucket = f"tapgen-e2e-planted-{planted}"
    create_bucket(emulator, bucket)
    stack = Deployer(emulator, shared_project, "dev", f"e2e-planted-{planted}")
    if planted == "zip":
        key = build_artifacts(shared_project.parent / "lambdas")["api"].s3_key
    else:
        import hashlib

        body = (shared_project.parent / "templates" / "dev.json").read_bytes()
        key = f"tapgen/templates/{stack.stack_name}/{hashlib.sha256(body).hexdigest()}.json"
    stack.client("s3").put_object(Bucket=bucket, Key=key, Body=b'{"Resources": {"Evil": {}}}')

    result = stack.tapgen("deploy", "--bucket", bucket, "--yes")

    assert result.exit_code == 1, result.output
    assert f"s3://{bucket}/{key} already exists with different content" in result.stderr
    stacks = stack.client("cloudformation").list_stacks()["StackSummaries"]
    assert not [s for s in stacks if s["StackName"] == stack.stack_name]
