"""The contract between lambdas/ and the builders: a test fails the moment they drift apart."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tapgen.artifacts import build_artifacts, load_contract
from tapgen.config import Settings, load_all
from tests.conftest import CONFIG, ROOT, Template

CONTRACT = load_contract(ROOT / "lambdas")
ARTIFACTS = build_artifacts(ROOT / "lambdas")
IMPORT_HANDLER = """
import importlib, sys
module_name, _, attribute = sys.argv[1].rpartition(".")
handler = getattr(importlib.import_module(module_name), attribute)
assert callable(handler), sys.argv[1]
assert all(not m.startswith("tapgen") for m in sys.modules), "a Lambda zip must not need tapgen"
"""


@pytest.mark.parametrize("function", sorted(ARTIFACTS))
def test_handler_imports_from_its_zip_alone(tmp_path: Path, function: str) -> None:
    """Unzip exactly what is shipped and import the handler with nothing else on the path."""
    artifact = ARTIFACTS[function]
    zipfile.ZipFile(io.BytesIO(artifact.zip_bytes)).extractall(tmp_path)
    result = subprocess.run(
        [sys.executable, "-E", "-s", "-c", IMPORT_HANDLER, artifact.handler],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("settings", load_all(CONFIG), ids=lambda s: s.name)
def test_settings_size_every_contract_function_and_know_its_role(settings: Settings) -> None:
    assert list(settings.functions) == [fn.name for fn in CONTRACT.FUNCTIONS]
    assert settings.function_roles.api == CONTRACT.API.name
    assert settings.function_roles.processors == tuple(fn.name for fn in CONTRACT.PROCESSORS)


def test_template_handlers_are_the_contracts(template: Template) -> None:
    handlers = {
        r["Properties"]["FunctionName"]["Fn::Sub"].rsplit("-", 1)[1]: r["Properties"]["Handler"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Lambda::Function"
    }
    assert handlers == {fn.name: fn.handler for fn in CONTRACT.FUNCTIONS}


def test_contract_environment_names_are_unique_and_prefixed() -> None:
    names = [value for key, value in vars(CONTRACT).items() if key.startswith("ENV_")]
    assert len(names) == len(set(names))
    assert all(name.startswith("TAP_") for name in names)
