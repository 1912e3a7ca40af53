"""`tapgen destroy`: empty the stack's buckets and delete it, for environments that keep no data."""

from __future__ import annotations

from pathlib import Path

import click

from tapgen.cloud.clients import aws_errors
from tapgen.commands.cloud import (
    AwsOptions,
    StackChoice,
    chosen_regions,
    console,
    deployed_stack_options,
    require_confirmation_source,
    stack_clients,
    stack_target,
    wait_timeout_option,
)
from tapgen.commands.common import config_option, examples, reported_errors
from tapgen.commands.regions import destroy_regions, is_multi_region, region_clients_factory
from tapgen.errors import fail
from tapgen.settings import load_settings


@click.command(
    epilog=examples(
        "tapgen destroy --env dev --yes",
        "tapgen destroy --env dev --suffix pr544 --yes",
    )
)
@deployed_stack_options("Environment whose stack to delete.")
@click.option("--yes", is_flag=True, help="Delete without asking (required when not on a terminal).")
@wait_timeout_option
@config_option
def destroy(
    env: str,
    stack: StackChoice,
    aws: AwsOptions,
    yes: bool,
    wait_timeout: float,
    config_path: Path,
) -> None:
    """Delete every object version in the stack's buckets, then the stack, with progress.

    Refuses for environments that retain data (retain_data = true), and for any stack that keeps data as the
    stack itself says: termination protection, a template marked retainData, or a DeletionPolicy that keeps a
    resource. Nothing is deleted when it refuses.
    """
    from tapgen.deploy.flow import destroy as run_destroy

    with reported_errors(), aws_errors():
        settings = load_settings(env, config_path)
        if settings.retain_data:
            fail(f"environment {settings.name} retains data (retain_data = true): tapgen will not destroy it")
        require_confirmation_source(yes)
        target = stack_target(settings, stack)
        ui = console(yes)
        regions = chosen_regions(settings, aws) if is_multi_region(settings) else ()
        where = f" in {', '.join(regions)}" if regions else ""
        if not ui.confirm(f"Delete stack {target.name}{where} and every object in its buckets?"):
            fail("cancelled: nothing deleted", 1)
        if regions:
            clients_in = region_clients_factory(settings, aws, config_path)
            destroy_regions(target.name, regions, clients_in, yes, wait_timeout)
            return
        with stack_clients(settings, config_path, aws) as clients:
            run_destroy(target.name, clients, ui, wait_timeout=wait_timeout)
