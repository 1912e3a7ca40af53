"""`tapgen`: the command-line entry point.

Each command module imports its heavy dependencies only when it runs, so `tapgen render`
never pays for boto3 or cfn-lint.
"""

from __future__ import annotations

import click

from tapgen.commands.render import render


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tapgen")
def main() -> None:
    """Generate, check and ship the CloudFormation of the TAP service."""


main.add_command(render)
