"""`tapgen diff`: usage errors in one line (the comparison itself is proven end to end in tests/e2e)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tapgen.cli import main


def test_local_without_a_running_emulator_says_how_to_start_one(fresh_project: Path) -> None:
    result = CliRunner().invoke(main, ["diff", "--env", "dev", "--local", "--config", str(fresh_project)])
    assert result.exit_code == 2
    assert "tapgen deploy --env NAME --local --keep" in result.stderr


def test_an_unknown_format_is_a_usage_error(fresh_project: Path) -> None:
    result = CliRunner().invoke(main, ["diff", "--env", "dev", "--format", "yaml", "--config", str(fresh_project)])
    assert result.exit_code == 2


def test_no_credentials_is_one_line(fresh_project: Path, no_aws_account: None) -> None:
    result = CliRunner().invoke(main, ["diff", "--env", "dev", "--config", str(fresh_project)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no AWS credentials found") and "Traceback" not in result.output
