"""The Lambda tests run on the Python the functions are deployed with, not only on the tools' 3.11."""

from __future__ import annotations

import configparser
import json

from tests.lambdas.conftest import ROOT


def deployed_runtimes() -> set[str]:
    """Every Lambda runtime the committed templates deploy."""
    return {
        resource["Properties"]["Runtime"]
        for template in (ROOT / "templates").glob("*.json")
        for resource in json.loads(template.read_text())["Resources"].values()
        if resource["Type"] == "AWS::Lambda::Function"
    }


def lambda_test_pythons() -> dict[str, str]:
    """The tox environments CI runs (its envlist) that run tests/lambdas, by their base Python."""
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(ROOT / "tox.ini")
    envlist = [name.strip() for name in tox["tox"]["envlist"].split(",")]
    return {
        tox[f"testenv:{name}"]["basepython"]: name
        for name in envlist
        if "tests/lambdas" in tox[f"testenv:{name}"].get("commands", "") and "basepython" in tox[f"testenv:{name}"]
    }


def test_ci_runs_the_lambda_tests_on_every_deployed_runtime() -> None:
    runtimes = deployed_runtimes()
    assert runtimes, "the templates deploy no function"
    assert runtimes <= set(lambda_test_pythons()), f"no tox environment in the envlist runs tests/lambdas on {runtimes}"


def test_a_missing_runtime_python_fails_ci_rather_than_skipping() -> None:
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(ROOT / "tox.ini")
    assert tox["tox"].getboolean("skip_missing_interpreters") is False
