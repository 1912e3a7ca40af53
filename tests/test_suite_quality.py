"""Every test asserts something: a test whose body cannot fail proves nothing (issue 21).

A test function passes this check when it holds an `assert`, a `pytest.raises`/`pytest.warns`/`pytest.fail`, or a
mock's or stubber's `.assert_*()` call; or calls a helper of its own module named `assert_*`, `check_*` or `expect_*`
that itself passes (a helper named otherwise, such as one that only refuses a traceback, does not count).
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent
HELPER_PREFIXES = ("assert_", "check_", "expect_")
PYTEST_CHECKS = {"raises", "warns", "fail", "deprecated_call"}

Function = ast.FunctionDef | ast.AsyncFunctionDef


def called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def checks_directly(function: Function) -> bool:
    for node in ast.walk(function):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner, name = node.func.value, node.func.attr
            if isinstance(owner, ast.Name) and owner.id == "pytest" and name in PYTEST_CHECKS:
                return True
            if name.startswith("assert_"):
                return True
    return False


def checks(function: Function, local: dict[str, Function], seen: frozenset[str]) -> bool:
    if checks_directly(function):
        return True
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        name = called_name(node)
        if name is None or name in seen or not name.startswith(HELPER_PREFIXES) or name not in local:
            continue
        if checks(local[name], local, seen | {name}):
            return True
    return False


def unchecked_tests(path: Path, root: Path = TESTS.parent) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
    local: dict[str, Function] = {}
    for function in functions:
        local.setdefault(function.name, function)
    return [
        f"{path.relative_to(root)}:{function.lineno}::{function.name}"
        for function in functions
        if function.name.startswith("test") and not checks(function, local, frozenset({function.name}))
    ]


def test_every_test_function_asserts_something() -> None:
    files = sorted(TESTS.rglob("*.py"))
    assert len(files) > 100  # the walk found the suite
    unchecked = [test for path in files for test in unchecked_tests(path)]
    assert unchecked == [], "tests that cannot fail: " + ", ".join(unchecked)


def test_the_check_tells_a_test_that_asserts_from_one_that_does_not(tmp_path: Path) -> None:
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "import pytest\n"
        "def assert_helper(x):\n    assert x\n"
        "def check_quietly(x):\n    return x\n"
        "def quiet(x):\n    return x\n"
        "def test_asserts():\n    assert 1\n"
        "def test_raises():\n    with pytest.raises(ValueError):\n        int('x')\n"
        "def test_mock(m):\n    m.assert_called_once_with(1)\n"
        "def test_local_helper():\n    assert_helper(1)\n"
        "def test_quiet_helper():\n    check_quietly(1)\n"
        "def test_imported_helper():\n    assert_answered(1)\n"
        "def test_nothing():\n    quiet(1)\n"
        "class TestGroup:\n    def test_silent(self):\n        pass\n",
        encoding="utf-8",
    )
    found = [entry.rsplit("::", 1)[1] for entry in unchecked_tests(sample, tmp_path)]
    assert found == ["test_quiet_helper", "test_imported_helper", "test_nothing", "test_silent"]
