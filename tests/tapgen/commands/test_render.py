"""`tapgen render` from the outside: output streams, exit codes, and the staleness check."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tapgen.cli import main
from tapgen.graph.document import ARCHITECTURE_DOC, architecture_markdown
from tests.conftest import CONFIG, ENVIRONMENTS, ROOT, rendered_text


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The real console entry point in a subprocess, as a user or pipeline runs it."""
    return subprocess.run(
        [sys.executable, "-m", "tapgen", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's settings, lambdas, templates and architecture page that a test may change."""
    shutil.copy(CONFIG, tmp_path / "tapgen.toml")
    shutil.copytree(ROOT / "lambdas", tmp_path / "lambdas", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    (tmp_path / "docs").mkdir()
    shutil.copy(ROOT / ARCHITECTURE_DOC, tmp_path / ARCHITECTURE_DOC)
    return tmp_path / "tapgen.toml"


def test_env_prints_the_template_on_stdout() -> None:
    result = run("render", "--env", "prod")
    assert result.returncode == 0, result.stderr
    assert result.stdout == rendered_text("prod")
    assert json.loads(result.stdout)["Parameters"]["EnvironmentSuffix"]["Default"] == "prod"


def test_check_passes_on_committed_templates() -> None:
    result = run("render", "--all", "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_fails_with_a_diff_after_a_settings_change(project: Path) -> None:
    project.write_text(project.read_text().replace("log_retention_days = 365", "log_retention_days = 400"))
    result = CliRunner().invoke(main, ["render", "--all", "--check", "--config", str(project)])
    assert result.exit_code == 1
    assert "stale: " in result.stderr and "prod.json" in result.stderr
    changed = [line.replace(" ", "") for line in result.stdout.splitlines()]
    assert '-"RetentionInDays":365,' in changed
    assert '+"RetentionInDays":400,' in changed


def test_check_of_one_env_names_only_that_file(project: Path) -> None:
    project.write_text(project.read_text().replace("log_retention_days = 365", "log_retention_days = 400"))
    assert CliRunner().invoke(main, ["render", "--env", "dev", "--check", "--config", str(project)]).exit_code == 0
    assert CliRunner().invoke(main, ["render", "--env", "prod", "--check", "--config", str(project)]).exit_code == 1


def test_all_rewrites_only_changed_templates(project: Path) -> None:
    project.write_text(project.read_text().replace("log_retention_days = 365", "log_retention_days = 400"))
    result = CliRunner().invoke(main, ["render", "--all", "--config", str(project)])
    assert result.exit_code == 0, result.output
    assert "wrote " in result.stderr and "prod.json" in result.stderr
    assert "unchanged " in result.stderr and "dev.json" in result.stderr
    assert '"RetentionInDays": 400' in (project.parent / "templates" / "prod.json").read_text()
    assert CliRunner().invoke(main, ["render", "--all", "--check", "--config", str(project)]).exit_code == 0


def test_missing_template_is_stale(project: Path) -> None:
    (project.parent / "templates" / "staging.json").unlink()
    result = CliRunner().invoke(main, ["render", "--all", "--check", "--config", str(project)])
    assert result.exit_code == 1
    assert "staging.json does not exist" in result.stdout


def test_check_fails_when_the_architecture_page_is_stale(project: Path) -> None:
    page = project.parent / ARCHITECTURE_DOC
    page.write_text(page.read_text().replace("ImageRole -.->", "ImageRole -->", 1))
    result = CliRunner().invoke(main, ["render", "--all", "--check", "--config", str(project)])
    assert result.exit_code == 1
    assert "stale: " in result.stderr and "architecture.md" in result.stderr
    assert "-  ImageRole -->" in result.stdout


def test_all_regenerates_the_architecture_page_from_the_prod_render(project: Path) -> None:
    page = project.parent / ARCHITECTURE_DOC
    page.unlink()
    result = CliRunner().invoke(main, ["render", "--all", "--check", "--config", str(project)])
    assert result.exit_code == 1 and "architecture.md does not exist" in result.stdout
    result = CliRunner().invoke(main, ["render", "--all", "--config", str(project)])
    assert result.exit_code == 0, result.output
    assert f"wrote {page}" in result.stderr
    assert page.read_text() == architecture_markdown(json.loads(rendered_text("prod")), "prod")
    assert CliRunner().invoke(main, ["render", "--all", "--check", "--config", str(project)]).exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["render", "--env", "qa"],
            f"unknown environment 'qa'; defined: {', '.join(sorted(ENVIRONMENTS))}",
            id="unknown-env",
        ),
        pytest.param(["render"], "give exactly one of --env NAME or --all", id="no-selection"),
        pytest.param(["render", "--env", "dev", "--all"], "give exactly one of --env NAME or --all", id="both"),
        pytest.param(["render", "--all", "--config", "/nonexistent/tapgen.toml"], "file not found", id="no-config"),
    ],
)
def test_usage_errors_exit_two_without_traceback(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_invalid_setting_exits_two_naming_env_key_value(project: Path) -> None:
    project.write_text(project.read_text().replace("throttling_rate = 1000", "throttling_rate = -5"))
    result = run("render", "--env", "prod", "--config", str(project))
    assert result.returncode == 2
    assert "[env.prod] api.throttling_rate = -5: must be an integer from 1 to 10000" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_lambda_code_is_a_clear_error(project: Path) -> None:
    (project.parent / "lambdas" / "tap_api" / "handler.py").unlink()
    result = run("render", "--env", "dev", "--config", str(project))
    assert result.returncode == 2
    assert "handler module 'tap_api.handler' not found" in result.stderr
    assert "Traceback" not in result.stderr
