"""`tapgen render`: print, write or check the templates."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tapgen.commands.common import (
    config_option,
    emit,
    env_option,
    examples,
    reported_errors,
    say,
    selected_settings,
    templates_dir,
)
from tapgen.errors import EXIT_FINDINGS
from tapgen.settings import Settings


@click.command(
    epilog=examples(
        "tapgen render --env prod > prod.json",
        "tapgen render --all --check",
    )
)
@env_option("Print this environment's template to stdout.")
@click.option(
    "--all", "all_envs", is_flag=True, help="Write templates/NAME.json for every environment, and docs/architecture.md."
)
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 if a committed template (or docs/architecture.md) is stale."
)
@config_option
def render(env: str | None, all_envs: bool, check: bool, config_path: Path) -> None:
    """Render templates: print one (--env), write all (--all), or verify them (--check)."""
    from tapgen.synth import render as rendering

    with reported_errors():
        environments = selected_settings(config_path, env, all_envs)
        out_dir = templates_dir(config_path)
        stale: list[rendering.StaleTemplate] = []
        rendered = rendering.render_all(environments)
        outputs = [(rendering.template_path(out_dir, settings), text) for settings, text in rendered]
        if all_envs:
            outputs.extend(_architecture_page(config_path, rendered))
        for path, text in outputs:
            if check:
                stale.extend(s for s in [rendering.stale_template(path, text)] if s)
            elif all_envs:
                say(f"{'wrote' if rendering.write(path, text) else 'unchanged'} {path}")
            else:
                emit(text)
        for item in stale:
            emit(item.diff)
            say(f"stale: {item.path} differs from `tapgen render` (run `tapgen render --all`)")
        if stale:
            sys.exit(EXIT_FINDINGS)
        if check:
            say(f"up to date: {', '.join(str(path) for path, _ in outputs)}")


def _architecture_page(config_path: Path, rendered: list[tuple[Settings, str]]) -> list[tuple[Path, str]]:
    """docs/architecture.md, drawn from the documented environment's render (none if it is not configured)."""
    import json

    from tapgen.graph.document import ARCHITECTURE_DOC, DOCUMENTED_ENVIRONMENT, architecture_markdown

    return [
        (config_path.parent / ARCHITECTURE_DOC, architecture_markdown(json.loads(text), DOCUMENTED_ENVIRONMENT))
        for settings, text in rendered
        if settings.name == DOCUMENTED_ENVIRONMENT
    ]
