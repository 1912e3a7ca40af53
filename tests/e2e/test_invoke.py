"""`tapgen invoke` on a moto server: --local runs the handler in-process from its zip against the kept emulator
(moto cannot run Lambda without Docker), samples come from the stack, bad input is one line and exit 2."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tapgen.cli import main
from tapgen.local.emulator import Emulator
from tests.e2e.conftest import Deployer, kept_stack

pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")]


@pytest.fixture(scope="module")
def stack(emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployer]:
    with kept_stack(emulator, tmp_path_factory.mktemp("invoke"), "e2e-inv") as deployer:
        yield deployer


def local(stack: Deployer, command: str, *args: str) -> Result:
    base = [command, "--env", "dev", "--suffix", stack.suffix, "--local", "--config", str(stack.config)]
    return CliRunner().invoke(main, [*base, *args])


def test_local_api_sample_answers_the_health_route(stack: Deployer) -> None:
    result = local(stack, "invoke", "api", "--sample")
    assert result.exit_code == 0, result.output
    response = json.loads(result.stdout)
    assert response["statusCode"] == 200 and json.loads(response["body"])["status"] == "ok"
    assert "request " in result.stderr and "ok; log tail" in result.stderr


def test_local_processor_sample_processes_an_upload(stack: Deployer) -> None:
    result = local(stack, "invoke", "image", "--sample")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


def test_an_event_file_is_sent(stack: Deployer, tmp_path: Path) -> None:
    fixture = sorted(Path("tests/lambdas/fixtures").glob("*.json"))
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"Records": []}) if not fixture else fixture[0].read_text())
    result = local(stack, "invoke", "data", "--event", str(event))
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("nosuch", "--sample"), "unknown function 'nosuch'"),
        (("api",), "--event FILE or --sample"),
        (("api", "--event", "{missing}"), "--event"),
        (("api", "--event", "{bad}"), "not JSON"),
        (("api", "--sample", "Nowhere"), "not a route to sample"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(stack: Deployer, tmp_path: Path, args: tuple[str, ...], words: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    args = tuple(a.replace("{missing}", str(tmp_path / "none.json")).replace("{bad}", str(bad)) for a in args)
    result = local(stack, "invoke", *args)
    assert result.exit_code == 2, result.output
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_no_stack_is_one_line_and_exit_2(stack: Deployer) -> None:
    base = ["invoke", "--env", "dev", "--suffix", "nostack", "--local", "--config", str(stack.config)]
    result = CliRunner().invoke(main, [*base, "api", "--sample"])
    assert result.exit_code == 2, result.output
    assert "does not exist" in result.stderr and len(result.stderr.strip().splitlines()) == 1
