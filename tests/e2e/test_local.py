"""`--local` never reads the person's AWS configuration: not the profile, not ~/.aws, not in moto's import."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import copy_project

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_local_deploy_ignores_a_profile_and_a_broken_aws_config(tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    config = copy_project(tmp_path / "project")
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "config").write_text("[profile work\nregion = = ?\n")  # unparseable
    (home / ".aws" / "credentials").write_text("[work]\naws_access_key_id = REAL\n")
    environment = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    environment |= {"HOME": str(home), "AWS_PROFILE": "work", "AWS_DEFAULT_PROFILE": "work"}

    # A process of its own: moto and boto3 must be imported fresh, under the person's environment.
    result = subprocess.run(
        [sys.executable, "-m", "tapgen", "deploy", "--env", "dev", "--local", "--yes", "--config", str(config)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path / "project",
        env=environment,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr
    assert "smoke test passed" in result.stderr
    assert "Traceback" not in result.stderr


def test_local_deploy_of_several_regions_runs_each_in_the_one_emulator(tmp_path: Path) -> None:
    from tests.e2e.test_regions import REGIONS, regional_project

    config = regional_project(tmp_path)
    environment = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    result = subprocess.run(
        [sys.executable, "-m", "tapgen", "deploy", "--env", "dev", "--local", "--yes", "--config", str(config)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env=environment,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("smoke test passed") == len(REGIONS)
    assert all(f"[{region}]" in result.stderr for region in REGIONS)
    outputs = __import__("json").loads(result.stdout)
    assert sorted(outputs) == sorted(REGIONS)  # outputs keyed by region
    assert len({outputs[region]["UploadsBucketName"] for region in REGIONS}) == len(REGIONS)
