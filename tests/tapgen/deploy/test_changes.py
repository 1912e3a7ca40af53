"""Change sets: parsing CloudFormation's DescribeChangeSet, the replacement guard, and "no changes"."""

from __future__ import annotations

import json

import pytest

from tapgen.deploy.changes import (
    ChangeDetail,
    ChangeSet,
    ChangeSetRequest,
    ResourceChange,
    change_table,
    create_change_set,
    data_loss,
    with_predicted_replacements,
)
from tapgen.errors import DeployError
from tests.tapgen.deploy.stubs import (
    CHANGE_SET_ID,
    STACK_ID,
    change_set_description,
    resource_change,
    stack_description,
    stubbed,
)

REQUEST = ChangeSetRequest("tap-dev", "tapgen-1", "UPDATE", {"ArtifactBucket": "b"}, template_body="{}")
CREATED = {"Id": CHANGE_SET_ID, "StackId": STACK_ID}


def no_sleep(_: float) -> None:
    pass


def test_changes_are_read_from_every_page() -> None:
    cfn, stub = stubbed("cloudformation")
    stub.add_response("create_change_set", CREATED, REQUEST.arguments())
    first = change_set_description("CREATE_COMPLETE", [resource_change("Add", "Queue", "AWS::SQS::Queue")])
    stub.add_response("describe_change_set", {**first, "NextToken": "page-2"})
    second = change_set_description(
        "CREATE_COMPLETE", [resource_change("Modify", "MetadataTable", "AWS::DynamoDB::Table", "True")]
    )
    expected = {"ChangeSetName": CHANGE_SET_ID, "NextToken": "page-2", "IncludePropertyValues": True}
    stub.add_response("describe_change_set", second, expected)
    with stub:
        change_set = create_change_set(cfn, REQUEST, no_sleep)
    assert change_set is not None
    assert [(c.action, c.logical_id, c.resource_type, c.replacement) for c in change_set.changes] == [
        ("Add", "Queue", "AWS::SQS::Queue", ""),
        ("Modify", "MetadataTable", "AWS::DynamoDB::Table", "True"),
    ]
    stub.assert_no_pending_responses()


def test_waits_while_the_change_set_is_being_created() -> None:
    cfn, stub = stubbed("cloudformation")
    stub.add_response("create_change_set", CREATED)
    stub.add_response("describe_change_set", change_set_description("CREATE_IN_PROGRESS", []))
    stub.add_response("describe_change_set", change_set_description("CREATE_PENDING", []))
    stub.add_response("describe_change_set", change_set_description("CREATE_COMPLETE", []))
    slept: list[float] = []
    with stub:
        assert create_change_set(cfn, REQUEST, slept.append) is not None
    assert len(slept) == 2


@pytest.mark.parametrize(
    "reason",
    [
        "The submitted information didn't contain changes. Submit different information to create a change set.",
        "No updates are to be performed.",
    ],
)
def test_no_changes_deletes_the_change_set_and_returns_none(reason: str) -> None:
    cfn, stub = stubbed("cloudformation")
    stub.add_response("create_change_set", CREATED)
    stub.add_response("describe_change_set", change_set_description("FAILED", [], reason))
    stub.add_response("delete_change_set", {}, {"ChangeSetName": CHANGE_SET_ID})
    with stub:
        assert create_change_set(cfn, REQUEST, no_sleep) is None
    stub.assert_no_pending_responses()


def test_a_failed_change_set_is_an_error_with_its_reason() -> None:
    cfn, stub = stubbed("cloudformation")
    stub.add_response("create_change_set", CREATED)
    stub.add_response("describe_change_set", change_set_description("FAILED", [], "Template format error: bad"))
    stub.add_response("delete_change_set", {}, {"ChangeSetName": CREATED["Id"]})
    with stub, pytest.raises(DeployError, match=r"failed \(deleted\): Template format error: bad"):
        create_change_set(cfn, REQUEST, no_sleep)
    stub.assert_no_pending_responses()


