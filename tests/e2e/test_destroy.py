"""`tapgen destroy` leaves nothing behind; `deploy --local` works with no AWS account at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from tapgen.cli import main
from tapgen.local.emulator import Emulator
from tests.e2e.conftest import copy_project, deployed

pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")]


def test_destroy_empties_versioned_buckets_and_deletes_everything(emulator: Emulator, shared_project: Path) -> None:
    stack = deployed(emulator, shared_project, "dev", "e2e-destroy")
    s3 = stack.client("s3")
    bucket = f"tap-{stack.suffix}-uploads-123456789012-us-east-1"
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    for body in (b"one", b"two"):
        s3.put_object(Bucket=bucket, Key="uploads/x/file.txt", Body=body)
    s3.delete_object(Bucket=bucket, Key="uploads/x/file.txt")  # leaves a delete marker
    stack_id = stack.stack()["StackId"]

    result = stack.tapgen("destroy", "--yes")

    assert result.exit_code == 0, result.output
    assert "3 object version(s) deleted" in result.stderr
    cfn = stack.client("cloudformation")
    assert cfn.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"] == "DELETE_COMPLETE"
    buckets = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert not [name for name in buckets if stack.suffix in name]
    assert not [t for t in stack.client("dynamodb").list_tables()["TableNames"] if stack.suffix in t]
    functions = stack.client("lambda").list_functions()["Functions"]
    assert not [f for f in functions if stack.suffix in f["FunctionName"]]
    queues = stack.client("sqs").list_queues().get("QueueUrls", [])
    assert not [q for q in queues if stack.suffix in q]
    roles = stack.client("iam").list_roles()["Roles"]
    assert not [r for r in roles if stack.suffix in r["RoleName"]]


def test_destroy_of_a_missing_stack_says_so(emulator: Emulator, shared_project: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["destroy", "--env", "dev", "--suffix", "e2e-absent", "--yes", "--endpoint-url", emulator.endpoint_url,
         "--config", str(shared_project)],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "does not exist" in result.stderr and "Traceback" not in result.output


def test_local_deploy_needs_no_account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`tapgen deploy --env dev --local` on a machine with no AWS configuration at all."""
    config = copy_project(tmp_path)
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.aws either
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(main, ["deploy", "--env", "dev", "--local", "--yes", "--config", str(config)])

    assert result.exit_code == 0, result.output
    assert "smoke test passed" in result.stderr
    assert (tmp_path / "cfn-outputs" / "flat-outputs.json").is_file()
    assert '"UploadsBucketName"' in result.stdout
    assert not [n for n in os.environ if n.startswith("AWS_")]  # the emulator's settings did not leak
