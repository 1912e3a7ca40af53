"""`tapgen outputs`: the stack's outputs as flat JSON, on stdout and in a file for the next pipeline step."""

from __future__ import annotations

from pathlib import Path

import click

from tapgen.cloud.clients import aws_errors
from tapgen.commands.cloud import (
    AwsOptions,
    StackChoice,
    chosen_regions,
    deployed_stack_options,
    outputs_file_option,
    show_outputs,
    stack_clients,
    stack_target,
)
from tapgen.commands.common import config_option, examples, reported_errors
from tapgen.commands.regions import is_multi_region, outputs_regions, region_clients_factory
from tapgen.settings import load_settings


@click.command(
    epilog=examples(
        "tapgen outputs --env dev --outputs-file cfn-outputs/dev.json",
    )
)
@deployed_stack_options("Environment whose stack to read.")
@outputs_file_option
@config_option
def outputs(
    env: str,
    stack: StackChoice,
    aws: AwsOptions,
    outputs_file: Path,
    config_path: Path,
) -> None:
    """Print the stack's outputs as JSON and write them to --outputs-file."""
    from tapgen.deploy.flow import read_outputs

    with reported_errors(), aws_errors():
        settings = load_settings(env, config_path)
        target = stack_target(settings, stack)
        if is_multi_region(settings):
            regions = chosen_regions(settings, aws)
            clients_in = region_clients_factory(settings, aws, config_path)
            outputs_regions(settings, target.name, regions, clients_in, outputs_file)
            return
        with stack_clients(settings, config_path, aws) as clients:
            values = read_outputs(clients("cloudformation"), target.name)
        show_outputs(values, outputs_file)
