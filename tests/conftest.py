"""Fixtures shared by the whole suite: the project's settings and rendered templates."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tapgen.code.contract import load_contract
from tapgen.settings import Settings, load_settings
from tapgen.synth.render import render

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "tapgen.toml"
CONTRACT = load_contract(ROOT / "lambdas")  # the functions, their roles and the upload routing
HTTP_ENVIRONMENTS = ("dev", "staging", "prod")
REST_ENVIRONMENTS = ("partner",)
ENVIRONMENTS = (*HTTP_ENVIRONMENTS, *REST_ENVIRONMENTS)
Template = dict[str, Any]


@cache
def settings_for(env: str) -> Settings:
    return load_settings(env, CONFIG)


@cache
def rendered_text(env: str) -> str:
    return render(settings_for(env))


def rendered_template(env: str) -> Template:
    """A fresh parsed copy of the environment's render (tests may mutate it)."""
    return json.loads(rendered_text(env))


@pytest.fixture(params=ENVIRONMENTS)
def env(request: pytest.FixtureRequest) -> str:
    """Parametrises a test over every environment in tapgen.toml."""
    name: str = request.param
    return name


@pytest.fixture
def settings(env: str) -> Settings:
    return settings_for(env)


@pytest.fixture
def template(env: str) -> Template:
    return rendered_template(env)


def props(resources: dict[str, Any], logical_id: str) -> dict[str, Any]:
    """The Properties of one resource, from a template's Resources mapping."""
    properties: dict[str, Any] = resources[logical_id]["Properties"]
    return properties


def resources_of_type(template: Template, resource_type: str) -> dict[str, dict[str, Any]]:
    return {lid: r for lid, r in template["Resources"].items() if r["Type"] == resource_type}


def only_resource(template: Template, resource_type: str) -> dict[str, Any]:
    matches = list(resources_of_type(template, resource_type).values())
    assert len(matches) == 1, f"expected one {resource_type}, found {len(matches)}"
    return matches[0]


@pytest.fixture
def of_type(template: Template) -> Callable[[str], dict[str, dict[str, Any]]]:
    return lambda resource_type: resources_of_type(template, resource_type)
