"""Account pinning: every command that touches AWS checks the caller before it writes or reads anything."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner
from moto import mock_aws

from tapgen.cli import main
from tests.conftest import CONTRACT

PINNED = "111122223333"  # moto answers as 123456789012


def pin(config: Path, env: str, account: str) -> None:
    lines = config.read_text(encoding="utf-8").splitlines()
    header = lines.index(f"[env.{env}]")
    lines.insert(header + 1, f'account = "{account}"')
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["package", "--env", "staging", "--bucket", "artifacts"], id="package"),
        pytest.param(["deploy", "--env", "staging", "--bucket", "artifacts", "--yes"], id="deploy"),
        pytest.param(["outputs", "--env", "staging"], id="outputs"),
        pytest.param(["destroy", "--env", "staging", "--yes"], id="destroy"),
    ],
)
def test_a_pinned_environment_refuses_credentials_of_another_account(fresh_project: Path, command: list[str]) -> None:
    pin(fresh_project, "staging", PINNED)
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="artifacts")
        result = CliRunner().invoke(main, [*command, "--config", str(fresh_project)])
        uploaded = s3.list_objects_v2(Bucket="artifacts").get("KeyCount", 0)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (
        f"error: these credentials are for account 123456789012, but [env.staging] account is {PINNED}: "
        "nothing was touched; use credentials (--profile) for the pinned account"
    )
    assert uploaded == 0


def test_the_pinned_account_itself_is_accepted(fresh_project: Path) -> None:
    pin(fresh_project, "staging", "123456789012")
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="artifacts")
        args = ["package", "--env", "staging", "--bucket", "artifacts", "--config", str(fresh_project)]
        result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert f"{len(CONTRACT.FUNCTIONS)} uploaded" in result.stderr
