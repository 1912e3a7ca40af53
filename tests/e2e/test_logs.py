"""`tapgen logs` on a moto server: an invoke's lines, in order, once each, also under --follow."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from tapgen.cli import main
from tapgen.cloud.logs import LogReader, log_group_of
from tapgen.local.emulator import Emulator
from tests.e2e.conftest import Deployer, kept_stack

pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")]


@pytest.fixture(scope="module")
def stack(emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployer]:
    with kept_stack(emulator, tmp_path_factory.mktemp("logs"), "e2e-logs") as deployer:
        yield deployer


def run(stack: Deployer, command: str, *args: str) -> tuple[int, str, str]:
    base = [command, "--env", "dev", "--suffix", stack.suffix, "--local", "--config", str(stack.config)]
    result = CliRunner().invoke(main, [*base, *args])
    return result.exit_code, result.stdout, result.stderr


def test_logs_show_an_invokes_lines_in_order(stack: Deployer) -> None:
    code, _, said = run(stack, "invoke", "api", "--sample")
    assert code == 0, said
    request = said.split("request ", 1)[1].split(":", 1)[0]

    code, out, said = run(stack, "logs", "api", "--request-id", request, "--format", "json")
    assert code == 0, said
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines and all(line["function"] == "api" for line in lines)
    assert all(line["record"]["requestId"] == request for line in lines)
    assert [line["time"] for line in lines] == sorted(line["time"] for line in lines)

    code, text, _ = run(stack, "logs", "--request-id", request)
    assert code == 0 and request in text and " api " in text


def test_follow_reads_each_line_once(stack: Deployer, emulator: Emulator) -> None:
    client = emulator.client("logs")
    group = log_group_of(f"tap-{stack.suffix}-document")
    reader = LogReader(client, {"document": group}, 0)
    first = reader.poll()
    run(stack, "invoke", "document", "--sample")
    second = reader.poll()
    third = reader.poll()
    run(stack, "invoke", "document", "--sample")
    fourth = reader.poll()
    assert second and not third and fourth
    ids = [line.event_id for line in [*first, *second, *fourth]]
    assert len(ids) == len(set(ids))


def test_bad_since_is_one_line(stack: Deployer) -> None:
    code, _, said = run(stack, "logs", "--since", "yesterday-ish")
    assert code == 2 and "--since" in said and len(said.strip().splitlines()) == 1