def test_an_interrupted_wait_deletes_the_change_set() -> None:
    cfn, stub = stubbed("cloudformation")
    stub.add_response("create_change_set", CREATED)
    stub.add_response("describe_change_set", change_set_description("CREATE_IN_PROGRESS", []))
    stub.add_response("delete_change_set", {}, {"ChangeSetName": CREATED["Id"]})

    def interrupted(_: float) -> None:
        raise KeyboardInterrupt

    with stub, pytest.raises(KeyboardInterrupt):
        create_change_set(cfn, REQUEST, interrupted)
    stub.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("change", "refused"),
    [
        (ResourceChange("Modify", "MetadataTable", "AWS::DynamoDB::Table", "True"), True),
        (ResourceChange("Modify", "MetadataTable", "AWS::DynamoDB::Table", "Conditional"), True),
        (ResourceChange("Modify", "MetadataTable", "AWS::DynamoDB::Table", "False"), False),
        (ResourceChange("Remove", "UploadsBucket", "AWS::S3::Bucket"), True),
        (ResourceChange("Modify", "StackKey", "AWS::KMS::Key", "True"), True),
        (ResourceChange("Remove", "AppSecret", "AWS::SecretsManager::Secret"), True),
        (ResourceChange("Modify", "ApiLogGroup", "AWS::Logs::LogGroup", "True"), True),
        (ResourceChange("Add", "UploadsBucket", "AWS::S3::Bucket"), False),
        (ResourceChange("Modify", "ApiFunction", "AWS::Lambda::Function", "True"), False),
        (ResourceChange("Remove", "ApiRole", "AWS::IAM::Role"), False),
        (ResourceChange("Modify", "MetadataTable", "AWS::DynamoDB::Table", ""), False),  # moto: no field
    ],
)
def test_guard_refuses_losing_stateful_resources_only(change: ResourceChange, refused: bool) -> None:
    assert (data_loss([change]) == [change]) is refused


def test_table_lists_action_id_type_replacement_and_marks_data_loss() -> None:
    text = change_table(
        [
            ResourceChange("Modify", "MetadataTable", "AWS::DynamoDB::Table", "True"),
            ResourceChange("Add", "Queue", "AWS::SQS::Queue"),
        ]
    )
    lines = text.splitlines()
    assert lines[0].split() == ["ACTION", "LOGICAL", "ID", "TYPE", "POLICY", "REPLACEMENT"]
    assert lines[1].split() == ["Modify", "MetadataTable", "AWS::DynamoDB::Table", "-", "True", "<-", "data"]
    assert lines[2].split() == ["Add", "Queue", "AWS::SQS::Queue", "-", "-"]


def test_large_templates_go_by_url() -> None:
    request = ChangeSetRequest("s", "n", "CREATE", {}, template_url="https://s3.us-east-1.amazonaws.com/b/k")
    arguments = request.arguments()
    assert arguments["TemplateURL"] == "https://s3.us-east-1.amazonaws.com/b/k"
    assert "TemplateBody" not in arguments
    assert set(arguments["Capabilities"]) == {"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"}


TABLE_BEFORE = {
    "Type": "AWS::DynamoDB::Table",
    "Properties": {
        "KeySchema": [{"AttributeName": "fileId", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "fileId", "AttributeType": "S"}],
    },
}
TABLE_AFTER = {
    "Type": "AWS::DynamoDB::Table",
    "Properties": {
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    },
}


def _change_set(*changes: ResourceChange) -> ChangeSet:
    return ChangeSet(CHANGE_SET_ID, "tapgen-1", STACK_ID, changes)


def test_an_unreported_key_schema_change_is_predicted_and_refused() -> None:
    cfn, stub = stubbed("cloudformation")
    deployed = json.dumps({"Resources": {"MetadataTable": TABLE_BEFORE}})
    stub.add_response("get_template", {"TemplateBody": deployed}, {"StackName": STACK_ID, "TemplateStage": "Original"})
    modify = ResourceChange("Modify", "MetadataTable", "AWS::DynamoDB::Table")  # moto: no Replacement column
    assert data_loss([modify]) == []
    with stub:
        predicted = with_predicted_replacements(
            cfn, _change_set(modify), json.dumps({"Resources": {"MetadataTable": TABLE_AFTER}}), "us-east-1"
        )
    (change,) = predicted.changes
    assert change.predicted == ("KeySchema",)
    assert data_loss(predicted.changes) == [change]
    assert "schema predicts replacement: KeySchema" in change_table(predicted.changes)


