"""The Lambda side of the contract: variables are read only by their contract names, and only where deployed.

tests/tapgen/code/test_contract.py checks the template side; this parses lambdas/ with `ast`, so a
function reading a variable its FunctionContract does not list (which the template would then not
set) fails here, before any deploy.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

from tap_shared import contract
from tapgen.code.artifacts import ImportGraph

LAMBDAS = Path(__file__).resolve().parents[2] / "lambdas"
MODULES = sorted(p.relative_to(LAMBDAS).as_posix() for p in LAMBDAS.rglob("*.py"))
ENV_NAMES = {name: value for name, value in vars(contract).items() if name.startswith("ENV_")}


@cache
def tree(module: str) -> ast.Module:
    return ast.parse((LAMBDAS / module).read_text(), module)


def _is_environ(node: ast.expr) -> bool:
    """`os.environ` or a bare `environ`."""
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )


def environment_reads(module: ast.Module) -> list[ast.expr]:
    """The name argument of every `os.environ[...]`, `os.environ.get(...)`, `os.getenv(...)` in a module."""
    names: list[ast.expr] = []
    for node in ast.walk(module):
        if isinstance(node, ast.Subscript) and _is_environ(node.value):
            names.append(node.slice)
        elif isinstance(node, ast.Call) and node.args:
            function = node.func
            if isinstance(function, ast.Attribute) and (
                (function.attr in {"get", "pop", "setdefault"} and _is_environ(function.value))
                or function.attr == "getenv"
            ):
                names.append(node.args[0])
    return names


def contract_names_used(module: ast.Module) -> set[str]:
    """The `contract.ENV_*` names a module refers to: its only reason to is to read that variable."""
    return {
        node.attr
        for node in ast.walk(module)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("ENV_")
        and isinstance(node.value, ast.Name)
        and node.value.id == "contract"
    }


@pytest.mark.parametrize("module", MODULES)
def test_variables_are_read_by_contract_name_not_by_string(module: str) -> None:
    parsed = tree(module)
    literal_reads = [
        f"line {name.lineno}: {ast.unparse(name)}"
        for name in environment_reads(parsed)
        if not (isinstance(name, ast.Attribute) and name.attr in ENV_NAMES) and not isinstance(name, ast.Name)
    ]
    assert literal_reads == [], f"{module} reads environment variables by literal: {literal_reads}"
    if module != "tap_shared/contract.py":
        spelled_out = [
            f"line {node.lineno}: {node.value!r}"
            for node in ast.walk(parsed)
            if isinstance(node, ast.Constant) and node.value in ENV_NAMES.values()
        ]
        assert spelled_out == [], f"{module} spells out contract variable names: {spelled_out}"


@pytest.mark.parametrize("function", contract.FUNCTIONS, ids=lambda f: f.name)
def test_every_variable_a_function_reads_is_in_its_contract(function: contract.FunctionContract) -> None:
    shipped = ImportGraph(LAMBDAS).closure(function.module)
    read = {ENV_NAMES[name]: module for module in shipped for name in contract_names_used(tree(module))}
    undeclared = {name: module for name, module in read.items() if name not in function.environment}
    assert undeclared == {}, f"the {function.name} function reads variables its contract does not list"


@pytest.mark.parametrize("function", contract.FUNCTIONS, ids=lambda f: f.name)
def test_every_variable_in_a_contract_is_read(function: contract.FunctionContract) -> None:
    shipped = ImportGraph(LAMBDAS).closure(function.module)
    read = {ENV_NAMES[name] for module in shipped for name in contract_names_used(tree(module))}
    assert set(function.environment) - read == set(), "the template would set variables nothing reads"


def test_the_checks_see_a_literal_read() -> None:
    sample = ast.parse(
        "import os\na = os.environ['TAP_X']\nb = os.getenv('Y')\nc = os.environ.get(contract.ENV_TABLE_NAME)"
    )
    reads = environment_reads(sample)
    assert [ast.unparse(r) for r in reads] == ["'TAP_X'", "'Y'", "contract.ENV_TABLE_NAME"]
    assert contract_names_used(sample) == {"ENV_TABLE_NAME"}


def test_the_handler_answers_exactly_the_contracts_routes() -> None:
    """The template sends the contract's routes to the api function; tap_api/routes.py must answer each, and no more."""
    from tap_api.routes import ROUTES as HANDLER_ROUTES

    handled = {(method, path) for path, methods in HANDLER_ROUTES.items() for method in methods}
    assert handled == {(route.method, route.path) for route in contract.ROUTES}
