"""`tapgen diff`: what a deploy of the committed template would change in the stack, before touching anything."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tapgen.commands.cloud import (
    AwsOptions,
    StackChoice,
    deployed_stack_options,
    report_format_option,
    reviewed_template,
    stack_clients,
    stack_target,
)
from tapgen.commands.common import PathType, config_option, examples, reported_errors
from tapgen.config import load_settings
from tapgen.deploy.aws import aws_errors
from tapgen.errors import EXIT_FINDINGS, fail
from tapgen.naming import ENVIRONMENT_SUFFIX

if TYPE_CHECKING:
    from tapgen.diff.stack import StackDiff


@click.command(
    epilog=examples("tapgen diff --env prod --exit-code", "tapgen diff --env prod --format json > changes.json")
)
@click.argument("files", nargs=-1, type=PathType(path_type=Path, dir_okay=False, exists=True))
@deployed_stack_options("Environment to compare (templates/NAME.json) with its stack.", required=False)
@report_format_option
@click.option("--exit-code", is_flag=True, help="Exit 1 when there are differences, 0 when none (for CI gates).")
@config_option
def diff(
    files: tuple[Path, ...],
    env: str | None,
    stack: StackChoice,
    aws: AwsOptions,
    output_format: str,
    exit_code: bool,
    config_path: Path,
) -> None:
    """Compare the committed template with the deployed stack's, and its parameters.

    Prints resources added, removed and modified (each changed property with before → after, whether it
    forces a replacement, stateful resources marked), security changes with every broadening marked, and
    changed outputs and parameters. Read-only: nothing is uploaded or created. A stack that does not exist
    yet is everything added. Refuses a stale templates/NAME.json, as deploy does.

    `tapgen diff OLD NEW` compares two template files (JSON or YAML) the same way, offline.
    """
    from tapgen.diff.report import as_json, as_text

    with reported_errors(), aws_errors():
        if bool(files) == bool(env):
            fail("give either --env NAME (compare with the deployed stack) or two template files OLD NEW")
        if files:
            result = _compare_files(files, aws.region)
        else:
            assert env is not None
            result = _compare_stack(env, config_path, stack, aws)
        render = as_json if output_format == "json" else as_text
        click.echo(render(result.diff, result.stack, result.exists), nl=False)
    if exit_code and not result.diff.empty:
        sys.exit(EXIT_FINDINGS)


def _compare_stack(
    env: str,
    config_path: Path,
    stack: StackChoice,
    aws: AwsOptions,
) -> StackDiff:
    from tapgen.diff.stack import diff_stack

    settings = load_settings(env, config_path)
    target = stack_target(settings, stack)
    template = reviewed_template(settings, config_path).text
    parameters = {ENVIRONMENT_SUFFIX: target.suffix}
    with stack_clients(settings, config_path, aws) as clients:
        return diff_stack(clients("cloudformation"), target.name, template, parameters, aws.region or settings.region)


def _compare_files(files: tuple[Path, ...], region: str | None) -> StackDiff:
    from tapgen.diff import diff_templates
    from tapgen.diff.stack import StackDiff

    if len(files) != 2:
        fail(f"give two template files, OLD and NEW, not {len(files)}")
    old, new = (_read_template(path) for path in files)
    return StackDiff(f"{files[0]} → {files[1]}", True, diff_templates(old, new, region=region or "us-east-1"))


def _read_template(path: Path) -> dict[str, Any]:
    from tapgen.deploy.deployed import parse_template
    from tapgen.errors import DeployError

    try:
        return parse_template(path.read_text(encoding="utf-8"), str(path))
    except UnicodeDecodeError:
        fail(f"{path} is not UTF-8 text")
    except DeployError as error:
        fail(str(error))
