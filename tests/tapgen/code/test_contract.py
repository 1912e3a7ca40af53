"""The contract between lambdas/ and the builders: a test fails the moment they drift apart."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pytest

from tapgen.code.artifacts import build_artifacts
from tapgen.code.contract import ContractError, FunctionContract, LambdaContract, load_contract
from tapgen.settings import Settings, load_all
from tests.conftest import CONFIG, CONTRACT, ROOT, Template

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
    names = CONTRACT.environment_names
    assert len(names) == len(set(names))
    assert all(name.startswith("TAP_") for name in names)


# Files that name the functions by design: the contract and the handlers (lambdas/), the handlers' tests, the
# settings (tapgen.toml) and the least-privilege table. Everything else learns the names from the contract.
NAMING_FILES = (
    "lambdas/",
    "tests/lambdas/",
    "tests/tapgen/synth/test_least_privilege.py",
    "tests/tapgen/code/test_contract.py",
)
# Strings spelled like a function that mean something else: the API's settings and metadata, diagram groups.
OTHER_MEANINGS = {
    ("src/tapgen/synth/template.py", "api"): "Metadata.tapgen.api, the REST API's account requirements",
    ("src/tapgen/deploy/prerequisites.py", "api"): "Metadata.tapgen.api, read back",
    ("src/tapgen/lint/rules/rest_api.py", "api"): "Metadata.tapgen.api, read back",
    ("src/tapgen/graph/model.py", "api"): "the diagram's group of API Gateway resources",
    ("src/tapgen/graph/model.py", "data"): "the diagram's group of DynamoDB and SQS resources",
    ("src/tapgen/lint/expand.py", "image"): "a SAM function's PackageType Image",
}
# Tests that use functions as examples, one per case, so that a new function needs no new case.
EXAMPLE_TESTS = {"tests/tapgen/lint/test_rules.py": "each rule's breaking case picks one function's resource"}
CODE_FILES = sorted(
    path.relative_to(ROOT).as_posix()
    for folder in ("src", "benchmarks", "tests")
    for path in (ROOT / folder).rglob("*.py")
    if not path.relative_to(ROOT).as_posix().startswith(NAMING_FILES)
)


# What follows a function's name in the logical ids of its resources: ImageFunction, ImageRole, ImageErrorsAlarm...
FUNCTION_RESOURCES = (
    "Function|FunctionName|Role|LogGroup|S3Permission|EventInvokeConfig|ErrorsAlarm|ThrottlesAlarm|DurationAlarm"
)


def named_functions(text: str, names: Iterable[str]) -> set[str]:
    """The names written as a quoted string, a settings access (`functions.x`, `functions["x"]`), or as a quoted
    logical id, alone or of one of the function's resources (`"Image"`, `"ImageRole"`)."""
    return {
        name
        for name in names
        if re.search(
            rf"""(["']){name}\1|functions(\.|\[["']){name}\b|["']{name.capitalize()}({FUNCTION_RESOURCES})?["']""",
            text,
        )
    }


@pytest.mark.parametrize("path", [p for p in CODE_FILES if not p.startswith("tests/")])
def test_code_names_no_function_the_contract_names(path: str) -> None:
    names = named_functions((ROOT / path).read_text(encoding="utf-8"), (fn.name for fn in CONTRACT.FUNCTIONS))
    assert {name for name in names if (path, name) not in OTHER_MEANINGS} == set()


@pytest.mark.parametrize("path", [p for p in CODE_FILES if p.startswith("tests/") and p not in EXAMPLE_TESTS])
def test_no_test_lists_the_processors(path: str) -> None:
    """A test may use one function as its example; a list of them all would need a new function added to it."""
    processors = {fn.name for fn in CONTRACT.PROCESSORS}
    assert named_functions((ROOT / path).read_text(encoding="utf-8"), processors) != processors


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("sizing = settings.functions.image", {"image"}),
        ('sizing = settings.functions["image"]', {"image"}),
        ("labels = ('api', \"data\")", {"api", "data"}),
        ('depends == ["DataS3Permission", "ImageRole"]', {"data", "image"}),
        ('PROCESSORS = ("Image", "Document")', {"image", "document"}),
        ('"PolicyDocument", "images", "ApiGateway", "apiId", "metadata", "ImageUri"', set()),
    ],
)
def test_the_scan_finds_a_function_however_it_is_written(text: str, found: set[str]) -> None:
    assert named_functions(text, ("api", "image", "document", "data")) == found


