"""`tapgen package` from the outside: what it prints, and its errors."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner
from moto import mock_aws

from tapgen.cli import main
from tapgen.code.artifacts import build_artifacts
from tapgen.local.emulator import announced, running, state_file
from tests.conftest import CONTRACT


def test_uploads_then_skips(fresh_project: Path, monkeypatch: object) -> None:
    keys = [a.s3_key for a in build_artifacts(fresh_project.parent / "lambdas").values()]
    args = ["package", "--env", "dev", "--bucket", "artifacts", "--config", str(fresh_project)]
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="artifacts")
        first = CliRunner().invoke(main, args)
        second = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines() == [f"uploaded {key}" for key in keys]
    assert second.stdout.splitlines() == [f"skipped {key}" for key in keys]
    assert f"0 uploaded, {len(keys)} already present" in second.stderr


def test_unknown_environment_is_a_usage_error(fresh_project: Path) -> None:
    result = CliRunner().invoke(
        main, ["package", "--env", "qa", "--bucket", "artifacts", "--config", str(fresh_project)]
    )
    assert result.exit_code == 2
    assert "qa" in result.stderr and "Traceback" not in result.output


def test_bucket_is_required(fresh_project: Path) -> None:
    result = CliRunner().invoke(main, ["package", "--env", "dev", "--config", str(fresh_project)])
    assert result.exit_code == 2
    assert "--bucket" in result.stderr


def test_missing_credentials_read_as_one_line(fresh_project: Path, no_aws_account: None) -> None:
    result = CliRunner().invoke(
        main, ["package", "--env", "dev", "--bucket", "artifacts", "--config", str(fresh_project)]
    )
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: no AWS credentials found: set AWS_PROFILE or --profile, export credentials, "
        "or use --local for an embedded emulator"
    ]


def test_local_packages_into_the_running_emulator_of_the_environment(fresh_project: Path) -> None:
    with running("us-east-1") as local, announced(state_file(fresh_project, "dev"), local):
        local.client("s3").create_bucket(Bucket="artifacts")
        args = ["package", "--env", "dev", "--bucket", "artifacts", "--local", "--config", str(fresh_project)]
        result = CliRunner().invoke(main, args)
        stored = local.client("s3").list_objects_v2(Bucket="artifacts")["KeyCount"]
    assert result.exit_code == 0, result.output
    assert stored == len(CONTRACT.FUNCTIONS)


def test_local_takes_no_profile(fresh_project: Path) -> None:
    args = ["package", "--env", "dev", "--bucket", "artifacts", "--local", "--profile", "x"]
    args += ["--config", str(fresh_project)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "--local runs its own emulator" in result.stderr


@pytest.mark.parametrize("bucket", ["My_Bucket", "a", "../x", "b" * 64])
@pytest.mark.parametrize("command", ["package", "deploy"])
def test_a_bucket_name_s3_would_refuse_is_a_usage_error(fresh_project: Path, command: str, bucket: str) -> None:
    args = [command, "--env", "dev", "--bucket", bucket, "--yes", "--config", str(fresh_project)]
    result = CliRunner().invoke(main, [a for a in args if command == "deploy" or a != "--yes"])
    assert result.exit_code == 2, result.output
    assert "must be an S3 bucket name" in result.stderr


def test_a_template_that_is_not_text_is_warned_about(fresh_project: Path) -> None:
    (fresh_project.parent / "templates" / "dev.json").write_bytes(b"\xff\xfe binary, not a template")
    args = ["package", "--env", "dev", "--bucket", "artifacts", "--config", str(fresh_project)]
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="artifacts")
        result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "dev.json does not reference tapgen/api/" in result.stderr
