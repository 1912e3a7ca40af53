"""tapgen's rules from cfn-lint itself: `cfn-lint TEMPLATE --append-rules tapgen.lint.cfn_lint_rules`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tapgen.lint.cfn_lint_rules import cfn_lint_id
from tapgen.lint.rules import RULES

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = Path(__file__).parent / "fixtures"
CFN_LINT = Path(sys.executable).parent / "cfn-lint"
KEY = """Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: false
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
            Action: kms:DescribeKey
            Resource: "*"
"""


def cfn_lint(path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    command = [str(CFN_LINT), str(path), "--append-rules", "tapgen.lint.cfn_lint_rules"]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False, timeout=120)


@pytest.mark.skipif(not CFN_LINT.exists(), reason="cfn-lint's command is installed beside this Python")
def test_cfn_lint_with_the_appended_rules_reports_the_tap_finding_on_its_line(tmp_path: Path) -> None:
    path = tmp_path / "key.yaml"
    path.write_text(KEY, encoding="utf-8")
    result = cfn_lint(path)
    assert result.returncode != 0, result.stderr
    assert "E9019 TAP019 Key: does not set EnableKeyRotation: true" in result.stdout
    assert f"{path}:5:7" in result.stdout


@pytest.mark.skipif(not CFN_LINT.exists(), reason="cfn-lint's command is installed beside this Python")
def test_a_tapgen_waiver_is_honoured_by_the_appended_rules(tmp_path: Path) -> None:
    waiver = (
        "    Metadata:\n      tapgen:\n        suppress:\n          - id: TAP019\n"
        "            reason: Rotation is done by re-importing key material yearly.\n"
    )
    path = tmp_path / "key.yaml"
    path.write_text(KEY.replace("    Properties:\n", waiver + "    Properties:\n", 1), encoding="utf-8")
    assert "TAP019" not in cfn_lint(path).stdout


def test_every_tap_rule_has_an_error_id_cfn_lint_does_not_use() -> None:
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner import Runner

    builtin = set(Runner(ConfigMixIn(include_checks=["I"])).rules)
    ids = [cfn_lint_id(rule.id) for rule in RULES]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("E9") for i in ids)
    assert not set(ids) & builtin


@pytest.mark.skipif(not CFN_LINT.exists(), reason="cfn-lint's command is installed beside this Python")
def test_sam_resources_are_translated_for_the_appended_rules_too() -> None:
    result = cfn_lint(FIXTURES / "sam_function.yaml")
    assert "E9003 TAP003 ReaderRole: attaches the AWS-managed policy" in result.stdout
    assert f"{FIXTURES / 'sam_function.yaml'}:10:3" in result.stdout  # the SAM function the role comes from
