"""Approved plans: read strictly, compared with a deploy's security changes by content."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tapgen.diff import diff_templates
from tapgen.diff.approval import PlanError, plan_differences, read_plan
from tapgen.diff.report import as_json

ROLE = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": []}}}
DOC = {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
NEW = {
    "Resources": {
        "R": ROLE,
        "P": {"Type": "AWS::IAM::RolePolicy", "Properties": {"RoleName": "r", "PolicyDocument": DOC}},
    }
}
OLD = {"Resources": {"R": ROLE}}


def written_plan(tmp_path: Path, old: dict, new: dict, stack: str = "tap-dev") -> Path:
    path = tmp_path / "plan.json"
    path.write_text(as_json(diff_templates(old, new), stack, True))
    return path


def test_the_same_changes_are_approved_whatever_the_file_looks_like(tmp_path: Path) -> None:
    path = written_plan(tmp_path, OLD, NEW)
    reformatted = json.loads(path.read_text())
    path.write_text(json.dumps(reformatted, indent=None, sort_keys=False))  # another hash, the same content
    assert plan_differences(read_plan(path), "tap-dev", diff_templates(OLD, NEW).security) == ()


def test_a_change_not_in_the_plan_and_one_gone_are_both_named(tmp_path: Path) -> None:
    plan = read_plan(written_plan(tmp_path, OLD, NEW))
    wider = json.loads(json.dumps(NEW))
    wider["Resources"]["P"]["Properties"]["PolicyDocument"]["Statement"][0]["Action"] = "s3:*"
    differences = plan_differences(plan, "tap-dev", diff_templates(OLD, wider).security)
    assert differences == (
        "not in the plan: P PolicyDocument added (broadening)",
        "in the plan but not in this deploy: P PolicyDocument added",
    )


def test_a_plan_for_another_stack_is_not_this_deploys(tmp_path: Path) -> None:
    plan = read_plan(written_plan(tmp_path, OLD, NEW, stack="tap-prod"))
    assert plan_differences(plan, "tap-dev", diff_templates(OLD, NEW).security) == (
        "the plan is for stack 'tap-prod', this deploy is of 'tap-dev'",
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is not JSON"),
        (b"\xff\xfe", "is not JSON"),
        (b"[]", "is not the JSON of `tapgen diff --format json`"),
        (b'{"formatVersion": 2, "security": []}', "formatVersion 1"),
        (b'{"formatVersion": 1}', "'security' must be a list"),
        (b'{"formatVersion": 1, "security": [{"resource": 1}]}', "'security' must be a list"),
    ],
)
def test_anything_but_a_diffs_json_is_a_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(content)
    with pytest.raises(PlanError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_plan(path)


def test_a_missing_plan_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="cannot read"):
        read_plan(tmp_path / "absent.json")


def test_a_plan_of_several_regions_is_compared_region_by_region(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    sections = {"eu-west-1": json.loads(as_json(diff_templates(OLD, NEW), "tap-dev", True))}
    sections["us-east-1"] = json.loads(as_json(diff_templates(NEW, NEW), "tap-dev", True))
    path.write_text(json.dumps(sections))
    plan = read_plan(path)
    changes = diff_templates(OLD, NEW).security
    assert plan_differences(plan, "tap-dev", changes, "eu-west-1") == ()
    assert plan_differences(plan, "tap-dev", changes, "us-east-1") == (
        "not in the plan: P PolicyDocument added (broadening)",
    )
    assert plan_differences(plan, "tap-dev", changes, "ap-south-1") == (
        "the plan has no section for region ap-south-1 (it has eu-west-1, us-east-1)",
    )


def test_a_plan_whose_regions_are_of_different_stacks_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    sections = {r: json.loads(as_json(diff_templates(OLD, NEW), f"tap-{r}", True)) for r in ("a", "b")}
    path.write_text(json.dumps(sections))
    with pytest.raises(PlanError, match="different stacks"):
        read_plan(path)
