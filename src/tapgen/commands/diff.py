"""`tapgen diff`: what a deploy of the committed template would change in the stack, before touching anything."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tapgen.cloud.clients import aws_errors
from tapgen.commands.cloud import (
    AwsOptions,
    StackChoice,
    StackTarget,
    chosen_regions,
    deployed_stack_options,
    reviewed_template,
    stack_clients,
    stack_target,
)
from tapgen.commands.common import PathType, config_option, examples, format_option, reported_errors, say
from tapgen.commands.regions import in_sections, is_multi_region, region_clients_factory
from tapgen.errors import EXIT_FINDINGS, fail
from tapgen.settings import Settings, load_settings
from tapgen.settings.names import ENVIRONMENT_SUFFIX

if TYPE_CHECKING:
    from tapgen.diff.stack import StackDiff


@click.command(
    epilog=examples("tapgen diff --env prod --exit-code", "tapgen diff --env prod --format json > changes.json")
)
@click.argument("files", nargs=-1, type=PathType(path_type=Path, dir_okay=False, exists=True))
@deployed_stack_options("Environment to compare (templates/NAME.json) with its stack.", required=False)
@format_option(
    {
        "text": "for people",
        "json": "(stable keys, see README) for machines and for deploy --approve",
        "markdown": "for a pull-request comment",
    }
)
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
    `--format json` written to a file is a plan that `tapgen deploy --approve` accepts once reviewed;
    `--format markdown` is a review for a pull-request comment (security changes first).
    """
    from tapgen.diff.markdown import as_markdown
    from tapgen.diff.report import as_json, as_text

    with reported_errors(), aws_errors():
        if bool(files) == bool(env):
            fail("give either --env NAME (compare with the deployed stack) or two template files OLD NEW")
        render = {"json": as_json, "markdown": as_markdown}.get(output_format, as_text)
        marks: list[str] = []
        if files:
            results = [_compare_files(files, aws.region)]
        else:
            assert env is not None
            settings = load_settings(env, config_path)
            regions = chosen_regions(settings, aws) if is_multi_region(settings) else (aws.region or settings.region,)
            target = stack_target(settings, stack)
            template = reviewed_template(settings, config_path).text  # one render serves every region
            compared = [_compare_stack(settings, config_path, target, template, aws.in_region(r)) for r in regions]
            results = [result for result, _ in compared]
            marks = [
                f"[{region}] {line}" for region, (_, lines) in zip(regions, compared, strict=True) for line in lines
            ]
        if len(results) == 1:
            result = results[0]
            click.echo(render(result.diff, result.stack, result.exists, offline=bool(files)), nl=False)
        else:
            shown = dict(zip(regions, results, strict=True))
            text = in_sections(regions, output_format, lambda r: render(shown[r].diff, shown[r].stack, shown[r].exists))
            click.echo(text, nl=False)
        for line in marks:  # what the stack's template cannot show: code put in place by `deploy --hotswap`
            say(f"hotswapped: {line}")
    if exit_code and (marks or not all(result.diff.empty for result in results)):
        sys.exit(EXIT_FINDINGS)


def _compare_stack(
    settings: Settings, config_path: Path, target: StackTarget, template: str, aws: AwsOptions
) -> tuple[StackDiff, list[str]]:
    """The stack in `aws.region` (the environment's region when none) against `template`, and a line per function
    whose code a hotswap put in place."""
    from tapgen.cloud.hotswap_marks import stack_hotswap_lines
    from tapgen.diff.stack import diff_stack

    region = aws.region or settings.region
    regional = region_clients_factory(settings, aws, config_path) if is_multi_region(settings) else None
    with nullcontext(regional(region)) if regional else stack_clients(settings, config_path, aws) as clients:
        parameters = {ENVIRONMENT_SUFFIX: target.suffix}
        found = diff_stack(clients("cloudformation"), target.name, template, parameters, region)
        return found, stack_hotswap_lines(clients, target.name) if found.exists else []


def _compare_files(files: tuple[Path, ...], region: str | None) -> StackDiff:
    from tapgen.diff import diff_templates
    from tapgen.diff.stack import StackDiff

    if len(files) != 2:
        fail(f"give two template files, OLD and NEW, not {len(files)}")
    old, new = (_read_template(path) for path in files)
    return StackDiff(f"{files[0]} → {files[1]}", True, diff_templates(old, new, region=region or "us-east-1"))


def _read_template(path: Path) -> dict[str, Any]:
    from tapgen.cloud.deployed import parse_template
    from tapgen.errors import DeployError

    try:
        return parse_template(path.read_text(encoding="utf-8"), str(path))
    except UnicodeDecodeError:
        fail(f"{path} is not UTF-8 text")
    except DeployError as error:
        fail(str(error))
