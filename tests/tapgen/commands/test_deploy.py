"""`tapgen deploy` option and precondition errors: one line on stderr, the right exit code, no AWS call."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner
from moto import mock_aws

from tapgen.cli import main


def deploy(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["deploy", "--config", str(config), *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--env", "qa", "--bucket", "artifacts", "--yes"], 2, "qa"),
        (["--env", "dev", "--yes"], 2, "--bucket is required"),
        (["--env", "dev", "--bucket", "artifacts"], 2, "pass --yes"),
        (["--env", "dev", "--local", "--profile", "p", "--yes"], 2, "neither --profile nor --endpoint-url"),
        (["--env", "dev", "--bucket", "artifacts", "--keep", "--yes"], 2, "--keep applies to --local only"),
    ],
)
def test_bad_usage_exits_2_with_one_line(fresh_project: Path, args: list[str], code: int, message: str) -> None:
    exit_code, stderr = deploy(fresh_project, *args)
    assert exit_code == code
    assert message in stderr
    assert len(stderr.strip().splitlines()) == 1


def test_stale_template_is_refused_before_anything_is_uploaded(fresh_project: Path, no_aws_account: None) -> None:
    handler = fresh_project.parent / "lambdas" / "tap_api" / "handler.py"
    handler.write_text(handler.read_text() + "\n# changed after the render\n")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="artifacts")
        exit_code, stderr = deploy(fresh_project, "--env", "dev", "--bucket", "artifacts", "--yes")
        uploaded = s3.list_objects_v2(Bucket="artifacts").get("KeyCount", 0)
        stacks = boto3.client("cloudformation", region_name="us-east-1").list_stacks()["StackSummaries"]
    assert exit_code == 1
    assert "dev.json is stale" in stderr and "tapgen render --all" in stderr
    assert (uploaded, stacks) == (0, [])


def test_no_credentials_is_a_clear_configuration_error(fresh_project: Path, no_aws_account: None) -> None:
    exit_code, stderr = deploy(fresh_project, "--env", "dev", "--bucket", "artifacts", "--yes")
    assert exit_code == 2
    assert stderr.startswith("error: no AWS credentials found")


def test_unreachable_endpoint_is_a_clear_error(fresh_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    exit_code, stderr = deploy(
        fresh_project, "--env", "dev", "--bucket", "artifacts", "--yes", "--endpoint-url", "http://127.0.0.1:9"
    )
    assert exit_code == 1
    assert stderr.startswith("error: cannot reach AWS")


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--stack-name", "../prod", "--stack-name '../prod': must be a letter"),
        ("--stack-name", "tap prod", "--stack-name 'tap prod': must be a letter"),
        ("--stack-name", "", "--stack-name '': must be a letter"),
        ("--stack-name", "x" * 500, "(500 characters)"),
        ("--suffix", "PR544", "--suffix 'PR544': must match"),
        ("--suffix", "", "--suffix '': must match"),
    ],
)
@pytest.mark.parametrize("command", ["deploy", "outputs", "destroy"])
def test_stack_names_and_suffixes_are_checked_before_aws(
    fresh_project: Path, command: str, option: str, value: str, message: str
) -> None:
    args = [command, "--env", "dev", option, value, "--yes", "--bucket", "artifacts", "--config", str(fresh_project)]
    if command != "deploy":
        args = [a for a in args if a not in ("--bucket", "artifacts")]
    if command == "outputs":
        args.remove("--yes")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.splitlines()) == 1


def test_an_outputs_file_that_cannot_be_written_is_refused_before_deploying(
    fresh_project: Path, tmp_path: Path, no_aws_account: None
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    exit_code, stderr = deploy(
        fresh_project, "--env", "dev", "--bucket", "artifacts", "--yes", "--outputs-file", str(blocker / "o.json")
    )
    assert exit_code == 2
    assert stderr == (
        f"error: --outputs-file {blocker}: a part of this path is a file, where a directory is needed: "
        "move that file aside (checked before deploying)\n"
    )


def test_a_failed_outputs_write_after_a_deploy_says_the_deploy_succeeded(
    fresh_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tapgen.code.package import UploadReport
    from tapgen.commands import deploy as command
    from tapgen.deploy import flow, outputs

    target = tmp_path / "flat.json"

    def deployed(plan: flow.DeployPlan, clients: object, console: object) -> flow.DeployResult:
        return flow.DeployResult(UploadReport((), ()), None, True, {"ApiUrl": "https://api.example.com"})

    def disk_full(path: Path, values: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(command, "remote_clients", lambda *args: None)
    monkeypatch.setattr(flow, "deploy", deployed)
    monkeypatch.setattr(outputs, "write_outputs", disk_full)
    result = CliRunner().invoke(
        main,
        [
            "deploy",
            "--env",
            "dev",
            "--bucket",
            "artifacts",
            "--yes",
            "--outputs-file",
            str(target),
            "--config",
            str(fresh_project),
        ],
    )
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {"ApiUrl": "https://api.example.com"}
    assert result.stderr == (
        f"error: the deploy succeeded, but writing its outputs failed: {target}: no space left on the device: free "
        "some space and run again (the outputs are on stdout; `tapgen outputs --env dev --outputs-file PATH` "
        "writes them)\n"
    )
