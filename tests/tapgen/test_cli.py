"""The CLI's own promises: exit codes in `tapgen --help`, examples in every command's help, completion of --env."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tapgen.cli import COMMANDS, main
from tests.conftest import CONFIG, ENVIRONMENTS, ROOT


def test_top_level_help_states_the_exit_codes() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for code in ("0  success", "1  a check found problems", "2  bad usage or configuration"):
        assert code in result.output


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_help_ends_with_examples(name: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    examples = result.output.split("Examples:", 1)[1].strip().splitlines()
    assert examples and all(line.strip().startswith(f"tapgen {name} ") for line in examples)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_option_says_what_it_is_for(name: str) -> None:
    command = main.get_command(click.Context(main), name)
    assert command is not None
    undocumented = [p.name for p in command.params if isinstance(p, click.Option) and not p.help]
    assert undocumented == []


def completions(name: str, incomplete: str, config: Path | None = None) -> list[str]:
    command = main.get_command(click.Context(main), name)
    assert command is not None
    context = command.make_context(name, ["--config", str(config)] if config else [], resilient_parsing=True)
    env = next(p for p in command.params if p.name == "env")
    return [item.value for item in env.shell_complete(context, incomplete)]


@pytest.mark.parametrize("name", list(COMMANDS))
def test_env_completes_the_environments_of_the_settings_file(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert completions(name, "") == sorted(ENVIRONMENTS)
    assert completions(name, "p") == sorted(e for e in ENVIRONMENTS if e.startswith("p"))


def test_completion_reads_the_config_option_and_never_fails(tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text("[env.alpha]\n[env.beta]\n")
    assert completions("deploy", "", other) == ["alpha", "beta"]
    broken = tmp_path / "broken.toml"
    broken.write_text("[env.\x00")
    assert completions("deploy", "", broken) == []
    assert completions("deploy", "", tmp_path / "missing.toml") == []


def test_bash_completion_through_the_installed_command() -> None:
    environment = {**os.environ, "_TAPGEN_COMPLETE": "bash_complete", "COMP_WORDS": "tapgen deploy --env st"}
    environment["COMP_CWORD"] = "3"
    tapgen = Path(sys.executable).with_name("tapgen")
    done = subprocess.run([tapgen], cwd=CONFIG.parent, env=environment, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["plain,staging"]


def test_the_executable_runs_main_with_the_collector_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    import tomllib

    import tapgen.cli

    frozen: list[str] = []
    monkeypatch.setattr(tapgen.cli.gc, "freeze", lambda: frozen.append("frozen"))
    monkeypatch.setattr(sys, "argv", ["tapgen", "render", "--all", "--check", "--config", str(CONFIG)])
    with pytest.raises(SystemExit) as exit_info:
        tapgen.cli.run()
    assert exit_info.value.code == 0
    assert len(frozen) == 2  # before the command, and after it on the way out
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"tapgen": "tapgen.cli:run"}
    assert (ROOT / "src" / "tapgen" / "__main__.py").read_text().splitlines()[0] == "from tapgen.cli import run"


def test_python_m_tapgen_prints_the_committed_template() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tapgen", "render", "--env", "prod", "--config", str(CONFIG)],
        capture_output=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "lambdas")])},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (ROOT / "templates" / "prod.json").read_bytes()
