"""What every command shares: error reporting, exit codes, option decorators, environment selection.

Machine output goes to stdout, messages to stderr; exit 0 ok, 1 a check found problems, 2 bad usage.
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
