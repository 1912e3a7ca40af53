"""One error model: every expected failure is a TapgenError with its exit code, reported as one line."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tapgen.commands.common import reported_errors
from tapgen.errors import EXIT_FINDINGS, EXIT_USAGE, DeployError, TapgenError
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (TapgenError("bad usage"), EXIT_USAGE),
        (DeployError("AWS refused it"), EXIT_FINDINGS),
        (DeployError("wrong account", EXIT_USAGE), EXIT_USAGE),
    ],
)
def test_each_error_is_one_line_with_its_exit_code(
    error: TapgenError, code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited, reported_errors():
        raise error
    assert exited.value.code == code
    assert capsys.readouterr().err == f"error: {error}\n"


def test_no_other_error_class_carries_an_exit_code() -> None:
    """A second hierarchy with its own exit codes would need a translator again."""
    owners = []
    for path in sorted((ROOT / "src" / "tapgen").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(target, ast.Attribute) and target.attr == "exit_code"
                for child in ast.walk(node)
                if isinstance(child, ast.Assign)
                for target in child.targets
            ):
                owners.append(f"{Path(path).relative_to(ROOT)}:{node.name}")
    assert owners == ["src/tapgen/errors.py:TapgenError"]
