"""`tapgen`: the command-line entry point.

Each command module imports its heavy dependencies only when it runs, so `tapgen render`
never pays for boto3 or cfn-lint.
"""

from __future__ import annotations

import click

from tapgen.commands.deploy import deploy
from tapgen.commands.destroy import destroy
from tapgen.commands.outputs import outputs
from tapgen.commands.package import package
from tapgen.commands.render import render


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tapgen")
def main() -> None:
    """Generate, check and ship the CloudFormation of the TAP service."""


main.add_command(render)
main.add_command(package)
main.add_command(deploy)
main.add_command(outputs)
main.add_command(destroy)
