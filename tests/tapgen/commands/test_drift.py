"""`tapgen drift`: exit codes and output on CloudFormation's response shapes (Stubber), and what --local cannot do."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from tapgen.cli import main
from tests.conftest import CONFIG
from tests.tapgen.deploy.stubs import stubbed
from tests.tapgen.deploy.test_drift import FUNCTION, QUEUE, TABLE, detection_status, stub_detection


@pytest.mark.parametrize(("pages", "code"), [([[FUNCTION, QUEUE, TABLE]], 1), ([[TABLE]], 0)])
def test_exits_1_on_drift_and_0_in_sync(
    pages: list[list[dict[str, Any]]], code: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfn, stub = stubbed("cloudformation")
    drift = "DRIFTED" if code else "IN_SYNC"
    stub_detection(stub, [detection_status("DETECTION_COMPLETE", drift)], pages)
    # then the hotswap marks, which CloudFormation's drift detection cannot see: no function here carries one
    stub.add_response("list_stack_resources", {"StackResourceSummaries": []}, {"StackName": "tap-dev"})
    monkeypatch.setattr("tapgen.commands.drift.remote_clients", lambda *_: lambda _service: cfn)
    with stub:
        result = CliRunner().invoke(main, ["drift", "--env", "dev", "--format", "json", "--config", str(CONFIG)])
    assert result.exit_code == code, result.output
    assert json.loads(result.stdout)["drifted"] is bool(code)


def test_says_what_local_cannot_do() -> None:
    result = CliRunner().invoke(main, ["drift", "--env", "dev", "--local", "--config", str(CONFIG)])
    assert result.exit_code == 2
    assert "does not implement drift detection" in result.stderr and "Traceback" not in result.output


def test_several_regions_each_get_a_section_and_the_exit_code_is_over_all(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from tests.tapgen.settings.helpers import BASE, write_config

    regions = ("us-east-1", "eu-west-1")
    config = write_config(tmp_path, BASE.replace("[env.dev]\n", f"[env.dev]\nregions = {list(regions)!r}\n", 1))
    stubs = {}
    answers = (("IN_SYNC", [[TABLE]]), ("DRIFTED", [[FUNCTION, QUEUE, TABLE]]))
    for region, (drift, pages) in zip(regions, answers, strict=True):
        cfn, stub = stubbed("cloudformation")
        stub_detection(stub, [detection_status("DETECTION_COMPLETE", drift)], pages)
        stub.add_response("list_stack_resources", {"StackResourceSummaries": []}, {"StackName": "tap-dev"})
        stubs[region] = (cfn, stub)
    asked: list[str] = []

    def clients(_settings: Any, aws: Any) -> Any:
        asked.append(aws.region)
        return lambda _service: stubs[aws.region][0]

    monkeypatch.setattr("tapgen.commands.drift.remote_clients", clients)
    with stubs["us-east-1"][1], stubs["eu-west-1"][1]:
        result = CliRunner().invoke(main, ["drift", "--env", "dev", "--format", "json", "--config", str(config)])
    assert asked == list(regions)
    assert result.exit_code == 1, result.output  # one region drifted
    report = json.loads(result.stdout)
    assert sorted(report) == sorted(regions)
    assert (report["us-east-1"]["drifted"], report["eu-west-1"]["drifted"]) == (False, True)
