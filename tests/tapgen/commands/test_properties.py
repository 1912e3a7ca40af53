"""Property tests: no settings file and no command line makes tapgen raise a traceback.

Whatever the input, a run ends in exit 0, 1 or 2; a failing run says why in lines that start with `error:`.
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
import tomllib
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from tapgen.cli import main
from tests.conftest import CONFIG, ROOT

PROPERTY = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
BASE = tomllib.loads(CONFIG.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def project() -> Iterator[Path]:
    """A directory with the project's lambdas and templates, whose tapgen.toml each example rewrites."""
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        shutil.copy(CONFIG, root / "tapgen.toml")
        shutil.copytree(ROOT / "lambdas", root / "lambdas", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(ROOT / "templates", root / "templates")
        yield root


def assert_answered(result: Result) -> None:
    """Exit 0, 1 or 2, never an exception; a failure is explained in `error:` (or a check's `stale:`) lines."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1, 2), result.exit_code
    if result.exit_code != 0:
        lines = result.stderr.splitlines()
        assert lines, "a failure must say why"
        if result.exit_code == 2:  # exit 1 may be a check's findings (`stale: ...`), not an error
            assert any(line.startswith("error: ") for line in lines), result.stderr[:2000]
        assert all(line.startswith(("error: ", "stale: ", "warning: ")) for line in lines), result.stderr[:2000]


# --- settings files ------------------------------------------------------------------------------

SCALARS = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.booleans(),
    st.text(max_size=40),
    st.sampled_from(["*", "https://a.example.com:99999", "Ops@Example.COM", "aws:x", "python3.13", "jwt", "prod"]),
    st.dates(),
    st.times(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12,
)


def toml_value(value: Any) -> str:
    """`value` as one line of TOML (inline tables and arrays)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return ("-" if value < 0 else "+") + "inf" if math.isinf(value) else "nan" if math.isnan(value) else repr(value)
    if isinstance(value, int | datetime | date | time):
        return value.isoformat() if not isinstance(value, int) else str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)} = {toml_value(v)}" for k, v in value.items()) + "}"


def paths(table: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for key, value in table.items():
        found.append((*prefix, key))
        if isinstance(value, dict):
            found.extend(paths(value, (*prefix, key)))
    return found


BASE_PATHS = paths(BASE)


@st.composite
def documents(draw: st.DrawFn) -> str:
    """tapgen.toml with a few keys set to anything, removed, or added, written back as TOML."""
    document = json.loads(json.dumps(BASE))
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(BASE_PATHS))
        parent: Any = document
        for key in path[:-1]:
            parent = parent.get(key) if isinstance(parent, dict) else None
        if not isinstance(parent, dict):
            continue
        action = draw(st.sampled_from(["set", "delete", "add"]))
        if action == "set":
            parent[path[-1]] = draw(VALUES)
        elif action == "delete":
            parent.pop(path[-1], None)
        else:
            parent[draw(st.text(min_size=1, max_size=12))] = draw(VALUES)
    return "\n".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in document.items()) + "\n"


def test_the_serialiser_round_trips_the_project_settings() -> None:
    text = "\n".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in BASE.items())
    assert tomllib.loads(text) == BASE


@PROPERTY
@given(text=documents(), env=st.sampled_from(["dev", "staging", "prod"]))
def test_any_settings_document_is_answered(project: Path, text: str, env: str) -> None:
    config = project / "tapgen.toml"
    config.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["render", "--env", env, "--config", str(config)])
    assert_answered(result)
    event(f"exit {result.exit_code}")
    if result.exit_code == 0:
        assert json.loads(result.stdout)["Parameters"]["EnvironmentSuffix"]["Default"] == env


@st.composite
def bent_settings(draw: st.DrawFn) -> bytes:
    """The project's tapgen.toml with bytes inserted, deleted or replaced, or a deep nest spliced in."""
    data = bytearray(CONFIG.read_bytes())
    for _ in range(draw(st.integers(1, 3))):
        value_starts = [i + 2 for i in range(len(data)) if data[i : i + 2] == b"= "]
        position = draw(st.one_of(st.integers(0, len(data)), st.sampled_from(value_starts)))
        opener = draw(st.sampled_from([b"[", b"{a = ", b"a.", b"\xef\xbb\xbf", b"\x00", b'"', b"\n[env.x]\n"]))
        insert = opener * draw(st.integers(1, 3000)) if len(opener) < 3 else opener
        data[position : position + draw(st.integers(0, 4))] = draw(st.one_of(st.just(insert), st.binary(max_size=8)))
    return bytes(data)


@PROPERTY
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode), bent_settings()))
def test_any_bytes_as_settings_are_answered(project: Path, data: bytes) -> None:
    config = project / "tapgen.toml"
    config.write_bytes(data)
    assert_answered(CliRunner().invoke(main, ["render", "--all", "--check", "--config", str(config)]))


# --- command lines -------------------------------------------------------------------------------

COMMANDS = ["render", "package", "deploy", "outputs", "destroy"]
FLAGS = ["--all", "--check", "--yes", "--no-execute", "--allow-replacement", "--help", "--version"]
OPTIONS = ["--env", "--config", "--bucket", "--region", "--profile", "--endpoint-url", "--outputs-file",
           "--stack-name", "--suffix"]  # fmt: skip
VALUES_GIVEN = st.one_of(
    st.sampled_from(
        [
            "dev",
            "prod",
            "staging",
            "qa",
            "tapgen.toml",
            "templates",
            "templates/dev.json",
            "lambdas",
            "/",
            "/dev/null",
            "/dev/zero",
            "",
            "-",
            "http://127.0.0.1:9",
            "not a url",
            "http://[::1",
            "eu-west-1",
            "artifacts",
            "x" * 300,
        ]
    ),
    st.text(max_size=20),
)


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    """A command, then options with values and flags in any order: far enough to reach each command's body."""
    argv = [draw(st.sampled_from(COMMANDS))]
    for _ in range(draw(st.integers(0, 6))):
        if draw(st.booleans()):
            argv += [draw(st.sampled_from(OPTIONS)), draw(VALUES_GIVEN)]
        else:
            argv.append(draw(st.sampled_from(FLAGS)))
    return argv


@PROPERTY
@given(
    argv=st.one_of(
        command_lines(), st.lists(st.one_of(VALUES_GIVEN, st.sampled_from(COMMANDS + FLAGS + OPTIONS)), max_size=8)
    )
)
@example(argv=["render", "--config", "\x00"])  # found in random order: click let os.stat's ValueError through
def test_any_command_line_is_answered(
    project: Path, no_aws_account: None, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    shutil.copy(CONFIG, project / "tapgen.toml")
    monkeypatch.chdir(project)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    result = CliRunner().invoke(main, argv)
    assert_answered(result)
    event(f"exit {result.exit_code}")
