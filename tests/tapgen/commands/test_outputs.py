"""`tapgen outputs`: flat JSON on stdout and in the file; errors in one line."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
from click.testing import CliRunner
from moto import mock_aws

from tapgen.cli import main

TEMPLATE = {
    "Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "q"}}},
    "Outputs": {"QueueUrl": {"Value": {"Ref": "Queue"}}, "Name": {"Value": "tap"}},
}


def test_prints_and_writes_flat_outputs(fresh_project: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "flat.json"
    with mock_aws():
        boto3.client("cloudformation", region_name="us-east-1").create_stack(
            StackName="tap-dev", TemplateBody=json.dumps(TEMPLATE)
        )
        result = CliRunner().invoke(
            main, ["outputs", "--env", "dev", "--outputs-file", str(target), "--config", str(fresh_project)]
        )
    assert result.exit_code == 0, result.output
    outputs = json.loads(result.stdout)
    assert outputs["Name"] == "tap" and outputs["QueueUrl"].endswith("/q")
    assert json.loads(target.read_text()) == outputs


def test_missing_stack_is_an_error(fresh_project: Path) -> None:
    with mock_aws():
        result = CliRunner().invoke(main, ["outputs", "--env", "dev", "--config", str(fresh_project)])
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: stack tap-dev does not exist"


def test_local_without_a_running_emulator_says_how_to_start_one(fresh_project: Path) -> None:
    result = CliRunner().invoke(main, ["outputs", "--env", "dev", "--local", "--config", str(fresh_project)])
    assert result.exit_code == 2
    assert "tapgen deploy --env NAME --local --keep" in result.stderr


def test_an_outputs_file_that_cannot_be_written_still_prints_them(fresh_project: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    with mock_aws():
        boto3.client("cloudformation", region_name="us-east-1").create_stack(
            StackName="tap-dev", TemplateBody=json.dumps(TEMPLATE)
        )
        result = CliRunner().invoke(
            main,
            ["outputs", "--env", "dev", "--outputs-file", str(blocker / "o.json"), "--config", str(fresh_project)],
        )
    assert result.exit_code == 2
    assert json.loads(result.stdout)["Name"] == "tap"
    assert result.stderr == (
        f"error: cannot write the outputs: {blocker}: exists but is not a directory, where one is needed: "
        "move it aside\n"
    )
