"""`tapgen lint`: cfn-lint and tapgen's security rules on rendered templates or any template file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tapgen.commands.common import EXIT_FINDINGS, config_option, fail, reported_errors, say, selected_settings


@click.command()
@click.argument("templates", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--env", "env", metavar="NAME", help="Lint this environment's fresh render.")
@click.option("--all", "all_envs", is_flag=True, help="Lint every environment's fresh render.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--region", default=None, metavar="REGION", help="Region for cfn-lint's checks of template files.")
@click.option("--list-rules", is_flag=True, help="Print tapgen's rules (id, what, why, fix) and exit.")
@config_option
def lint(
    templates: tuple[Path, ...],
    env: str | None,
    all_envs: bool,
    output: str,
    region: str | None,
    list_rules: bool,
    config_path: Path,
) -> None:
    """Lint templates: each finding with its rule id, resource, message and fix; exit 1 on findings.

    Give --env NAME or --all to lint fresh renders, or template files as arguments (for instance an
    edited templates/prod.json). Findings waived in a resource's Metadata are listed as suppressed.
    """
    from tapgen.lint.engine import DEFAULT_REGION, TemplateError, lint_text
    from tapgen.lint.report import as_json, as_text, rules_as_json, rules_as_text
    from tapgen.lint.rules import RULES
    from tapgen.lint.source import read_template
    from tapgen.render import render_all

    if list_rules:
        click.echo(rules_as_json(RULES) if output == "json" else rules_as_text(RULES), nl=False)
        return
    with reported_errors():
        if templates and (env or all_envs):
            fail("give template files or --env/--all, not both")
        try:
            if templates:
                reports = [lint_text(read_template(path), str(path), region or DEFAULT_REGION) for path in templates]
            else:
                environments = selected_settings(config_path, env, all_envs)
                rendered = render_all(environments)
                reports = [lint_text(text, f"{s.name} (rendered)", region or s.region) for s, text in rendered]
        except TemplateError as error:
            fail(str(error))
        click.echo(as_json(reports) if output == "json" else as_text(reports), nl=False)
        for report in reports:
            for note in report.notes:
                say(f"{report.name}: note: {note}")
        total = sum(len(r.findings) for r in reports)
        say(f"{total} finding(s), {sum(len(r.suppressed) for r in reports)} suppressed, in {len(reports)} template(s)")
        if total:
            sys.exit(EXIT_FINDINGS)
