"""The render path: snapshots of templates/, determinism, format, cfn-lint, and a light import."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from cfnlint.api import lint
from cfnlint.config import ManualArgs

from tapgen.settings import Settings
from tapgen.synth.render import stale_template, template_path
from tests.conftest import ROOT, rendered_text

RENDER_SNIPPET = (
    "from tapgen.settings import load_settings; from tapgen.synth.render import render; import sys; "
    "sys.stdout.write(render(load_settings({env!r})))"
)


def test_committed_template_matches_render(env: str, settings: Settings) -> None:
    """templates/<env>.json is the snapshot; re-render with `tapgen render --all` after a deliberate change."""
    stale = stale_template(template_path(ROOT / "templates", settings), rendered_text(env))
    assert stale is None, stale.diff if stale else ""


def render_in_subprocess(env: str, hash_seed: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", RENDER_SNIPPET.format(env=env)],
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": hash_seed},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@pytest.mark.parametrize("env", ["prod"])
def test_render_is_identical_across_hash_seeds(env: str) -> None:
    assert render_in_subprocess(env, "1") == render_in_subprocess(env, "4242") == rendered_text(env)


def test_render_format_is_sorted_two_space_json_with_trailing_newline(env: str) -> None:
    text = rendered_text(env)
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_cfn_lint_finds_nothing_with_informational_rules(env: str, settings: Settings) -> None:
    matches = lint(rendered_text(env), config=ManualArgs(include_checks=["I"], regions=[settings.region]))
    assert [str(m) for m in matches] == []


def test_render_does_not_import_heavy_modules() -> None:
    probe = RENDER_SNIPPET.format(env="dev").replace("sys.stdout.write(render(", "render((") + (
        "; print(sorted(m for m in ('boto3', 'botocore', 'cfnlint', 'moto') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