def test_an_in_place_change_stays_allowed() -> None:
    cfn, stub = stubbed("cloudformation")
    after = {**TABLE_BEFORE, "Properties": {**TABLE_BEFORE["Properties"], "BillingMode": "PAY_PER_REQUEST"}}
    stub.add_response("get_template", {"TemplateBody": json.dumps({"Resources": {"MetadataTable": TABLE_BEFORE}})})
    modify = ResourceChange("Modify", "MetadataTable", "AWS::DynamoDB::Table", "False")
    with stub:
        predicted = with_predicted_replacements(
            cfn, _change_set(modify), json.dumps({"Resources": {"MetadataTable": after}}), "us-east-1"
        )
    assert predicted.changes == (modify,)
    assert data_loss(predicted.changes) == []


@pytest.mark.parametrize(
    "changes",
    [
        (ResourceChange("Add", "Queue", "AWS::SQS::Queue"),),
        (ResourceChange("Modify", "ApiFunction", "AWS::Lambda::Function"),),
        (ResourceChange("Modify", "MetadataTable", "AWS::DynamoDB::Table", "True"),),
    ],
)
def test_the_deployed_template_is_read_only_when_a_prediction_could_matter(changes: tuple[ResourceChange]) -> None:
    cfn, stub = stubbed("cloudformation")
    with stub:  # no response queued: any call would fail
        assert with_predicted_replacements(cfn, _change_set(*changes), "{}", "us-east-1").changes == changes


# DescribeChangeSet with IncludePropertyValues, shaped as the AWS API reference documents ResourceChange and
# ResourceChangeDetail/ResourceTargetDefinition (Path, BeforeValue, AfterValue, AttributeChangeType).
PROPERTY_LEVEL_CHANGES = [
    {
        "Type": "Resource",
        "ResourceChange": {
            "PolicyAction": "ReplaceAndRetain",
            "Action": "Modify",
            "LogicalResourceId": "MetadataTable",
            "PhysicalResourceId": "tap-dev-files",
            "ResourceType": "AWS::DynamoDB::Table",
            "Replacement": "True",
            "Scope": ["Properties"],
            "Details": [
                {
                    "Target": {
                        "Attribute": "Properties",
                        "Name": "KeySchema",
                        "RequiresRecreation": "Always",
                        "Path": "/Properties/KeySchema/0/AttributeName",
                        "BeforeValue": "fileId",
                        "AfterValue": "id",
                        "AttributeChangeType": "Modify",
                    },
                    "Evaluation": "Static",
                    "ChangeSource": "DirectModification",
                }
            ],
            "BeforeContext": '{"Properties":{"KeySchema":[{"AttributeName":"fileId","KeyType":"HASH"}]}}',
            "AfterContext": '{"Properties":{"KeySchema":[{"AttributeName":"id","KeyType":"HASH"}]}}',
        },
    },
    {
        "Type": "Resource",
        "ResourceChange": {
            "Action": "Modify",
            "LogicalResourceId": "ApiFunction",
            "PhysicalResourceId": "tap-dev-api",
            "ResourceType": "AWS::Lambda::Function",
            "Replacement": "False",
            "Scope": ["Properties"],
            "Details": [
                {
                    "Target": {
                        "Attribute": "Properties",
                        "Name": "Environment",
                        "RequiresRecreation": "Never",
                        "Path": "/Properties/Environment/Variables/TAP_TABLE_NAME",
                        "BeforeValue": "tap-dev-files",
                        "AfterValue": "tap-dev-files-2",
                        "AttributeChangeType": "Modify",
                    },
                    "Evaluation": "Dynamic",
                    "ChangeSource": "ResourceReference",
                    "CausingEntity": "MetadataTable",
                },
                {
                    "Target": {
                        "Attribute": "Properties",
                        "Name": "MemorySize",
                        "RequiresRecreation": "Never",
                        "Path": "/Properties/MemorySize",
                        "AfterValue": "1024",
                        "AttributeChangeType": "Add",
                    },
                    "Evaluation": "Static",
                    "ChangeSource": "DirectModification",
                },
            ],
        },
    },
    {
        "Type": "Resource",
        "ResourceChange": {
            "PolicyAction": "Retain",
            "Action": "Remove",
            "LogicalResourceId": "AccessLogBucket",
            "PhysicalResourceId": "tap-dev-access-logs",
            "ResourceType": "AWS::S3::Bucket",
            "Scope": [],
            "Details": [],
        },
    },
]


