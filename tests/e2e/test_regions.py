"""Several regions on one moto server: a stack per region, each function's code from its own region's bucket,
outputs per region, no name shared between regions, a failure that stops the rollout, and each command per region."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tapgen.cli import main
from tapgen.local.emulator import Emulator, create_bucket
from tests.e2e.conftest import copy_project

REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")
GLOBAL_TYPES = ("AWS::IAM::Role", "AWS::S3::Bucket", "AWS::CloudWatch::Dashboard")


def regional_project(tmp_path: Path, *lines: str) -> Path:
    """The project with dev in three regions (and `lines` added to [env.dev])."""
    config = tmp_path / "tapgen.toml"
    copy_project(tmp_path)
    text = config.read_text(encoding="utf-8")
    regions = ", ".join(f'"{region}"' for region in REGIONS)
    added = "".join(f"{line}\n" for line in (f"regions = [{regions}]", *lines))
    config.write_text(text.replace("[env.dev]\n", f"[env.dev]\n{added}", 1), encoding="utf-8")
    return config


def in_region(emulator: Emulator, region: str) -> Emulator:
    return Emulator(emulator.endpoint_url, region)


def buckets(emulator: Emulator, suffix: str, regions: tuple[str, ...] = REGIONS) -> str:
    for region in regions:
        create_bucket(in_region(emulator, region), f"tapgen-e2e-{suffix}-{region}")
    return f"tapgen-e2e-{suffix}-{{region}}"


def tapgen(emulator: Emulator, config: Path, command: str, suffix: str, *extra: str) -> Result:
    args = [command, "--env", "dev", "--suffix", suffix, "--endpoint-url", emulator.endpoint_url]
    return CliRunner().invoke(main, [*args, "--config", str(config), *extra])


def deploy(emulator: Emulator, config: Path, suffix: str, bucket: str, *extra: str) -> Result:
    outputs = config.parent / "cfn-outputs" / f"{suffix}.json"
    return tapgen(
        emulator, config, "deploy", suffix, "--bucket", bucket, "--yes", "--require-approval", "never",
        "--outputs-file", str(outputs), *extra,
    )  # fmt: skip


def stack(emulator: Emulator, region: str, name: str) -> dict[str, Any] | None:
    cfn = in_region(emulator, region).client("cloudformation")
    stacks = [s for s in cfn.list_stacks()["StackSummaries"] if s["StackName"] == name]
    live = [s for s in stacks if s["StackStatus"] != "DELETE_COMPLETE"]
    if not live:
        return None
    found: dict[str, Any] = cfn.describe_stacks(StackName=name)["Stacks"][0]
    return found


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return regional_project(tmp_path_factory.mktemp("regions"), "max_parallel_regions = 2")


def test_deploy_every_region_then_diff_outputs_destroy(emulator: Emulator, project: Path) -> None:
    bucket = buckets(emulator, "three")
    result = deploy(emulator, project, "three", bucket)
    assert result.exit_code == 0, result.output
    for region in REGIONS:
        assert f"[{region}] started" in result.stderr
        assert f"  {region:<14}  deployed in " in result.stderr
    # the canary alone, then the other two at once (max_parallel_regions = 2)
    assert "wave 1 of 2: us-east-1" in result.stderr and "wave 2 of 2: eu-west-1, ap-southeast-2" in result.stderr

    outputs = json.loads((project.parent / "cfn-outputs" / "three.json").read_text(encoding="utf-8"))
    assert sorted(outputs) == sorted(REGIONS)
    names: list[str] = []
    for region in REGIONS:
        deployed = stack(emulator, region, "tap-three")
        assert deployed is not None and deployed["StackStatus"].endswith("_COMPLETE")
        parameters = {p["ParameterKey"]: p["ParameterValue"] for p in deployed["Parameters"]}
        assert parameters["ArtifactBucket"] == f"tapgen-e2e-three-{region}"  # each function's code: its region's
        assert outputs[region]["UploadsBucketName"].endswith(f"-{region}")
        resources = (
            in_region(emulator, region)
            .client("cloudformation")
            .describe_stack_resources(StackName="tap-three")["StackResources"]
        )
        names += [r["PhysicalResourceId"] for r in resources if r.get("ResourceType") in GLOBAL_TYPES]
    assert len(names) == len(set(names)) and len(names) >= 3 * 6  # no global name shared between regions

    again = deploy(emulator, project, "three", bucket)
    assert again.exit_code == 0, again.output
    assert all(f"  {region:<14}  unchanged in " in again.stderr for region in REGIONS)

    picked = tapgen(emulator, project, "outputs", "three", "--region", "eu-west-1", "--outputs-file",
                    str(project.parent / "eu.json"))  # fmt: skip
    assert picked.exit_code == 0, picked.output
    assert json.loads(picked.stdout)["UploadsBucketName"].endswith("-eu-west-1")  # one region: the flat file

    every = tapgen(emulator, project, "outputs", "three", "--outputs-file", str(project.parent / "all.json"))
    assert every.exit_code == 0, every.output
    assert sorted(json.loads(every.stdout)) == sorted(REGIONS)

    diff = tapgen(emulator, project, "diff", "three")
    assert diff.exit_code == 0, diff.output
    assert all(f"[{region}]\n" in diff.stdout for region in REGIONS), diff.stdout

    gone = tapgen(emulator, project, "destroy", "three", "--yes")
    assert gone.exit_code == 0, gone.output
    assert all(stack(emulator, region, "tap-three") is None for region in REGIONS)


def test_a_failure_in_the_second_region_stops_the_rollout(emulator: Emulator, tmp_path: Path) -> None:
    config = regional_project(tmp_path)  # the default: one region at a time after the canary
    bucket = buckets(emulator, "stop", regions=(REGIONS[0], REGIONS[2]))  # none in the second region
    result = deploy(emulator, config, "stop", bucket)
    assert result.exit_code == 1, result.output
    summary = result.stderr[result.stderr.index("region by region:") :]
    assert f"  {REGIONS[0]:<14}  deployed in " in summary
    assert f"  {REGIONS[1]:<14}  failed in " in summary and "NoSuchBucket" in summary
    assert f"  {REGIONS[2]:<14}  not started" in summary
    assert "the rollout of tap-stop stopped" in result.stderr
    assert stack(emulator, REGIONS[0], "tap-stop") is not None
    assert stack(emulator, REGIONS[2], "tap-stop") is None  # untouched
    assert (
        not in_region(emulator, REGIONS[2])
        .client("s3")
        .list_objects_v2(Bucket="tapgen-e2e-stop-ap-southeast-2")
        .get("Contents")
    )
    assert tapgen(emulator, config, "destroy", "stop", "--yes", "--region", REGIONS[0]).exit_code == 0


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        pytest.param(("--bucket", "one-bucket"), "put {region} in the name", id="bucket-without-placeholder"),
        pytest.param(
            ("--bucket", "b-{region}", "--region", "us-west-2"), "--region us-west-2: not one of", id="outside"
        ),
    ],
)
def test_bad_input_is_one_line_and_uploads_nothing(
    emulator: Emulator, project: Path, extra: tuple[str, ...], expected: str
) -> None:
    result = tapgen(emulator, project, "deploy", "bad", "--yes", *extra)
    assert result.exit_code == 2, result.output
    assert expected in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert all(stack(emulator, region, "tap-bad") is None for region in REGIONS)
