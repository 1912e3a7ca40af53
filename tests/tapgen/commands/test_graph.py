"""`tapgen graph` from the outside: sources, formats, views and usage errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tapgen.cli import main
from tapgen.graph import build_graph
from tapgen.graph.formats import mermaid
from tests.conftest import CONFIG, ROOT, rendered_template


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["graph", *args])
    return result.exit_code, result.stdout, result.stderr


def test_env_draws_the_fresh_render() -> None:
    code, out, _ = invoke("--env", "prod", "--view", "flow", "--config", str(CONFIG))
    assert code == 0
    assert out == mermaid(build_graph(rendered_template("prod"), "flow"))


def test_a_template_file_is_drawn_as_json() -> None:
    code, out, _ = invoke(str(ROOT / "templates" / "dev.json"), "--format", "json", "--view", "access")
    assert code == 0
    document = json.loads(out)
    assert {edge["kind"] for edge in document["edges"]} == {"access"}
    assert any(e["source"] == "ImageRole" and e["target"] == "UploadsBucket" for e in document["edges"])


def test_dot_format() -> None:
    code, out, _ = invoke(str(ROOT / "templates" / "dev.json"), "--format", "dot")
    assert code == 0 and out.startswith("digraph template {")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("not json", "not JSON (Expecting value at line 1)", id="not-json"),
        pytest.param("[1]", "not a CloudFormation template: the document is not a JSON object", id="list"),
        pytest.param("{}", "not a CloudFormation template: no Resources mapping", id="no-resources"),
        pytest.param(None, "no such file or directory: check the path", id="missing"),
    ],
)
def test_bad_template_files_are_one_line_usage_errors(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "t.json"
    if content is not None:
        path.write_text(content)
    code, out, err = invoke(str(path))
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [pytest.param([], id="neither"), pytest.param(["templates/dev.json", "--env", "dev"], id="both")],
)
def test_exactly_one_source(args: list[str]) -> None:
    code, _, err = invoke(*args)
    assert code == 2 and "give exactly one of TEMPLATE_FILE or --env NAME" in err
