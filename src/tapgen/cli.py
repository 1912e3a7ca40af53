"""`tapgen`: the command-line entry point.

Commands are imported only when they run (and each imports its heavy dependencies inside the
command), so `tapgen render` never pays for boto3, moto or cfn-lint, nor for the other commands.
"""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Sequence
from typing import Any

import click

from tapgen.commands.common import flushed_stdout, say_error, shortened
from tapgen.errors import EXIT_FINDINGS

# name -> "module:attribute" of the click command, in the order `tapgen --help` lists them.
COMMANDS = {
    "render": "tapgen.commands.render:render",
    "lint": "tapgen.commands.lint:lint",
    "graph": "tapgen.commands.graph:graph",
    "bootstrap": "tapgen.commands.bootstrap:bootstrap",
    "package": "tapgen.commands.package:package",
    "deploy": "tapgen.commands.deploy:deploy",
    "diff": "tapgen.commands.diff:diff",
    "drift": "tapgen.commands.drift:drift",
    "invoke": "tapgen.commands.invoke:invoke",
    "logs": "tapgen.commands.logs:logs",
    "outputs": "tapgen.commands.outputs:outputs",
    "destroy": "tapgen.commands.destroy:destroy",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use, and whose output is flushed before exit."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """As click's, but a usage error is one `error:` line (with where to find help), like every other error."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        with flushed_stdout():
            try:
                code = super().main(args, prog_name, complete_var, False, **extra)
            except click.exceptions.NoArgsIsHelpError as error:  # plain `tapgen`: the help is the answer
                click.echo(error.ctx.get_help())
                sys.exit(0)
            except click.ClickException as error:
                say_error(usage_error_line(error))
                sys.exit(error.exit_code)
            except click.Abort:
                say_error("interrupted (Ctrl-C, or the input ended)")
                sys.exit(EXIT_FINDINGS)
            sys.exit(code if isinstance(code, int) else 0)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*COMMANDS, *(name for name in super().list_commands(ctx) if name not in COMMANDS)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module, attribute = target.split(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command


def usage_error_line(error: click.ClickException) -> str:
    message = shortened(" ".join(error.format_message().split()))
    context = getattr(error, "ctx", None)
    where = f"{context.command_path} " if context is not None else ""
    return f"{message} (see `{where}--help`)"


EXIT_CODES = (
    "\b\nExit codes:\n"
    "  0  success\n"
    "  1  a check found problems: stale templates, lint findings, drift or differences (--exit-code),\n"
    "     a deploy that AWS refused or that failed\n"
    "  2  bad usage or configuration: options, tapgen.toml, files, AWS settings, the wrong account\n"
    "\b\nShell completion (environment names complete for --env):\n"
    '  eval "$(_TAPGEN_COMPLETE=bash_source tapgen)"   # or zsh_source / fish_source'
)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES)
@click.version_option(package_name="tapgen")
def main() -> None:
    """Generate, check and ship the CloudFormation of the TAP service."""


def run() -> None:
    """The `tapgen` executable (and `python -m tapgen`): `main`, with the garbage collector told to stand aside.

    Freezing moves every object alive so far out of the collector's reach: the commands' own collections
    stop re-walking the imported modules, and the interpreter's collections at exit stop walking the
    whole template only to free it anyway (about a tenth of a cold render). Only the process entry does
    this; tests and library callers that invoke `main` keep the collector as it was.
    """
    gc.freeze()
    try:
        main()
    finally:
        gc.freeze()
