"""`tapgen diff`: what a deploy of the committed template would change in the stack, before touching anything."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tapgen.commands.cloud import (
    aws_options,
    deploy_errors,
    format_option,
    refuse_local_with,
    remote_clients,
    reviewed_template,
    running_emulator,
    stack_options,
    stack_target,
)
from tapgen.commands.common import EXIT_FINDINGS, config_option, reported_errors
from tapgen.config import load_settings
from tapgen.naming import ENVIRONMENT_SUFFIX


@click.command()
@click.option("--env", "env", metavar="NAME", required=True, help="Environment to compare (templates/NAME.json).")
@stack_options
@aws_options
@format_option
@click.option("--exit-code", is_flag=True, help="Exit 1 when there are differences, 0 when none (for CI gates).")
@config_option
def diff(
    env: str,
    stack_name: str | None,
    suffix: str | None,
    region: str | None,
    profile: str | None,
    endpoint_url: str | None,
    local: bool,
    output_format: str,
    exit_code: bool,
    config_path: Path,
) -> None:
    """Compare the committed template with the deployed stack's, and its parameters.

    Prints resources added, removed and modified (each changed property with before → after, whether it
    forces a replacement, stateful resources marked), security changes with every broadening marked, and
    changed outputs and parameters. Read-only: nothing is uploaded or created. A stack that does not exist
    yet is everything added. Refuses a stale templates/NAME.json, as deploy does.
    """
    from tapgen.diff.report import as_json, as_text
    from tapgen.diff.stack import diff_stack

    with reported_errors(), deploy_errors():
        settings = load_settings(env, config_path)
        refuse_local_with(local, profile, endpoint_url)
        target = stack_target(settings, stack_name, suffix)
        template = reviewed_template(settings, config_path).text
        parameters = {ENVIRONMENT_SUFFIX: target.suffix}
        chosen_region = region or settings.region
        if local:
            with running_emulator(config_path) as clients:
                result = diff_stack(clients("cloudformation"), target.name, template, parameters, chosen_region)
        else:
            clients = remote_clients(settings, region, profile, endpoint_url)
            result = diff_stack(clients("cloudformation"), target.name, template, parameters, chosen_region)
        render = as_json if output_format == "json" else as_text
        click.echo(render(result.diff, result.stack, result.exists), nl=False)
    if exit_code and not result.diff.empty:
        sys.exit(EXIT_FINDINGS)
