"""The wave planner and the rollout: the canary alone, then the rest a few at a time; a failure stops it."""

from __future__ import annotations

import pytest

from tapgen.deploy.flow import Console
from tapgen.deploy.rollout import DEPLOYED, FAILED, NOT_STARTED, roll_out, waves

R = ("us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1")


@pytest.mark.parametrize(
    ("regions", "parallel", "expected"),
    [
        pytest.param(R[:1], 2, [R[:1]], id="one-region"),
        pytest.param(R[:3], 1, [R[:1], R[1:2], R[2:3]], id="one-at-a-time"),
        pytest.param(R[:3], 2, [R[:1], R[1:3]], id="canary-then-two"),
        pytest.param(R, 2, [R[:1], R[1:3], R[3:5]], id="five-by-two"),
        pytest.param(R, 3, [R[:1], R[1:4], R[4:5]], id="five-by-three"),
        pytest.param(R, 20, [R[:1], R[1:]], id="all-after-the-canary"),
        pytest.param((), 2, [], id="none"),
    ],
)
def test_waves(regions: tuple[str, ...], parallel: int, expected: list[tuple[str, ...]]) -> None:
    assert waves(regions, parallel) == expected


def test_waves_need_one_at_a_time_at_least() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        waves(R, 0)


def quiet(lines: list[str]) -> Console:
    return Console(say=lines.append, confirm=lambda _: True, interactive=False)


def test_a_failure_stops_the_rollout_after_its_wave() -> None:
    started: list[str] = []

    def run_one(region: str, console: Console) -> tuple[str, str]:
        started.append(region)
        console.say("uploading\nsecond line")
        if region == R[1]:
            raise RuntimeError("bucket missing")
        return DEPLOYED, region

    lines: list[str] = []
    rollout = roll_out(R, 2, run_one, quiet(lines))
    assert sorted(started) == sorted(R[:3])  # the failing region's wave finishes; no later wave starts
    statuses = {o.region: o.status for o in rollout.outcomes}
    assert statuses == {R[0]: DEPLOYED, R[1]: FAILED, R[2]: DEPLOYED, R[3]: NOT_STARTED, R[4]: NOT_STARTED}
    assert rollout.failed and rollout.outcomes[1].reason == "bucket missing"
    assert f"[{R[1]}] second line" in lines and all(line.startswith(("[", "wave ")) for line in lines)
    summary = rollout.summary("deploy")
    assert summary[0] == "deploy, region by region:" and summary[4] == f"  {R[3]:<14}  not started"
    assert summary[2].startswith(f"  {R[1]:<14}  failed in ") and summary[2].endswith(": bucket missing")


def test_the_canary_failing_starts_nothing_else() -> None:
    def run_one(region: str, console: Console) -> tuple[str, None]:
        raise RuntimeError("no")

    rollout = roll_out(R[:3], 2, run_one, quiet([]))
    assert [o.status for o in rollout.outcomes] == [FAILED, NOT_STARTED, NOT_STARTED]