def test_property_values_are_read_and_shown_per_change() -> None:
    cfn, stub = stubbed("cloudformation")
    stub.add_response("create_change_set", CREATED)
    stub.add_response(
        "describe_change_set",
        change_set_description("CREATE_COMPLETE", PROPERTY_LEVEL_CHANGES),
        {"ChangeSetName": CHANGE_SET_ID, "IncludePropertyValues": True},
    )
    with stub:
        change_set = create_change_set(cfn, REQUEST, no_sleep)
    assert change_set is not None
    table, function, bucket = change_set.changes
    assert table.policy_action == "ReplaceAndRetain" and bucket.policy_action == "Retain"
    assert table.details == (
        ChangeDetail(
            attribute="Properties",
            name="KeySchema",
            path="/Properties/KeySchema/0/AttributeName",
            before="fileId",
            after="id",
            change_type="Modify",
            requires_recreation="Always",
            change_source="DirectModification",
            evaluation="Static",
        ),
    )
    assert function.details[0].causing_entity == "MetadataTable"
    assert function.details[1].before is None and function.details[1].after == "1024"
    lines = change_table(change_set.changes).splitlines()
    assert lines[0].split() == ["ACTION", "LOGICAL", "ID", "TYPE", "POLICY", "REPLACEMENT"]
    assert lines[1].split()[:5] == ["Modify", "MetadataTable", "AWS::DynamoDB::Table", "ReplaceAndRetain", "True"]
    assert (
        lines[2]
        == "    /Properties/KeySchema/0/AttributeName: fileId → id  (recreation Always, DirectModification, Modify)"
    )
    assert lines[3].split()[:4] == ["Modify", "ApiFunction", "AWS::Lambda::Function", "-"]
    assert lines[4] == (
        "    /Properties/Environment/Variables/TAP_TABLE_NAME: tap-dev-files → tap-dev-files-2"
        "  (recreation Never, ResourceReference MetadataTable, Modify, Dynamic)"
    )
    assert lines[5] == "    /Properties/MemorySize: (absent) → 1024  (recreation Never, DirectModification, Add)"
    assert lines[6].split() == ["Remove", "AccessLogBucket", "AWS::S3::Bucket", "Retain", "-", "<-", "data"]
    assert len(lines) == 7


def test_details_without_property_values_name_the_property() -> None:
    detail = ChangeDetail("Properties", "KeySchema", requires_recreation="Always", change_source="DirectModification")
    assert detail.line() == "Properties KeySchema  (recreation Always, DirectModification)"


