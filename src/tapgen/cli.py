"""`tapgen`: the command-line entry point.

Commands are imported only when they run (and each imports its heavy dependencies inside the
command), so `tapgen render` never pays for boto3, moto or cfn-lint, nor for the other commands.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from tapgen.commands.common import flushed_stdout

# name -> "module:attribute" of the click command, in the order `tapgen --help` lists them.
COMMANDS = {
    "render": "tapgen.commands.render:render",
    "lint": "tapgen.commands.lint:lint",
    "package": "tapgen.commands.package:package",
    "deploy": "tapgen.commands.deploy:deploy",
    "outputs": "tapgen.commands.outputs:outputs",
    "destroy": "tapgen.commands.destroy:destroy",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use, and whose output is flushed before exit."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        with flushed_stdout():
            return super().main(*args, **kwargs)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*COMMANDS, *(name for name in super().list_commands(ctx) if name not in COMMANDS)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module, attribute = target.split(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tapgen")
def main() -> None:
    """Generate, check and ship the CloudFormation of the TAP service."""
