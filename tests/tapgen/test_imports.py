"""What the render path imports: never cfn_flip or PyYAML (troposphere wants them only for YAML output)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

RENDER_AND_REPORT = """
import sys
from tapgen.settings import load_settings
from tapgen.synth.render import render
render(load_settings("prod", __import__("pathlib").Path("tapgen.toml")))
print(sorted(name for name in sys.modules if name.split(".")[0] in ("cfn_flip", "yaml") and
      type(sys.modules[name]).__name__ != "_ImportedOnFirstUse"))
"""


def test_a_render_loads_neither_cfn_flip_nor_yaml() -> None:
    done = subprocess.run(
        [sys.executable, "-c", RENDER_AND_REPORT], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_troposphere_yaml_output_still_works_after_tapgen_is_imported() -> None:
    code = (
        "import tapgen, troposphere; t = troposphere.Template(); t.set_description('x');"
        "print(t.to_yaml() == t.to_yaml() and 'Description: x' in t.to_yaml())"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
