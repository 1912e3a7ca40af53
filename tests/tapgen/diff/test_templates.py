"""The diff engine on pairs of tapgen's own renders: exactly what changed, replacements, stateful resources."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest

from tapgen.cfn.stateful import STATEFUL_TYPES
from tapgen.cfn.values import ABSENT
from tapgen.diff import diff_templates
from tapgen.diff.model import TemplateDiff
from tapgen.synth.render import render
from tests.conftest import CONTRACT, ENVIRONMENTS, ROOT, Template, rendered_template, settings_for


def changed(diff: TemplateDiff) -> set[tuple[str, str]]:
    """(logical id, property or attribute path) of every resource change."""
    return {(r.logical_id, c.joined) for r in diff.resources for c in (*r.properties, *r.attributes)}


def render_with(env: str, **changes: Any) -> Template:
    import json

    settings = settings_for(env)
    for dotted, value in changes.items():
        settings = _replaced(settings, dotted.split("__"), value)
    return dict(json.loads(render(settings)))


def _replaced(obj: Any, path: list[str], value: Any) -> Any:
    """`obj` with the setting at `path` (fields, or entries of a table such as `functions`) set to `value`."""
    if isinstance(obj, dict):
        return {**obj, path[0]: value if len(path) == 1 else _replaced(obj[path[0]], path[1:], value)}
    if len(path) == 1:
        return dataclasses.replace(obj, **{path[0]: value})
    return dataclasses.replace(obj, **{path[0]: _replaced(getattr(obj, path[0]), path[1:], value)})


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_a_render_against_itself_has_no_differences(env: str) -> None:
    assert diff_templates(rendered_template(env), rendered_template(env)).empty


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_a_missing_stack_is_every_resource_added(env: str) -> None:
    template = rendered_template(env)
    diff = diff_templates({}, template)
    assert [(r.logical_id, r.action, r.resource_type) for r in diff.resources] == [
        (logical_id, "add", template["Resources"][logical_id]["Type"]) for logical_id in sorted(template["Resources"])
    ]
    assert {r.logical_id for r in diff.resources if r.stateful} == {
        logical_id for logical_id, r in template["Resources"].items() if r["Type"] in STATEFUL_TYPES
    }
    assert {o.name for o in diff.outputs} == set(template["Outputs"])
    assert {p.name for p in diff.parameters} == set(template["Parameters"])


def test_removing_every_resource_loses_the_data_of_each_stateful_one() -> None:
    template = rendered_template("dev")
    diff = diff_templates(template, {})
    assert {r.logical_id for r in diff.resources if r.destroys_data} == {
        logical_id for logical_id, r in template["Resources"].items() if r["Type"] in STATEFUL_TYPES
    }
    assert all(r.action == "remove" for r in diff.resources)


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        ("functions__api__memory_mb", 1024, {("ApiFunction", "MemorySize")}),
        ("functions__image__timeout_seconds", 90, {("ImageFunction", "Timeout"), ("ImageDurationAlarm", "Threshold")}),
        ("api__throttling_burst", 41, {("ApiDefaultStage", "DefaultRouteSettings/ThrottlingBurstLimit")}),
        ("alarms__api_5xx_threshold", 6, {("Api5xxAlarm", "Threshold")}),
        (
            "noncurrent_version_expiry_days",
            8,
            {("UploadsBucket", "LifecycleConfiguration/Rules/0/NoncurrentVersionExpiration/NoncurrentDays")},
        ),
    ],
)
def test_one_setting_changed_is_exactly_its_properties(setting: str, value: Any, expected: set[Any]) -> None:
    diff = diff_templates(rendered_template("dev"), render_with("dev", **{setting: value}))
    assert changed(diff) == expected
    assert all(r.action == "modify" and not r.replacement for r in diff.resources)
    assert diff.security == () and diff.outputs == () and diff.parameters == ()


def test_before_and_after_values_are_the_written_ones() -> None:
    diff = diff_templates(rendered_template("dev"), render_with("dev", functions__api__memory_mb=1024))
    ((change,),) = [r.properties for r in diff.resources]
    assert (change.path, change.before, change.after, change.kind) == (("MemorySize",), 256, 1024, "modified")


def test_a_key_schema_change_is_predicted_as_the_tables_replacement(tmp_path: Path) -> None:
    import json

    shutil.copytree(ROOT / "lambdas", tmp_path / "lambdas", ignore=shutil.ignore_patterns("__pycache__"))
    contract = tmp_path / "lambdas" / "tap_shared" / "contract.py"
    contract.write_text(contract.read_text().replace('TABLE_PARTITION_KEY = "fileId"', 'TABLE_PARTITION_KEY = "id"'))
    settings = dataclasses.replace(settings_for("prod"), lambdas_dir=tmp_path / "lambdas")
    diff = diff_templates(rendered_template("prod"), json.loads(render(settings)))
    (table,) = [r for r in diff.resources if r.logical_id == "MetadataTable"]
    assert table.replacement == ("KeySchema",)
    assert table.stateful and table.destroys_data
    paths = {c.joined for c in table.properties}
    assert "KeySchema/0/AttributeName" in paths
    assert [r.logical_id for r in diff.resources if r.replacement] == ["MetadataTable"]


def test_a_parameter_value_that_renames_resources_predicts_their_replacement() -> None:
    template = rendered_template("dev")
    diff = diff_templates(template, template, {"EnvironmentSuffix": "dev"}, {"EnvironmentSuffix": "dev2"})
    replaced = {r.logical_id: r.replacement for r in diff.resources}
    assert replaced["UploadsBucket"] == ("BucketName",)
    assert replaced["MetadataTable"] == ("TableName",)
    assert all(r.properties == () for r in diff.resources)  # the template text is the same
    (parameter,) = diff.parameters
    assert (parameter.name, [(c.joined, c.before, c.after) for c in parameter.changes]) == (
        "EnvironmentSuffix",
        [("Value", "dev", "dev2")],
    )


def test_unchanged_parameter_values_change_nothing() -> None:
    template = rendered_template("dev")
    values = {"EnvironmentSuffix": "dev", "ArtifactBucket": "b"}
    assert diff_templates(template, template, values, {"EnvironmentSuffix": "dev"}).empty


@pytest.mark.parametrize(
    ("before", "after", "replaced"),
    [
        ("tap-dev-x", {"Fn::Sub": "tap-${EnvironmentSuffix}-x"}, True),
        ({"Fn::Sub": "tap-${EnvironmentSuffix}-x"}, "tap-dev-x", True),
        ({"Fn::Sub": "tap-${EnvironmentSuffix}-x"}, {"Fn::Sub": "tap-${EnvironmentSuffix}-y"}, True),
        ({"Ref": "AWS::NoValue"}, {"Ref": "AWS::NoValue"}, False),
    ],
)
def test_intrinsic_functions_on_either_side_are_shown_as_written(before: Any, after: Any, replaced: bool) -> None:
    old, new = rendered_template("dev"), rendered_template("dev")
    old["Resources"]["DeadLetterQueue"]["Properties"]["QueueName"] = before
    new["Resources"]["DeadLetterQueue"]["Properties"]["QueueName"] = after
    diff = diff_templates(old, new)
    if not replaced:
        assert diff.empty
        return
    ((queue),) = diff.resources
    assert [(c.joined, c.before, c.after) for c in queue.properties] == [("QueueName", before, after)]
    assert queue.replacement == ("QueueName",) and queue.destroys_data


def test_resource_attributes_are_reported_apart_from_properties() -> None:
    diff = diff_templates(rendered_template("dev"), rendered_template("prod"))
    (table,) = [r for r in diff.resources if r.logical_id == "MetadataTable"]
    assert {(c.joined, c.before, c.after) for c in table.attributes} == {
        ("DeletionPolicy", "Delete", "Retain"),
        ("UpdateReplacePolicy", "Delete", "Retain"),
    }
    assert [(c.joined, c.before, c.after) for c in table.properties] == [("DeletionProtectionEnabled", False, True)]


def test_outputs_and_other_sections() -> None:
    old, new = rendered_template("dev"), rendered_template("dev")
    new["Outputs"]["ApiUrl"]["Value"] = {"Fn::Sub": "https://${HttpApi}.example.com"}
    del new["Outputs"]["KeyArn"]
    new["Outputs"]["Extra"] = {"Value": "x"}
    new["Description"] = "changed"
    diff = diff_templates(old, new)
    assert [(o.name, o.action) for o in diff.outputs] == [("ApiUrl", "modify"), ("Extra", "add"), ("KeyArn", "remove")]
    (url,) = diff.outputs[0].changes
    assert url.joined == "Value" and url.after == {"Fn::Sub": "https://${HttpApi}.example.com"}
    assert [(e.name, e.changes[0].after) for e in diff.other] == [("Description", "changed")]
    assert diff.resources == ()


def test_a_list_item_inserted_is_one_addition_not_a_shifted_list() -> None:
    old, new = rendered_template("dev"), rendered_template("dev")
    variables = new["Resources"]["ApiRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    variables.insert(1, {"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": ["*"]})
    (role,) = diff_templates(old, new).resources
    assert [(c.joined, c.before) for c in role.properties] == [("Policies/0/PolicyDocument/Statement/1", ABSENT)]


def resource(kind: str, **properties: Any) -> dict[str, Any]:
    return {"Type": kind, "Properties": properties}


def function(name: str, **properties: Any) -> dict[str, Any]:
    return resource("AWS::Lambda::Function", FunctionName=name, **properties)


def permission(**properties: Any) -> dict[str, Any]:
    return resource(
        "AWS::Lambda::Permission", Action="lambda:InvokeFunction", Principal="s3.amazonaws.com", **properties
    )


def key(spec: str) -> dict[str, Any]:
    return resource("AWS::KMS::Key", KeySpec=spec)


def database(key_id: Any) -> dict[str, Any]:
    return resource("AWS::RDS::DBInstance", DBInstanceClass="db.t4g.micro", KmsKeyId=key_id)


def queue(name: Any) -> dict[str, Any]:
    return resource("AWS::SQS::Queue", QueueName=name)


KEY_ARN = {"Fn::GetAtt": ["Key", "Arn"]}
RENAMED_FUNCTION = {"Fn": (function("f"), function("g"))}
NEW_KEY_SPEC = {"Key": (key("SYMMETRIC_DEFAULT"), key("RSA_2048"))}
RENAMED_QUEUE = {"Queue": (queue("q"), queue("r"))}


@pytest.mark.parametrize(
    ("changed_resources", "unchanged_resources", "expected"),
    [
        pytest.param(
            RENAMED_FUNCTION,
            {"Perm": permission(FunctionName={"Ref": "Fn"})},
            {"Perm": ["FunctionName references Fn, which is replaced"]},
            id="Ref",
        ),
        pytest.param(
            NEW_KEY_SPEC,
            {"Db": database(KEY_ARN)},
            {"Db": ["KmsKeyId references Key, which is replaced"]},
            id="GetAtt",
        ),
        pytest.param(
            RENAMED_QUEUE,
            {
                "Sub": resource(
                    "AWS::SNS::Subscription", Protocol="sqs", TopicArn="t", Endpoint={"Fn::Sub": "${Queue.Arn}"}
                )
            },
            {"Sub": ["Endpoint references Queue, which is replaced"]},
            id="Fn::Sub ${X.Arn}",
        ),
        pytest.param(
            NEW_KEY_SPEC,
            {"Db": database({"Fn::If": ["Encrypted", KEY_ARN, {"Ref": "AWS::NoValue"}]})},
            {"Db": ["KmsKeyId references Key, which is replaced"]},
            id="inside Fn::If",
        ),
        pytest.param(
            {"A": (resource("AWS::S3::Bucket", BucketName="a"), resource("AWS::S3::Bucket", BucketName="b"))},
            {
                "B": resource("AWS::S3::Bucket", BucketName={"Fn::Sub": "${A}-logs"}),
                "C": resource("AWS::S3::BucketPolicy", Bucket={"Ref": "B"}, PolicyDocument={}),
            },
            {"B": ["BucketName references A, which is replaced"], "C": ["Bucket references B, which is replaced"]},
            id="two steps A -> B -> C",
        ),
        pytest.param(
            RENAMED_FUNCTION,
            {"A": queue({"Fn::Sub": "${Fn}-${B.QueueName}"}), "B": queue({"Fn::Sub": "${A.QueueName}-b"})},
            {
                "A": ["QueueName references B, which is replaced", "QueueName references Fn, which is replaced"],
                "B": ["QueueName references A, which is replaced"],
            },
            id="a cycle ends",
        ),
        pytest.param(
            NEW_KEY_SPEC,
            {"Db": database(KEY_ARN), "User": function("u", KmsKeyArn=KEY_ARN)},
            {"Db": ["KmsKeyId references Key, which is replaced"]},
            id="a reference in a property that is not create-only does not chain",
        ),
        pytest.param(
            RENAMED_FUNCTION,
            {
                "Perm": permission(FunctionName={"Ref": "Fn"}),
                "Other": permission(FunctionName={"Ref": "OtherFunction"}, SourceAccount={"Ref": "AWS::AccountId"}),
            },
            {"Perm": ["FunctionName references Fn, which is replaced"]},
            id="a Ref to a parameter or pseudo-parameter does not chain",
        ),
    ],
)
def test_a_resource_that_references_a_replaced_one_in_a_create_only_property_is_replaced(
    changed_resources: dict[str, tuple[Any, Any]], unchanged_resources: dict[str, Any], expected: dict[str, list[str]]
) -> None:
    parameters = {"OtherFunction": {"Type": "String"}}
    old = {
        "Parameters": parameters,
        "Resources": {**{k: v[0] for k, v in changed_resources.items()}, **unchanged_resources},
    }
    new = {
        "Parameters": parameters,
        "Resources": {**{k: v[1] for k, v in changed_resources.items()}, **unchanged_resources},
    }
    diff = diff_templates(old, new)
    chained = {r.logical_id: [link.reason for link in r.chained] for r in diff.resources if r.chained}
    assert chained == expected
    assert {r.logical_id for r in diff.resources} == set(changed_resources) | set(expected)
    for dependent in (r for r in diff.resources if r.chained):
        # replaced as a whole, its own text unchanged: the paths that hold the references are the cause
        assert (dependent.action, dependent.properties) == ("modify", ())
        assert dependent.replacement == tuple(dict.fromkeys(link.path for link in dependent.chained))


def test_a_renamed_environment_also_replaces_what_references_its_renamed_functions() -> None:
    template = rendered_template("dev")
    diff = diff_templates(template, template, {"EnvironmentSuffix": "dev"}, {"EnvironmentSuffix": "dev2"})
    chained = {r.logical_id: [link.reason for link in r.chained] for r in diff.resources if r.chained}
    assert chained == {
        "AccessLogBucketPolicy": ["Bucket references AccessLogBucket, which is replaced"],
        "ApiInvokePermission": ["FunctionName references ApiFunction, which is replaced"],
        "UploadsBucketPolicy": ["Bucket references UploadsBucket, which is replaced"],
        **{
            f"{kind}EventInvokeConfig": [f"FunctionName references {kind}Function, which is replaced"]
            for kind in (function.name.capitalize() for function in CONTRACT.PROCESSORS)
        },
    }
    # A resource that the new value replaces directly needs no chain to say so (its SourceArn names the bucket).
    replaced = {r.logical_id: r.replacement for r in diff.resources}
    assert replaced["ImageS3Permission"] == ("SourceArn",)
    assert all(r.properties == () for r in diff.resources)
