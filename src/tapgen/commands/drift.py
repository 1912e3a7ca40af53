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
    from tapgen.deploy.drift import as_json, as_text, detect_drift

    with reported_errors(), aws_errors():
        settings = load_settings(env, config_path)
        if aws.local:
            fail("moto, the --local emulator, does not implement drift detection (DetectStackDrift)")
        target = stack_target(settings, stack)
        render = as_json if output_format == "json" else as_text
        if is_multi_region(settings):
            regions = chosen_regions(settings, aws)
            reports = {
                r: detect_drift(remote_clients(settings, aws.in_region(r))("cloudformation"), target.name, say)
                for r in regions
            }
            click.echo(in_sections(regions, output_format, lambda r: render(reports[r])), nl=False)
            drifted = any(bool(report.drifted) for report in reports.values())
        else:
            clients = remote_clients(settings, aws)
            report = detect_drift(clients("cloudformation"), target.name, say)
            click.echo(render(report), nl=False)
            drifted = bool(report.drifted)
    if drifted:
        sys.exit(EXIT_FINDINGS)
