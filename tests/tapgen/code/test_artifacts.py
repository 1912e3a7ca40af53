"""Deterministic per-function zips: what goes in, and that the bytes never depend on the machine."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from tapgen.code.artifacts import (
    ImportGraph,
    build_artifact,
    build_artifacts,
    deterministic_zip,
    imported_names,
)
from tapgen.code.contract import ContractError, FunctionContract
from tests.conftest import CONTRACT, ROOT

TREE = {
    "shared/__init__.py": "",
    "shared/log.py": "import json\n",
    "shared/items.py": "from . import log\nfrom shared.keys import KEY\n",
    "shared/keys.py": "KEY = 'k'\n",
    "shared/unused.py": "X = 1\n",
    "svc/__init__.py": "",
    "svc/handler.py": (
        "import os\nimport boto3\nfrom shared import items\nfrom .routes import route\n\n"
        "def handle(e, c):\n    return route(e)\n"
    ),
    "svc/routes.py": "from ..shared import keys\n\ndef route(e):\n    return e\n",
    "other/__init__.py": "",
    "other/handler.py": "from shared.log import *\n",
}


@pytest.fixture
def lambdas(tmp_path: Path) -> Path:
    for relative, text in TREE.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_closure_follows_absolute_and_relative_imports(lambdas: Path) -> None:
    assert ImportGraph(lambdas).closure("svc.handler") == (
        "shared/__init__.py",
        "shared/items.py",
        "shared/keys.py",
        "shared/log.py",
        "svc/__init__.py",
        "svc/handler.py",
        "svc/routes.py",
    )


def test_closure_leaves_out_what_is_not_imported(lambdas: Path) -> None:
    files = ImportGraph(lambdas).closure("other.handler")
    assert "shared/unused.py" not in files
    assert "svc/handler.py" not in files
    assert "shared/log.py" in files


def test_missing_handler_module_is_an_error(lambdas: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"handler module 'svc\.absent' not found"):
        ImportGraph(lambdas).closure("svc.absent")


def test_a_missing_handler_module_is_an_error_even_when_its_package_imports_code(lambdas: Path) -> None:
    """The package's own imports once stood in for the module: a zip without the handler, built silently."""
    (lambdas / "svc" / "__init__.py").write_text("from svc import routes\n")
    with pytest.raises(FileNotFoundError) as caught:
        build_artifact(lambdas, "svc", "svc.absent.handle")
    assert str(caught.value) == (
        f"handler module 'svc.absent' not found under {lambdas}: "
        f"neither {lambdas / 'svc' / 'absent.py'} nor {lambdas / 'svc' / 'absent' / '__init__.py'} exists"
    )


def test_a_handler_its_module_does_not_define_is_an_error(lambdas: Path) -> None:
    with pytest.raises(ContractError) as caught:
        build_artifact(lambdas, "svc", "svc.handler.handel")
    assert str(caught.value) == (
        f"function 'svc': handler 'svc.handler.handel' names handel, which {lambdas / 'svc' / 'handler.py'} "
        "does not define at its top level"
    )


@pytest.mark.parametrize(
    "source",
    [
        "def handle(e, c):\n    return e\n",
        "async def handle(e, c):\n    return e\n",
        "handle = lambda e, c: e\n",
        "handle: object = print\n",
        "from shared.log import json as handle\n",
        "import json as handle\n",
        "if True:\n    def handle(e, c):\n        return e\n",
    ],
)
def test_a_handler_may_be_defined_or_imported(lambdas: Path, source: str) -> None:
    (lambdas / "svc" / "handler.py").write_text(source)
    assert build_artifact(lambdas, "svc", "svc.handler.handle").handler == "svc.handler.handle"


def test_zip_bytes_do_not_depend_on_mtime_or_line_endings(lambdas: Path) -> None:
    first = build_artifact(lambdas, "svc", "svc.handler.handle")
    os.utime(lambdas / "svc" / "handler.py", (1_700_000_000, 1_700_000_000))
    crlf = (lambdas / "svc" / "routes.py").read_bytes().replace(b"\n", b"\r\n")
    (lambdas / "svc" / "routes.py").write_bytes(crlf)
    second = build_artifact(lambdas, "svc", "svc.handler.handle")
    assert first.zip_bytes == second.zip_bytes
    assert first.s3_key == f"tapgen/svc/{first.sha256}.zip"


def test_changed_source_changes_the_key(lambdas: Path) -> None:
    before = build_artifact(lambdas, "svc", "svc.handler.handle").s3_key
    (lambdas / "shared" / "keys.py").write_text("KEY = 'changed'\n")
    assert build_artifact(lambdas, "svc", "svc.handler.handle").s3_key != before


def test_zip_entries_are_sorted_with_fixed_time_and_mode(lambdas: Path) -> None:
    archive = zipfile.ZipFile(io.BytesIO(deterministic_zip(lambdas, ["svc/routes.py", "shared/keys.py"])))
    infos = archive.infolist()
    assert [i.filename for i in infos] == ["shared/keys.py", "svc/routes.py"]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


def module_file(module: str) -> str:
    return module.replace(".", "/") + ".py"


@pytest.mark.parametrize("function", CONTRACT.FUNCTIONS, ids=lambda fn: fn.name)
def test_project_zips_hold_only_code_the_function_imports(function: FunctionContract) -> None:
    artifact = build_artifacts(ROOT / "lambdas")[function.name]
    assert all(f.endswith(".py") for f in artifact.files)
    assert not any("test" in f or "__pycache__" in f for f in artifact.files)
    assert "tap_shared/contract.py" in artifact.files
    assert module_file(function.module) in artifact.files
    others = {module_file(other.module) for other in CONTRACT.FUNCTIONS if other != function}
    assert not others & set(artifact.files)
    if function in CONTRACT.PROCESSORS:
        api_package = CONTRACT.API.module.split(".")[0]
        assert not any(f.startswith(f"{api_package}/") for f in artifact.files)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (b"import a.b, c\n", ["a.b", "c"]),
        (b"from . import (\n    x,\n    y,\n)\n", ["pkg", "pkg.x", "pkg.y"]),
        (b"def f():\n    from .z import \\\n        w\n", ["pkg.z", "pkg.z.w"]),
        (b"try:\n    import q\nexcept ImportError:\n    import r\n", ["q", "r"]),
        (b'"""Prose: from the start we import things."""\nx = 1\n', []),
    ],
    ids=["plain", "parenthesised", "nested-continued", "try-except", "docstring-prose"],
)
def test_import_scanner_finds_every_import_statement(source: bytes, expected: list[str]) -> None:
    assert list(imported_names(source, "pkg")) == expected
