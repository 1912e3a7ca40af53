"""`tapgen bootstrap` on a moto server: a bucket per region, created in its region; a second run changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tapgen.cli import main
from tapgen.local.emulator import Emulator
from tests.e2e.test_regions import REGIONS, in_region, regional_project

pytestmark = [pytest.mark.e2e]


def bootstrap(emulator: Emulator, config: Path, *extra: str) -> Result:
    args = ["bootstrap", "--env", "dev", "--endpoint-url", emulator.endpoint_url, "--config", str(config), *extra]
    return CliRunner().invoke(main, args)


def test_each_region_gets_its_bucket_in_its_region(emulator: Emulator, tmp_path: Path) -> None:
    config = regional_project(tmp_path)
    result = bootstrap(emulator, config, "--bucket", "tapgen-boot-{region}")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"created tapgen-boot-{region}" for region in REGIONS]
    for region in REGIONS:
        s3 = in_region(emulator, region).client("s3")
        assert (s3.get_bucket_location(Bucket=f"tapgen-boot-{region}")["LocationConstraint"] or "us-east-1") == region
        assert s3.get_bucket_versioning(Bucket=f"tapgen-boot-{region}")["Status"] == "Enabled"
    again = bootstrap(emulator, config, "--bucket", "tapgen-boot-{region}")
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines() == [f"exists tapgen-boot-{region}" for region in REGIONS]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--bucket", "one-bucket-for-all"), "needs a bucket per region"),
        (("--bucket", "b-{region}", "--region", "sa-east-1"), "not one of environment dev's regions"),
        (("--bucket", "B_{region}"), "must be an S3 bucket name"),
    ],
)
def test_bad_input_is_one_line_and_creates_nothing(
    emulator: Emulator, tmp_path: Path, extra: tuple[str, ...], message: str
) -> None:
    result = bootstrap(emulator, regional_project(tmp_path), *extra)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""
