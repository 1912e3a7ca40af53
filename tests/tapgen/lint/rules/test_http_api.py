"""The routes lint lets through open are exactly the routes the Lambda contract declares open."""

from __future__ import annotations

from tapgen.lint.rules.http_api import PUBLIC_ROUTES
from tapgen.lint.rules.rest_api import REST_PUBLIC_METHODS
from tests.conftest import CONTRACT


def test_lint_allows_open_exactly_the_contracts_open_routes() -> None:
    assert {f"{method} {path}" for method, path in CONTRACT.open_routes} == PUBLIC_ROUTES


def test_the_rest_flavour_allows_the_same_routes() -> None:
    assert set(CONTRACT.open_routes) == REST_PUBLIC_METHODS
