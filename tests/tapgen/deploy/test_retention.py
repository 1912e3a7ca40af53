"""What a deployed template says about its data: the marker, and every DeletionPolicy that keeps a resource."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tapgen.deploy.retention import readable_template, retention_of
from tapgen.errors import DeployError
from tests.conftest import ROOT
from tests.tapgen.deploy.stubs import stubbed

BUCKET = {"Type": "AWS::S3::Bucket"}


@pytest.mark.parametrize(
    ("template", "marked", "kept"),
    [
        pytest.param({"Resources": {"B": BUCKET}}, False, (), id="not-tapgen-nothing-kept"),
        pytest.param({"Metadata": {"tapgen": {"retainData": False}}, "Resources": {"B": BUCKET}}, False, (), id="dev"),
        pytest.param({"Metadata": {"tapgen": {"retainData": True}}, "Resources": {}}, True, (), id="marked"),
        pytest.param({"Metadata": {"tapgen": {"retainData": "false"}}, "Resources": {}}, True, (), id="odd-marker"),
        pytest.param({"Resources": {"B": {**BUCKET, "DeletionPolicy": "Retain"}}}, False, ("B",), id="retain"),
        pytest.param(
            {"Resources": {"B": {**BUCKET, "DeletionPolicy": "RetainExceptOnCreate"}}}, False, ("B",), id="retain-eoc"
        ),
        pytest.param(
            {"Resources": {"B": {**BUCKET, "DeletionPolicy": {"Fn::If": ["C", "Retain", "Delete"]}}}},
            False,
            ("B",),
            id="conditional-counts-as-kept",
        ),
        pytest.param({"Resources": {"B": {**BUCKET, "DeletionPolicy": "Delete"}}}, False, (), id="explicit-delete"),
    ],
)
def test_retention_facts(template: dict[str, Any], marked: bool, kept: tuple[str, ...]) -> None:
    retention = retention_of(template)
    assert (retention.marked, retention.kept) == (marked, kept)
    assert bool(retention.reasons) == (marked or bool(kept))


@pytest.mark.parametrize(("env", "retained"), [("dev", False), ("staging", False), ("prod", True)])
def test_committed_templates_say_what_their_environment_retains(env: str, retained: bool) -> None:
    template = json.loads((ROOT / "templates" / f"{env}.json").read_text())
    assert bool(retention_of(template).reasons) == retained


@pytest.mark.parametrize("body", ["Resources:\n  B:\n    Type: AWS::S3::Bucket\n", "[]", '{"no": "resources"}'])
def test_a_deployed_template_that_cannot_be_judged_is_refused(body: str) -> None:
    cfn, stub = stubbed("cloudformation")
    stub.add_response("get_template", {"TemplateBody": body}, {"StackName": "s", "TemplateStage": "Original"})
    with stub, pytest.raises(DeployError, match="cannot tell whether it keeps data: refusing"):
        readable_template(cfn, "s")
