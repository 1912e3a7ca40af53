"""`tapgen graph`: draw a template's flows and permissions as Mermaid, DOT or JSON."""

from __future__ import annotations

import json
from pathlib import Path

import click

from tapgen.commands.common import (
    PathType,
    config_option,
    env_option,
    examples,
    format_option,
    reported_errors,
    selected_settings,
)
from tapgen.errors import fail


@click.command(
    epilog=examples(
        "tapgen graph --env prod --view access", "tapgen graph templates/dev.json --format dot | dot -Tsvg > dev.svg"
    )
)
@click.argument("template_file", required=False, type=PathType(path_type=Path, dir_okay=False))
@env_option("Draw this environment's fresh render.")
@format_option(
    {"mermaid": "for Markdown (GitHub renders it)", "dot": "for Graphviz", "json": "(every action listed) for tools"}
)
@click.option(
    "--view",
    type=click.Choice(["flow", "access", "all"]),
    default="all",
    show_default=True,
    help="flow: events and data; access: who may act on what; all: both.",
)
@config_option
def graph(template_file: Path | None, env: str | None, output_format: str, view: str, config_path: Path) -> None:
    """Draw the template of --env NAME, or TEMPLATE_FILE (JSON), to stdout."""
    from tapgen.graph import build_graph
    from tapgen.graph.build import NotATemplateError
    from tapgen.graph.formats import FORMATS

    with reported_errors():
        if bool(template_file) == bool(env):
            fail("give exactly one of TEMPLATE_FILE or --env NAME")
        try:
            template = _read_template(template_file) if template_file else _render_template(config_path, env)
            click.echo(FORMATS[output_format](build_graph(template, view)), nl=False)
        except NotATemplateError as error:
            fail(f"{template_file}: {error}")


def _read_template(path: Path) -> dict[str, object]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        fail(f"{path}: not JSON ({error.msg} at line {error.lineno}); tapgen graph reads JSON templates")
    except UnicodeDecodeError:
        fail(f"{path}: not UTF-8 text")
    if not isinstance(document, dict):
        fail(f"{path}: not a CloudFormation template: the document is not a JSON object")
    return document


def _render_template(config_path: Path, env: str | None) -> dict[str, object]:
    from tapgen.synth.render import render

    (settings,) = selected_settings(config_path, env, all_envs=False)
    rendered: dict[str, object] = json.loads(render(settings))
    return rendered
