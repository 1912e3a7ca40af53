"""What every command shares: error reporting, exit codes, option decorators, environment selection.

Machine output goes to stdout, messages to stderr; exit 0 ok, 1 a check found problems, 2 bad usage.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click

from tapgen.errors import EXIT_USAGE, TapgenError, fail
from tapgen.files import os_error_line
from tapgen.settings import DEFAULT_CONFIG, ConfigError, Settings, load_all, load_settings

PROBLEMS_SHOWN = 20  # a file of thousands of bad keys gets a screenful, and a count of the rest
F = TypeVar("F", bound=Callable[..., Any])


def say(message: str) -> None:
    """A message for the person at the terminal (stderr); when stderr itself is gone, the exit code still tells."""
    try:
        click.echo(message, err=True)
    except OSError:
        _discard(sys.stderr)


def say_error(message: str) -> None:
    """`error: MESSAGE` on one visible line, however odd the paths or values it quotes."""
    visible = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
    say(f"error: {shortened(visible, 1000)}")


def shortened(text: str, keep: int = 300) -> str:
    """`text` whole when short, else its start and its length: a message must not echo a huge argument."""
    return text if len(text) <= keep else f"{text[:keep]}… ({len(text):,} characters)"


def emit(text: str) -> None:
    """Machine output on stdout, flushed now: a full disk or a closed pipe is reported here, not lost at exit."""
    try:
        click.echo(text, nl=False)
        sys.stdout.flush()
    except OSError as error:
        _discard(sys.stdout)
        raise TapgenError(os_error_line(error, "standard output")) from None


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn every expected failure into a precise message and an exit code, never a traceback.

    A file-system failure (OSError) is a usage error: the path given or the place it points to must change.
    """
    try:
        yield
    except ConfigError as error:
        for problem in error.problems[:PROBLEMS_SHOWN]:
            say_error(f"{error.source}: {problem}")
        if len(error.problems) > PROBLEMS_SHOWN:
            say_error(f"{error.source}: {len(error.problems) - PROBLEMS_SHOWN:,} more problems not shown")
        sys.exit(EXIT_USAGE)
    except TapgenError as error:
        say_error(str(error))
        sys.exit(error.exit_code)
    except OSError as error:
        say_error(os_error_line(error))
        sys.exit(EXIT_USAGE)


@contextmanager
def flushed_stdout() -> Iterator[None]:
    """The last net around a whole run: an OSError that escaped a command, or stdout failing at its final
    flush (a full disk, a closed pipe), becomes one error line and exit 2 instead of a traceback."""
    failed_already = False
    try:
        yield
    except SystemExit as done:
        failed_already = done.code not in (0, None)
        raise
    except OSError as error:
        failed_already = True
        if error.filename is None:  # click's own writes (help, version): stdout is what failed
            _discard(sys.stdout)
        say_error(os_error_line(error, None if error.filename else "standard output"))
        sys.exit(EXIT_USAGE)
    finally:
        try:
            sys.stdout.flush()
        except OSError as error:
            _discard(sys.stdout)
            if not failed_already:  # one line per run: a command that failed has said why
                say_error(os_error_line(error, "standard output"))
                sys.exit(EXIT_USAGE)


def _discard(stream: TextIO) -> None:
    """Point a failed stream at /dev/null, so what it still buffers cannot fail the interpreter's flush at exit
    (which would end the run with exit 120 instead of tapgen's code)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real file descriptor (a test runner's stream): nothing flushes at exit
        pass


def env_option(help_text: str, *, required: bool = False) -> Callable[[F], F]:
    """`--env NAME`, completing the environment names of the settings file (--config, else tapgen.toml)."""
    return click.option(
        "--env",
        "env",
        metavar="NAME",
        required=required,
        help=help_text,
        shell_complete=complete_environment,
    )


def complete_environment(ctx: click.Context, _: click.Parameter, incomplete: str) -> list[str]:
    """Environment names for shell completion: the [env.*] tables, unvalidated; nothing at all on any error."""
    import tomllib

    try:
        path = ctx.params.get("config_path") or DEFAULT_CONFIG
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        names = document.get("env", {})
        return sorted(name for name in names if isinstance(name, str) and name.startswith(incomplete))
    except (OSError, ValueError, AttributeError):  # completion must never print or fail
        return []


def examples(*lines: str) -> str:
    """A command's help epilog: example invocations, shown verbatim after the options."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


def format_option(uses: Mapping[str, str]) -> Callable[[F], F]:
    """--format as `output_format`: one of `uses` (name → what it is for; the first is the default), all in the help."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(list(uses)),
        default=next(iter(uses)),
        show_default=True,
        help=", ".join(f"{name} {use}" for name, use in uses.items()) + ".",
    )


class PathType(click.Path):
    """click.Path whose every bad name is a usage error: one with a NUL byte makes os.stat raise ValueError,
    which click (8.3 and later) lets through as a traceback."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except ValueError as error:
            self.fail(f"{value!r}: {error}", param, ctx)


def file_option(*names: str, default: str | Path, help_text: str) -> Callable[[F], F]:
    """An option naming a file (not a directory) as a Path, its default shown in the help."""
    return click.option(
        *names, type=PathType(path_type=Path, dir_okay=False), default=default, show_default=True, help=help_text
    )


def config_option(command: F) -> F:
    help_text = "Settings file with [defaults] and [env.NAME] tables."
    return file_option("--config", "config_path", default=DEFAULT_CONFIG, help_text=help_text)(command)


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