def test_a_parameter_that_renames_a_stateful_resource_is_predicted_as_its_replacement() -> None:
    named = {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Fn::Sub": "tap-${EnvironmentSuffix}-dlq"}}}
    template = json.dumps({"Parameters": {"EnvironmentSuffix": {"Type": "String"}}, "Resources": {"Queue": named}})
    cfn, stub = stubbed("cloudformation")
    stub.add_response("get_template", {"TemplateBody": template})
    parameters = [{"ParameterKey": "EnvironmentSuffix", "ParameterValue": "dev"}]
    stub.add_response("describe_stacks", stack_description("UPDATE_COMPLETE", Parameters=parameters))
    modify = ResourceChange("Modify", "Queue", "AWS::SQS::Queue")
    with stub:
        predicted = with_predicted_replacements(
            cfn, _change_set(modify), template, "us-east-1", {"EnvironmentSuffix": "dev2"}
        )
    assert predicted.changes[0].predicted == ("QueueName",)
    assert data_loss(predicted.changes) == list(predicted.changes)


def _function(name: str) -> dict[str, object]:
    return {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": name}}


# A log group named after its function by reference: renaming the function replaces the group and its logs.
LOG_GROUP = {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": {"Fn::Sub": "/aws/lambda/${ApiFunction}"}}}
DEPLOYED_FUNCTION_AND_LOGS = {"Resources": {"ApiFunction": _function("tap-dev-api"), "ApiLogGroup": LOG_GROUP}}
CHAIN_REASON = "LogGroupName references ApiFunction, which is replaced"


@pytest.mark.parametrize(
    ("function_row", "group_rows"),
    [
        # moto: no Replacement column, and the log group not listed at all (its text did not change)
        (ResourceChange("Modify", "ApiFunction", "AWS::Lambda::Function"), ()),
        # CloudFormation calls the function's replacement but not (here) the group's
        (
            ResourceChange("Modify", "ApiFunction", "AWS::Lambda::Function", "True"),
            (ResourceChange("Modify", "ApiLogGroup", "AWS::Logs::LogGroup", "False"),),
        ),
    ],
)
def test_a_stateful_resource_replaced_in_a_chain_is_predicted_and_refused(
    function_row: ResourceChange, group_rows: tuple[ResourceChange, ...]
) -> None:
    cfn, stub = stubbed("cloudformation")
    deployed = json.dumps(DEPLOYED_FUNCTION_AND_LOGS)
    stub.add_response("get_template", {"TemplateBody": deployed}, {"StackName": STACK_ID, "TemplateStage": "Original"})
    proposed = {"Resources": {"ApiFunction": _function("tap-dev-api-v2"), "ApiLogGroup": LOG_GROUP}}
    assert data_loss([function_row, *group_rows]) == []
    with stub:
        predicted = with_predicted_replacements(
            cfn, _change_set(function_row, *group_rows), json.dumps(proposed), "us-east-1"
        )
    function, group = predicted.changes
    assert function == function_row  # not stateful: left as CloudFormation said
    assert (group.logical_id, group.action, group.predicted) == ("ApiLogGroup", "Modify", ("LogGroupName",))
    assert [link.reason for link in group.chained] == [CHAIN_REASON]
    assert group.listed is bool(group_rows)
    assert data_loss(predicted.changes) == [group]
    row = change_table(predicted.changes).splitlines()[2]
    assert f"(schema predicts replacement: {CHAIN_REASON})" in row and row.endswith("<- data")
    assert ("(not listed by the change set)" in row) is not group_rows


def test_a_modification_that_replaces_nothing_chains_nothing() -> None:
    cfn, stub = stubbed("cloudformation")
    stub.add_response("get_template", {"TemplateBody": json.dumps(DEPLOYED_FUNCTION_AND_LOGS)})
    modify = ResourceChange("Modify", "ApiFunction", "AWS::Lambda::Function")
    resized = {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "tap-dev-api", "MemorySize": 512}}
    proposed = {"Resources": {"ApiFunction": resized, "ApiLogGroup": LOG_GROUP}}
    with stub:
        predicted = with_predicted_replacements(cfn, _change_set(modify), json.dumps(proposed), "us-east-1")
    assert predicted.changes == (modify,)
    assert data_loss(predicted.changes) == []


def test_a_modification_no_stateful_resource_references_reads_no_template() -> None:
    cfn, stub = stubbed("cloudformation")
    modify = ResourceChange("Modify", "ApiFunction", "AWS::Lambda::Function")
    unrelated = {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/aws/lambda/tap-dev-api"}}
    proposed = {"Resources": {"ApiFunction": _function("tap-dev-api-v2"), "ApiLogGroup": unrelated}}
    with stub:  # no response queued: any call would fail
        predicted = with_predicted_replacements(cfn, _change_set(modify), json.dumps(proposed), "us-east-1")
    assert predicted.changes == (modify,)


def _queues(first_name: str) -> str:
    """A queue, and a second one named after the first by reference (a stateful dependent)."""
    first = {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": first_name}}
    second = {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Fn::Sub": "${First.QueueName}-retry"}}}
    return json.dumps({"Resources": {"First": first, "Second": second}})


def test_on_moto_a_chained_replacement_is_missing_from_the_change_set_and_the_prediction_adds_it() -> None:
    import boto3
    from moto import mock_aws

    with mock_aws():
        cfn = boto3.client("cloudformation", region_name="us-east-1")
        cfn.create_stack(StackName="chain", TemplateBody=_queues("first"))
        request = ChangeSetRequest("chain", "tapgen-1", "UPDATE", {}, template_body=_queues("renamed"))
        change_set = create_change_set(cfn, request, no_sleep)
        assert change_set is not None
        assert [(c.logical_id, c.replacement) for c in change_set.changes] == [("First", "")]
        predicted = with_predicted_replacements(cfn, change_set, _queues("renamed"), "us-east-1", {})
    first, second = predicted.changes
    assert first.predicted == ("QueueName",)
    assert (second.logical_id, second.listed, second.predicted) == ("Second", False, ("QueueName",))
    assert [link.reason for link in second.chained] == ["QueueName references First, which is replaced"]
    assert data_loss(predicted.changes) == [first, second]
