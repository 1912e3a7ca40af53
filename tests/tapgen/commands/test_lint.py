"""`tapgen lint` from the command line: formats, exit codes, files and environments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tapgen.cli import main
from tapgen.lint.rules import RULES
from tests.conftest import CONFIG, ENVIRONMENTS, ROOT, rendered_template


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["lint", *args])
    return result.exit_code, result.stdout, result.stderr


# Nine lines whose aliases stand for a billion values.
ALIAS_BOMB = "\n".join(
    [
        "a0: &a0 [x, x, x, x, x, x, x, x, x, x]",
        *(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)),
        "Resources: {T: {Type: AWS::SNS::Topic, Metadata: {bomb: *a8}}}",
    ]
).encode()


@pytest.fixture
def broken_file(tmp_path: Path) -> Path:
    template = rendered_template("dev")
    template["Resources"]["ListFilesRoute"]["Properties"]["AuthorizationType"] = "NONE"
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(template), encoding="utf-8")
    return path


@pytest.mark.parametrize("output", ["text", "json"])
def test_a_clean_environment_exits_0(output: str) -> None:
    code, out, err = run("--env", "dev", "--format", output, "--config", str(CONFIG))
    assert code == 0
    if output == "text":
        assert out == ""
    else:
        (report,) = json.loads(out)
        assert (report["template"], report["findings"], report["suppressed"]) == ("dev (rendered)", [], [])
    assert "0 finding(s), 0 suppressed, in 1 template(s)" in err


def test_a_broken_file_exits_1_naming_rule_and_resource(broken_file: Path) -> None:
    code, out, _ = run(str(broken_file))
    assert code == 1
    assert f"{broken_file}: TAP015 ListFilesRoute: route 'GET /files' has no authorization" in out
    assert "fix: Set AuthorizationType" in out


def test_json_format_is_machine_readable(broken_file: Path) -> None:
    code, out, _ = run("--format", "json", str(broken_file))
    assert code == 1
    (report,) = json.loads(out)
    assert {"rule": "TAP015", "resource": "ListFilesRoute"}.items() <= report["findings"][0].items()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--env", "nope"), "nope"),
        ((), "give exactly one of --env NAME or --all"),
        (("--all", "templates/dev.json"), "not both"),
        (("missing.json",), "missing.json"),
        (("--region", "xx-nowhere-1", "templates/dev.json"), "not an AWS region"),
    ],
    ids=["unknown-env", "nothing-selected", "files-and-all", "missing-file", "unknown-region"],
)
def test_bad_usage_exits_2_with_a_message(args: tuple[str, ...], message: str) -> None:
    code, _, err = run(*args, "--config", str(CONFIG))
    assert code == 2
    assert message in err


@pytest.mark.parametrize("output", ["text", "json"])
def test_list_rules_prints_every_rule_with_its_reason(output: str) -> None:
    code, out, _ = run("--list-rules", "--format", output)
    assert code == 0
    for rule in RULES:
        assert rule.id in out
        assert rule.reason in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json", "not a JSON template"),
        (b'{"AWSTemplateFormatVersion": "2010-09-09"}', "no Resources mapping"),
        (b"\xff\xfe\x00binary", "not a UTF-8 text file"),
        (b"[" * 100_000 + b"\n", "nested more than 256 levels deep"),
        (b"Resources:\n  Topic: !Ref [unclosed\n", "not a JSON template and not a YAML one"),
        (ALIAS_BOMB, "YAML aliases are expanded"),
        (b"--- a\n--- b\n", "not a JSON template and not a YAML one"),
        (b"Resources:\n  B: !!python/object:os.system {}\n", "not a JSON template and not a YAML one"),
    ],
    ids=[
        "not-json",
        "no-resources",
        "not-text",
        "nested-100000-deep",
        "broken-yaml",
        "billion-laughs",
        "two-documents",
        "python-tag",
    ],
)
def test_a_file_that_is_not_a_template_exits_2_with_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "input.json"
    path.write_bytes(content)
    code, out, err = run(str(path))
    assert (code, out) == (2, "")
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_an_endless_device_is_refused_not_read_forever() -> None:
    code, _, err = run("/dev/zero")
    assert code == 2
    assert "/dev/zero: more than 4 MiB, not read" in err


def test_a_yaml_file_is_linted(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      KeyPolicy: {}\n")
    code, out, _ = run(str(path))
    assert code == 1
    where = "at Resources/Key/Properties/EnableKeyRotation, line 4, column 5"
    assert f"{path}: TAP019 Key: does not set EnableKeyRotation: true ({where})" in out


def test_a_template_over_the_inline_limit_gets_a_note_on_stderr() -> None:
    code, out, err = run("--env", "prod", "--config", str(CONFIG))
    assert (code, out) == (0, "")
    assert "prod (rendered): note: the template is " in err
    assert "deploy it from S3" in err


def test_sarif_format_names_the_file_as_given(broken_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(broken_file.parent)
    code, out, _ = run("--format", "sarif", broken_file.name)
    assert code == 1
    (result,) = [r for r in json.loads(out)["runs"][0]["results"] if r["ruleId"] == "TAP015"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "edited.json"


def test_the_pre_commit_hooks_run_existing_commands() -> None:
    import shlex

    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"tapgen-lint", "tapgen-render-check"}
    assert hooks["tapgen-render-check"]["pass_filenames"] is False
    for hook in hooks.values():
        program, *args = shlex.split(hook["entry"])
        assert program == "tapgen"
        result = CliRunner().invoke(main, [*args, "--help"])
        assert result.exit_code == 0, hook["id"]


def test_all_environments_are_linted_clean_in_one_run() -> None:
    code, out, err = run("--all", "--config", str(CONFIG))
    assert (code, out) == (0, "")
    assert f"0 finding(s), 0 suppressed, in {len(ENVIRONMENTS)} template(s)" in err


def test_json_starting_with_a_tab_is_linted(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('\t{"Resources": {"Key": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {}}}}}\n')
    code, out, _ = run(str(path))
    assert code == 1
    assert f"{path}: TAP019 Key: does not set EnableKeyRotation: true" in out
