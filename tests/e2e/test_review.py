"""The broadening gate on a moto server: --yes alone never executes a broadening, --require-approval never does,
and --approve runs exactly the reviewed plan and refuses a stale one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tapgen.local.emulator import Emulator
from tests.e2e.conftest import Deployer

pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")]


def change_sets(stack: Deployer) -> list[object]:
    cfn = stack.client("cloudformation")
    try:
        summaries = cfn.list_change_sets(StackName=stack.stack_name)["Summaries"]
    except cfn.exceptions.ClientError:
        return []
    # moto lists the change sets of every stack here, whatever StackName says.
    return [summary for summary in summaries if summary["StackName"] == stack.stack_name]


def executed(stack: Deployer) -> bool:
    cfn = stack.client("cloudformation")
    try:
        status = cfn.describe_stacks(StackName=stack.stack_name)["Stacks"][0]["StackStatus"]
    except cfn.exceptions.ClientError:
        return False
    return str(status) != "REVIEW_IN_PROGRESS"


def plan(stack: Deployer, path: Path) -> Path:
    result = stack.tapgen("diff", "--format", "json")
    assert result.exit_code == 0, result.output
    path.write_text(result.stdout, encoding="utf-8")
    return path


def test_a_broadening_deploy_with_yes_alone_is_refused_and_changes_nothing(
    emulator: Emulator, shared_project: Path
) -> None:
    stack = Deployer(emulator, shared_project, "dev", "e2e-gate-refused")
    result = stack.deploy("--require-approval", "broadening")
    assert result.exit_code == 1
    assert "refusing to execute" in result.stderr
    assert "ApiRole Policies/api-function added (broadening)" in result.stderr  # each broadening named
    assert "Security changes" in result.stderr  # the section as diff shows it, before the refusal
    assert not executed(stack)
    assert change_sets(stack) == []


def test_require_approval_never_executes(emulator: Emulator, shared_project: Path) -> None:
    stack = Deployer(emulator, shared_project, "dev", "e2e-gate-never")
    result = stack.deploy("--require-approval", "never")
    assert result.exit_code == 0, result.output
    assert "BROADENING" in result.stderr
    assert executed(stack)


def test_a_stale_plan_is_refused_naming_what_differs(emulator: Emulator, shared_project: Path, tmp_path: Path) -> None:
    stack = Deployer(emulator, shared_project, "dev", "e2e-gate-stale")
    stale = json.loads(plan(stack, tmp_path / "plan.json").read_text())
    dropped = stale["security"].pop()
    (tmp_path / "stale.json").write_text(json.dumps(stale))
    result = stack.deploy("--approve", str(tmp_path / "stale.json"))
    assert result.exit_code == 1
    assert "differ from the approved plan" in result.stderr
    assert f"not in the plan: {dropped['resource']} {dropped['policy']}" in result.stderr
    assert not executed(stack)
    assert change_sets(stack) == []


# A stack of its own: moto, unlike CloudFormation, makes a second stack of the same name when a stack left in
# review by a refused deploy takes a new CREATE change set.
def test_an_approved_plan_executes(emulator: Emulator, shared_project: Path, tmp_path: Path) -> None:
    stack = Deployer(emulator, shared_project, "dev", "e2e-gate-approved")
    result = stack.deploy("--approve", str(plan(stack, tmp_path / "plan.json")))
    assert result.exit_code == 0, result.output
    assert "approved by the plan" in result.stderr
    assert executed(stack)


@pytest.mark.parametrize(
    ("content", "message"),
    [("{", "is not JSON"), ('{"formatVersion": 1, "security": [1]}', "must be a list of security changes")],
)
def test_a_malformed_plan_is_a_usage_error_before_anything_runs(
    emulator: Emulator, shared_project: Path, tmp_path: Path, content: str, message: str
) -> None:
    stack = Deployer(emulator, shared_project, "dev", "e2e-gate-malformed")
    (tmp_path / "plan.json").write_text(content)
    result = stack.deploy("--approve", str(tmp_path / "plan.json"))
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert change_sets(stack) == [] and not executed(stack)
