"""checkov, the external security judge, on every environment's template: zero failed checks.

A check may be skipped only in the resource's Metadata, with a reason; the skips allowed are listed here
so that a new one is a visible diff in review.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tapgen.synth.builders import compute
from tests.conftest import CONTRACT, ENVIRONMENTS, ROOT

FUNCTIONS = tuple(compute.logical_id(fn.name, "Function") for fn in CONTRACT.FUNCTIONS)
# (check, resource) → why it does not apply; the reasons themselves live in the template.
ALLOWED_SKIPS = {
    **{
        ("CKV_AWS_117", f"AWS::Lambda::Function.{fn}"): "outside a VPC: calls only AWS APIs over TLS"
        for fn in FUNCTIONS
    },
    # A DeadLetterConfig would duplicate the on-failure destination (processors) or never fire (api).
    **{("CKV_AWS_116", f"AWS::Lambda::Function.{fn}"): "failures routed by EventInvokeConfig" for fn in FUNCTIONS},
    ("CKV_AWS_18", "AWS::S3::Bucket.AccessLogBucket"): "the access-log bucket does not log into itself",
    ("CKV_AWS_59", "AWS::ApiGateway::Method.HealthGetMethod"): "GET /health is open by design (REST flavour)",
    ("CKV_AWS_120", "AWS::ApiGateway::Stage.RestApiStage"): "no cache: answers are per caller (REST flavour)",
}


def checkov_binary() -> str:
    configured = os.environ.get("TAPGEN_CHECKOV")
    if configured:
        assert Path(configured).is_file(), f"TAPGEN_CHECKOV={configured} does not exist"
        return configured
    found = shutil.which("checkov")
    if found is None:
        pytest.skip("checkov is not installed here (tox -e tests installs it and sets TAPGEN_CHECKOV)")
    return found


@cache
def checkov_results() -> dict[str, dict[str, Any]]:
    """checkov's JSON report per template file, from one run over templates/."""
    command = [checkov_binary(), "-d", str(ROOT / "templates"), "--framework", "cloudformation", "-o", "json"]
    # --skip-download: no calls to Bridgecrew's platform (there is no network in CI either).
    result = subprocess.run([*command, "--skip-download"], capture_output=True, text=True, check=False)
    try:
        reports = json.loads(result.stdout)
    except ValueError:
        pytest.fail(f"checkov exited {result.returncode} without a JSON report:\n{result.stderr[-2000:]}")
    reports = reports if isinstance(reports, list) else [reports]
    by_file: dict[str, dict[str, Any]] = {}
    for report in reports:
        for kind in ("failed_checks", "skipped_checks", "passed_checks"):
            for check in report["results"].get(kind, []):
                by_file.setdefault(Path(check["file_path"]).stem, {}).setdefault(kind, []).append(check)
    return by_file


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_checkov_finds_no_failed_check(env: str) -> None:
    results = checkov_results().get(env, {})
    assert results.get("passed_checks"), f"checkov did not evaluate templates/{env}.json"
    failed = [(c["check_id"], c["resource"], c["check_name"]) for c in results.get("failed_checks", [])]
    assert failed == []


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_checkov_skips_only_the_allowed_checks_with_reasons(env: str) -> None:
    skipped = checkov_results().get(env, {}).get("skipped_checks", [])
    assert {(c["check_id"], c["resource"]) for c in skipped} <= set(ALLOWED_SKIPS)
    template = json.loads((ROOT / "templates" / f"{env}.json").read_text(encoding="utf-8"))
    for resource in template["Resources"].values():
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            assert len(skip["comment"].split()) >= 8, f"{skip['id']} is skipped without a real reason"
