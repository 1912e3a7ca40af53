"""`tapgen destroy` refusals: data-retaining environments, and nobody to confirm."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tapgen.cli import main


def test_environment_that_retains_data_is_never_destroyed(fresh_project: Path) -> None:
    result = CliRunner().invoke(main, ["destroy", "--env", "prod", "--yes", "--config", str(fresh_project)])
    assert result.exit_code == 2
    assert "retains data" in result.stderr


def test_without_a_terminal_it_needs_yes(fresh_project: Path) -> None:
    result = CliRunner().invoke(main, ["destroy", "--env", "dev", "--config", str(fresh_project)])
    assert result.exit_code == 2
    assert "pass --yes" in result.stderr
