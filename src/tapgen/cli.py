"""`tapgen`: machine output on stdout, messages on stderr; exit 0 ok, 1 a check found problems, 2 bad usage.

Each command imports what it needs when it runs, so `tapgen render` never pays for boto3 or cfn-lint.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from tapgen.config import DEFAULT_CONFIG, ConfigError, Settings, load_all, load_settings

EXIT_FINDINGS = 1
EXIT_USAGE = 2
F = TypeVar("F", bound=Callable[..., Any])


class TapgenError(Exception):
    """An error to report in one clear line; `exit_code` says whether it is a finding or a usage error."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def fail(message: str, exit_code: int = EXIT_USAGE) -> NoReturn:
    raise TapgenError(message, exit_code)


def say(message: str) -> None:
    """A message for the person at the terminal (stderr)."""
    click.echo(message, err=True)


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn every expected failure into a precise message and an exit code, never a traceback."""
    try:
        yield
    except ConfigError as error:
        for problem in error.problems:
            say(f"error: {error.source}: {problem}")
        sys.exit(EXIT_USAGE)
    except TapgenError as error:
        say(f"error: {error}")
        sys.exit(error.exit_code)
    except (FileNotFoundError, NotADirectoryError) as error:
        say(f"error: {error}")
        sys.exit(EXIT_USAGE)


def config_option(command: F) -> F:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path, dir_okay=False),
        default=DEFAULT_CONFIG,
        show_default=True,
        help="Settings file with [defaults] and [env.NAME] tables.",
    )(command)


def selected_settings(config_path: Path, env: str | None, all_envs: bool) -> list[Settings]:
    """The environments a command acts on: exactly one of --env and --all."""
    if bool(env) == all_envs:
        fail("give exactly one of --env NAME or --all")
    if all_envs:
        return load_all(config_path)
    assert env is not None
    return [load_settings(env, config_path)]


def templates_dir(config_path: Path) -> Path:
    """`templates/` beside the settings file, wherever the command runs from."""
    return config_path.parent / "templates"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tapgen")
def main() -> None:
    """Generate, check and ship the CloudFormation of the TAP service."""


@main.command()
@click.option("--env", "env", metavar="NAME", help="Print this environment's template to stdout.")
@click.option("--all", "all_envs", is_flag=True, help="Write templates/NAME.json for every environment.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a committed template is stale.")
@config_option
def render(env: str | None, all_envs: bool, check: bool, config_path: Path) -> None:
    """Render templates: print one (--env), write all (--all), or verify them (--check)."""
    from tapgen import render as rendering

    with reported_errors():
        environments = selected_settings(config_path, env, all_envs)
        out_dir = templates_dir(config_path)
        stale = []
        for settings in environments:
            text = rendering.render(settings)
            path = rendering.template_path(out_dir, settings)
            if check:
                stale.extend(s for s in [rendering.check(path, text)] if s)
            elif all_envs:
                say(f"{'wrote' if rendering.write(path, text) else 'unchanged'} {path}")
            else:
                click.echo(text, nl=False)
        for item in stale:
            click.echo(item.diff, nl=False)
            say(f"stale: {item.path} differs from `tapgen render` (run `tapgen render --all`)")
        if stale:
            sys.exit(EXIT_FINDINGS)
        if check:
            say(f"up to date: {', '.join(str(rendering.template_path(out_dir, s)) for s in environments)}")
