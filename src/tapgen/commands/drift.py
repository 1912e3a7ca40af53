"""`tapgen drift`: which of the stack's resources were changed outside CloudFormation."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tapgen.cloud.clients import aws_errors
from tapgen.commands.cloud import (
    AwsOptions,
    StackChoice,
    chosen_regions,
    deployed_stack_options,
    remote_clients,
    report_format_option,
    stack_target,
)
from tapgen.commands.common import config_option, examples, reported_errors, say
from tapgen.commands.regions import in_sections, is_multi_region
from tapgen.errors import EXIT_FINDINGS, fail
from tapgen.settings import load_settings


@click.command(
    epilog=examples(
        "tapgen drift --env prod",
        "tapgen drift --env prod --format json",
    )
)
@deployed_stack_options("Environment whose stack to check.")
@report_format_option
@config_option
def drift(
    env: str,
    stack: StackChoice,
    aws: AwsOptions,
    output_format: str,
    config_path: Path,
) -> None:
    """Detect drift on the stack and list each drifted resource with its property differences.

    Runs CloudFormation's drift detection (DetectStackDrift), waits for it with progress, and prints the
    resources that were MODIFIED or DELETED outside CloudFormation, each property as expected → actual, and
    the resources CloudFormation cannot check. Exit 1 when anything drifted, 0 when the stack is in sync.
    """
    from tapgen.cloud.hotswap_marks import stack_hotswap_lines
    from tapgen.deploy.drift import as_json, as_text, detect_drift

    with reported_errors(), aws_errors():
        settings = load_settings(env, config_path)
        if aws.local:  # `tapgen diff --local` reports hotswapped functions there
            fail("moto, the --local emulator, does not implement drift detection (DetectStackDrift)")
        target = stack_target(settings, stack)
        render = as_json if output_format == "json" else as_text
        regions = chosen_regions(settings, aws) if is_multi_region(settings) else (aws.region or settings.region,)
        reports, hotswapped = {}, []
        for region in regions:
            clients = remote_clients(settings, aws.in_region(region) if is_multi_region(settings) else aws)
            reports[region] = detect_drift(clients("cloudformation"), target.name, say)
            # CloudFormation's drift detection does not compare function code: the hotswap marks do.
            prefix = f"[{region}] " if is_multi_region(settings) else ""
            hotswapped += [prefix + line for line in stack_hotswap_lines(clients, target.name)]
        if is_multi_region(settings):
            click.echo(in_sections(regions, output_format, lambda r: render(reports[r])), nl=False)
        else:
            click.echo(render(reports[regions[0]]), nl=False)
        _say_hotswapped(hotswapped)
    if any(report.drifted for report in reports.values()) or hotswapped:
        sys.exit(EXIT_FINDINGS)


def _say_hotswapped(lines: list[str]) -> None:
    for line in lines:
        say(f"drifted by a hotswap: {line}")
