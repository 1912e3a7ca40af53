"""`tapgen diff`: two files offline, and usage errors in one line (against a stack: tests/e2e/test_diff.py)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tapgen.cli import main
from tests.conftest import CONFIG, rendered_template


def test_local_without_a_running_emulator_says_how_to_start_one(fresh_project: Path) -> None:
    result = CliRunner().invoke(main, ["diff", "--env", "dev", "--local", "--config", str(fresh_project)])
    assert result.exit_code == 2
    assert "tapgen deploy --env dev --local --keep" in result.stderr


def test_an_unknown_format_is_a_usage_error(fresh_project: Path) -> None:
    result = CliRunner().invoke(main, ["diff", "--env", "dev", "--format", "yaml", "--config", str(fresh_project)])
    assert result.exit_code == 2


def test_no_credentials_is_one_line(fresh_project: Path, no_aws_account: None) -> None:
    result = CliRunner().invoke(main, ["diff", "--env", "dev", "--config", str(fresh_project)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no AWS credentials found") and "Traceback" not in result.output


def _write(path: Path, template: dict[str, Any]) -> Path:
    path.write_text(json.dumps(template))
    return path


def test_two_files_compare_offline(tmp_path: Path) -> None:
    old = rendered_template("dev")
    new = copy.deepcopy(old)
    new["Resources"]["MetadataTable"]["Properties"]["KeySchema"][0]["AttributeName"] = "id"
    files = [str(_write(tmp_path / "old.json", old)), str(_write(tmp_path / "new.json", new))]
    result = CliRunner().invoke(main, ["diff", *files, "--format", "json", "--exit-code"])
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert [(r["logicalId"], r["replacementPaths"]) for r in document["resources"]] == [
        ("MetadataTable", ["KeySchema"])
    ]
    same = CliRunner().invoke(main, ["diff", files[0], files[0], "--exit-code"])
    assert (same.exit_code, same.stdout.endswith("no differences\n")) == (0, True)


def test_two_files_show_what_a_replacement_replaces_in_turn(tmp_path: Path) -> None:
    old = rendered_template("dev")
    new = copy.deepcopy(old)
    new["Resources"]["ApiFunction"]["Properties"]["FunctionName"] = "tap-dev-api-v2"
    files = [str(_write(tmp_path / "old.json", old)), str(_write(tmp_path / "new.json", new))]
    document = json.loads(CliRunner().invoke(main, ["diff", *files, "--format", "json"]).stdout)
    assert [(r["logicalId"], r["replacementPaths"], r["replacementChain"]) for r in document["resources"]] == [
        ("ApiFunction", ["FunctionName"], []),
        (
            "ApiInvokePermission",
            ["FunctionName"],
            [
                {
                    "path": "FunctionName",
                    "references": "ApiFunction",
                    "reason": "FunctionName references ApiFunction, which is replaced",
                }
            ],
        ),
    ]
    text = CliRunner().invoke(main, ["diff", *files]).stdout
    assert "    replaced because FunctionName references ApiFunction, which is replaced\n" in text


@pytest.mark.parametrize(
    "arguments",
    [
        [],  # neither --env nor files
        ["--env", "dev", "a.json", "b.json"],  # both
        ["a.json"],  # one file
    ],
)
def test_either_an_environment_or_two_files(arguments: list[str], tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("a.json", "b.json"):
        (tmp_path / name).write_text("{}")
    result = CliRunner().invoke(main, ["diff", *arguments, "--config", str(CONFIG)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: give") and "Traceback" not in result.output


@pytest.mark.parametrize(("content", "message"), [(b"[1, 2]", "not a CloudFormation template"), (b"\xff\xfe", "UTF-8")])
def test_a_file_that_is_no_template_is_a_usage_error(content: bytes, message: str, tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_bytes(content)
    (tmp_path / "good.json").write_text("{}")
    result = CliRunner().invoke(main, ["diff", str(tmp_path / "good.json"), str(tmp_path / "bad.json")])
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output
