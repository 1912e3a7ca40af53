"""`tapgen lint`: cfn-lint and tapgen's security rules on rendered templates or any template file."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tapgen.commands.common import (
    PathType,
    config_option,
    env_option,
    examples,
    format_option,
    reported_errors,
    say,
    selected_settings,
    templates_dir,
)
from tapgen.errors import EXIT_FINDINGS, fail

if TYPE_CHECKING:
    from tapgen.lint.engine import LintReport


@click.command(
    epilog=examples(
        "tapgen lint --all",
        "tapgen lint template.yaml --format sarif > lint.sarif",
    )
)
@click.argument("templates", nargs=-1, type=PathType(path_type=Path, dir_okay=False))
@env_option("Lint this environment's fresh render.")
@click.option("--all", "all_envs", is_flag=True, help="Lint every environment's fresh render.")
@format_option({"text": "for people", "json": "for scripts", "sarif": "(2.1.0) for code scanning such as GitHub's"})
@click.option("--region", default=None, metavar="REGION", help="Region for cfn-lint's checks of template files.")
@click.option("--list-rules", is_flag=True, help="Print tapgen's rules (id, what, why, fix) and exit.")
@config_option
def lint(
    templates: tuple[Path, ...],
    env: str | None,
    all_envs: bool,
    output_format: str,
    region: str | None,
    list_rules: bool,
    config_path: Path,
) -> None:
    """Lint templates: each finding with its rule id, resource, message and fix; exit 1 on findings.

    Give --env NAME or --all to lint fresh renders, or template files as arguments (for instance an
    edited templates/prod.json). Findings waived in a resource's Metadata are listed as suppressed.
    """
    from tapgen.lint.engine import DEFAULT_REGION, TemplateError
    from tapgen.lint.parallel import LintJob, lint_all
    from tapgen.lint.report import as_json, as_text, rules_as_json, rules_as_text
    from tapgen.lint.rules import RULES
    from tapgen.lint.sarif import as_sarif
    from tapgen.lint.source import read_template
    from tapgen.synth.render import render_all, template_path

    if list_rules:
        click.echo(rules_as_text(RULES) if output_format == "text" else rules_as_json(RULES), nl=False)
        return
    with reported_errors():
        if templates and (env or all_envs):
            fail("give template files or --env/--all, not both")
        if region is not None:
            _check_region(region)
        try:
            if templates:
                jobs = [
                    LintJob(read_template(path), str(path), region or DEFAULT_REGION, _artifact_uri(path))
                    for path in templates
                ]
            else:
                from tapgen.synth.render import render_all, template_path

                environments = selected_settings(config_path, env, all_envs)
                out_dir = templates_dir(config_path)
                jobs = [
                    LintJob(text, f"{s.name} (rendered)", region or s.region, _artifact_uri(template_path(out_dir, s)))
                    for s, text in render_all(environments)
                ]
            reports = lint_all(jobs)
        except TemplateError as error:
            fail(str(error))
        formats: dict[str, Callable[[list[LintReport]], str]] = {
            "text": as_text,
            "json": as_json,
            "sarif": lambda r: as_sarif(r, _version()),
        }
        click.echo(formats[output_format](reports), nl=False)
        for report in reports:
            for note in report.notes:
                say(f"{report.name}: note: {note}")
        total = sum(len(r.findings) for r in reports)
        say(f"{total} finding(s), {sum(len(r.suppressed) for r in reports)} suppressed, in {len(reports)} template(s)")
        if total:
            sys.exit(EXIT_FINDINGS)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tapgen")
    except PackageNotFoundError:
        return "0+unknown"


def _artifact_uri(path: Path) -> str:
    """Relative to the working directory (as code scanning wants, from the repository root), else a file URI."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return path.resolve().as_uri()


def _check_region(region: str) -> None:
    from cfnlint.helpers import REGIONS

    if region not in REGIONS:
        fail(f"--region {region[:40]!r}: not an AWS region cfn-lint knows (e.g. us-east-1, eu-west-1)")