def write_contract(tmp_path: Path, text: str) -> Path:
    """A copy of the project's Lambda contract under tmp_path/lambdas, with `text` appended."""
    path = tmp_path / "lambdas" / "tap_shared" / "contract.py"
    path.parent.mkdir(parents=True)
    path.write_text((ROOT / "lambdas" / "tap_shared" / "contract.py").read_text(encoding="utf-8") + text)
    return path


def test_the_loaded_contract_is_typed_and_complete() -> None:
    assert isinstance(CONTRACT, LambdaContract)
    assert (CONTRACT.API, *CONTRACT.PROCESSORS) == CONTRACT.FUNCTIONS
    assert all(isinstance(fn, FunctionContract) for fn in CONTRACT.FUNCTIONS)
    assert CONTRACT.source == ROOT / "lambdas" / "tap_shared" / "contract.py"


def test_the_open_routes_are_the_contracts() -> None:
    assert CONTRACT.open_routes == {("GET", "/health")}
    assert CONTRACT.route("GetFile").path_for(id="abc") == "/files/abc"
    assert CONTRACT.route("GetFile").match("/files/abc") == {"id": "abc"}
    assert CONTRACT.route("GetFile").match("/files/abc/download") is None


def test_a_contract_missing_names_is_one_error_naming_the_file_and_each_name(tmp_path: Path) -> None:
    path = write_contract(tmp_path, "del ENV_TABLE_NAME, OUTCOME_METRICS\n")
    with pytest.raises(ContractError) as caught:
        load_contract(tmp_path / "lambdas")
    assert str(caught.value) == f"the Lambda contract {path} does not define ENV_TABLE_NAME, OUTCOME_METRICS"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("UPLOAD_PREFIX = 3\n", "UPLOAD_PREFIX must be a non-empty string, not 3"),
        ("KIND_SUFFIXES = ['.png']\n", "KIND_SUFFIXES must be a mapping, not list"),
        ("extension_of = None\n", "extension_of must be a function"),
        ("API = API._replace(handler='handle')\n", "API: function 'api' needs a handler `module.function`"),
        ("FUNCTIONS = PROCESSORS\n", "FUNCTIONS must be API followed by the PROCESSORS"),
        ("PROCESSORS = (*PROCESSORS, PROCESSORS[0])\nFUNCTIONS = (API, *PROCESSORS)\n", "names must be unique"),
        ("ROUTES = (*ROUTES, Route('health', 'GET', '/up'))\n", "route 'health' needs a capitalised identifier"),
        ("ROUTES = (*ROUTES, Route('Up', 'get', '/up'))\n", "route 'Up' needs one of GET, POST"),
        ("ROUTES = (*ROUTES, Route('Up', 'GET', 'up'))\n", "route 'Up' needs a path of lower-case segments"),
        ("ROUTES = (*ROUTES, Route('Up', 'GET', '/health'))\n", "given twice: GET /health"),
        ("ROUTES = (*ROUTES, Route('Health', 'GET', '/up'))\n", "given twice: Health"),
    ],
)
def test_a_malformed_contract_says_what_is_wrong(tmp_path: Path, text: str, problem: str) -> None:
    path = write_contract(tmp_path, text)
    with pytest.raises(ContractError, match=re.escape(f"the Lambda contract {path} is malformed: ")) as caught:
        load_contract(tmp_path / "lambdas")
    assert problem in str(caught.value)
