"""Which differences a hotswap can carry: function code and plain-valued variables, nothing else."""

from __future__ import annotations

import copy
from typing import Any

from tapgen.cloud.hotswap_marks import mark_value, parse_mark
from tapgen.deploy.hotswap import plan_hotswap
from tapgen.deploy.watch import relevant, watch

PARAMETERS = {"ArtifactBucket": "artifacts", "EnvironmentSuffix": "dev"}


def template() -> dict[str, Any]:
    function = {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "Code": {"S3Bucket": {"Ref": "ArtifactBucket"}, "S3Key": "tapgen/api/aaa.zip"},
            "MemorySize": 256,
            "Environment": {"Variables": {"TAP_APP_VERSION": "aaa", "TABLE": {"Ref": "Table"}}},
        },
    }
    return {"Resources": {"Api": function, "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {"A": 1}}}}


def test_code_and_plain_variables_can_be_hotswapped() -> None:
    old, new = template(), template()
    new["Resources"]["Api"]["Properties"]["Code"]["S3Key"] = "tapgen/api/bbb.zip"
    new["Resources"]["Api"]["Properties"]["Environment"]["Variables"]["TAP_APP_VERSION"] = "bbb"
    plan = plan_hotswap(old, new, PARAMETERS, PARAMETERS)
    assert plan.possible, plan.blockers
    assert plan.code == {"Api": "tapgen/api/bbb.zip"}
    assert plan.variables == {"Api": {"TAP_APP_VERSION": "bbb"}}


def test_anything_else_is_named() -> None:
    old = template()
    cases = {
        "Api changes MemorySize": ("Api", "MemorySize", 512),
        "Table (AWS::DynamoDB::Table) changes Properties.A": ("Table", "A", 2),
    }
    for expected, (logical_id, key, value) in cases.items():
        new = copy.deepcopy(old)
        new["Resources"][logical_id]["Properties"][key] = value
        plan = plan_hotswap(old, new, PARAMETERS, PARAMETERS)
        assert plan.blockers == (expected,)
    new = copy.deepcopy(old)
    new["Resources"]["Api"]["Properties"]["Environment"]["Variables"]["TABLE"] = {"Ref": "Other"}
    assert "not a plain value" in plan_hotswap(old, new, PARAMETERS, PARAMETERS).reason()
    new = copy.deepcopy(old)
    new["Resources"]["Queue"] = {"Type": "AWS::SQS::Queue"}
    new["Outputs"] = {"X": {}}
    assert plan_hotswap(old, new, PARAMETERS, PARAMETERS).blockers == (
        "template section Outputs changes",
        "resource Queue is added",
    )
    other_bucket = {**PARAMETERS, "ArtifactBucket": "elsewhere"}
    assert "parameter ArtifactBucket changes" in plan_hotswap(old, old, PARAMETERS, other_bucket).reason()


def test_the_mark_says_when_and_which_zip() -> None:
    from datetime import UTC, datetime

    value = mark_value("ab" * 32, datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert value == "2025-01-02T03:04:05Z sha256=" + "ab" * 32
    assert parse_mark(value) == ("2025-01-02T03:04:05Z", "ab" * 32)


def test_watch_runs_a_round_per_batch_and_survives_a_failed_round() -> None:
    from pathlib import Path

    from tapgen.errors import TapgenError

    outcomes = iter(["hotswapped", TapgenError("stale"), "deployed"])
    lines: list[str] = []

    def run_round() -> str:
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    rounds = watch([Path("lambdas")], run_round, lines.append, changes=[{1}, {1, 2}, {3}])
    assert rounds == 3
    assert [line.split("] ", 1)[1].split(" (")[0] for line in lines[1:4]] == [
        "1 file(s) changed: hotswapped",
        "2 file(s) changed: failed: stale",
        "1 file(s) changed: deployed",
    ]
    assert lines[-1] == "stopped watching after 3 round(s)"
    assert not relevant("lambdas/tap_api/__pycache__/x.pyc") and relevant("lambdas/tap_api/handler.py")
