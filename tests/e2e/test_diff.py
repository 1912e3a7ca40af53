"""`tapgen diff` against a moto server: clean after deploy, exactly the change after a builder changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tapgen.local.emulator import Emulator
from tapgen.settings import load_settings
from tapgen.synth.render import render, template_path, write
from tests.conftest import CONTRACT
from tests.e2e.conftest import Deployer, copy_project, deployed

pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")]


def diff(stack: Deployer, *extra: str) -> tuple[int, str, str]:
    result = stack.tapgen("diff", *extra)
    return result.exit_code, result.stdout, result.stderr


def test_diff_before_and_after_a_change_and_its_deploy(emulator: Emulator, tmp_path: Path) -> None:
    config = copy_project(tmp_path)
    stack = deployed(emulator, config, "dev", "e2e-diff")

    code, out, err = diff(stack, "--exit-code")
    assert (code, out) == (0, "tap-e2e-diff: no differences\n"), err

    # A table of its own at the end: it takes no keys from the tables before it, whatever tapgen.toml sets for dev.
    config.write_text(config.read_text() + "\n[env.dev.functions.api]\nmemory_mb = 1024\n")
    settings = load_settings("dev", config)
    write(template_path(tmp_path / "templates", settings), render(settings))

    code, out, _ = diff(stack, "--exit-code")
    assert code == 1
    assert "[~] AWS::Lambda::Function ApiFunction\n    MemorySize: 256 → 1024\n" in out
    code, out, _ = diff(stack, "--format", "json")
    assert code == 0  # without --exit-code, a diff that ran exits 0
    document = json.loads(out)
    assert document["differences"] is True and document["stackExists"] is True
    assert [(r["logicalId"], r["action"], [p["path"] for p in r["properties"]]) for r in document["resources"]] == [
        ("ApiFunction", "modify", ["MemorySize"])
    ]
    assert document["security"] == [] and document["outputs"] == [] and document["parameters"] == []

    assert stack.deploy().exit_code == 0
    code, out, _ = diff(stack, "--exit-code")
    assert (code, out) == (0, "tap-e2e-diff: no differences\n")


def test_a_stack_that_does_not_exist_is_everything_added(emulator: Emulator, shared_project: Path) -> None:
    stack = Deployer(emulator, shared_project, "dev", "e2e-diff-none")
    code, out, _ = diff(stack, "--format", "json", "--exit-code")
    assert code == 1
    document = json.loads(out)
    assert document["stackExists"] is False
    template = json.loads((shared_project.parent / "templates" / "dev.json").read_text())
    assert sorted(r["logicalId"] for r in document["resources"] if r["action"] == "add") == sorted(
        template["Resources"]
    )


def test_a_stale_template_is_refused(emulator: Emulator, tmp_path: Path) -> None:
    config = copy_project(tmp_path)
    handler = (config.parent / "lambdas" / CONTRACT.API.module.replace(".", "/")).with_suffix(".py")
    handler.write_text(handler.read_text() + "\n# changed after the templates were rendered\n")
    code, out, err = diff(Deployer(emulator, config, "dev", "e2e-diff-stale"))
    assert code == 1 and out == ""
    assert "is stale" in err and "Traceback" not in err
