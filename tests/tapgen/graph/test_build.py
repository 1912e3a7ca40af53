"""`build_graph` checked against the template it draws: every declared flow and permission is an edge,
and nothing the template does not declare is."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tapgen.graph import build_graph
from tapgen.graph.build import NotATemplateError
from tapgen.graph.model import ACCESS, EXTERNAL_TYPE, FLOW, Edge, Graph
from tests.conftest import CONTRACT, Template, rendered_template, resources_of_type

PROCESSORS = tuple(fn.name.capitalize() for fn in CONTRACT.PROCESSORS)  # as logical ids start: ImageFunction
FUNCTIONS = tuple(fn.name.capitalize() for fn in CONTRACT.FUNCTIONS)


def edges(graph: Graph, kind: str) -> dict[tuple[str, str], Edge]:
    return {(e.source, e.target): e for e in graph.edges if e.kind == kind}


def getatt_id(value: dict[str, Any]) -> str:
    return str(value["Fn::GetAtt"][0])


def test_every_bucket_notification_is_an_edge_with_its_filter(template: Template) -> None:
    flow = edges(build_graph(template, "flow"), FLOW)
    configurations = template["Resources"]["UploadsBucket"]["Properties"]["NotificationConfiguration"]
    assert configurations["LambdaConfigurations"]
    for configuration in configurations["LambdaConfigurations"]:
        rules = {r["Name"]: r["Value"] for r in configuration["Filter"]["S3Key"]["Rules"]}
        edge = flow["UploadsBucket", getatt_id(configuration["Function"])]
        assert f"{rules['prefix']}*{rules['suffix']}" in edge.label.split(", ")


def test_every_route_goes_through_its_integration_to_the_api_function(template: Template) -> None:
    flow = edges(build_graph(template, "flow"), FLOW)
    if resources_of_type(template, "AWS::ApiGateway::RestApi"):
        methods = resources_of_type(template, "AWS::ApiGateway::Method")
        proxied = {mid: m for mid, m in methods.items() if m["Properties"]["Integration"]["Type"] == "AWS_PROXY"}
        assert len(proxied) == 5
        for method_id, method in methods.items():
            assert flow["RestApi", method_id].label == method["Properties"]["HttpMethod"]
        for method_id in proxied:
            assert flow[method_id, "ApiFunction"].label == "integration"
        return
    routes = resources_of_type(template, "AWS::ApiGatewayV2::Route")
    assert len(routes) == 6
    for route_id, route in routes.items():
        assert flow["HttpApi", route_id].label == route["Properties"]["RouteKey"]
        assert (route_id, "ApiIntegration") in flow
    integration = template["Resources"]["ApiIntegration"]["Properties"]
    assert flow["ApiIntegration", getatt_id(integration["IntegrationUri"])].label == "AWS_PROXY"


def test_every_failure_destination_is_an_edge(template: Template) -> None:
    flow = edges(build_graph(template, "flow"), FLOW)
    configs = resources_of_type(template, "AWS::Lambda::EventInvokeConfig")
    assert len(configs) == len(PROCESSORS)
    for config in configs.values():
        props = config["Properties"]
        destination = getatt_id(props["DestinationConfig"]["OnFailure"]["Destination"])
        assert flow[props["FunctionName"]["Ref"], destination].label == "on failure"


def test_every_alarm_notifies_the_topic_and_the_topic_its_subscriptions(template: Template) -> None:
    flow = edges(build_graph(template, "flow"), FLOW)
    alarms = resources_of_type(template, "AWS::CloudWatch::Alarm")
    for alarm_id, alarm in alarms.items():
        for action in alarm["Properties"]["AlarmActions"]:
            assert "ALARM" in flow[alarm_id, action["Ref"]].label.split(", ")
    subscriptions = resources_of_type(template, "AWS::SNS::Subscription")
    for subscription_id, subscription in subscriptions.items():
        assert flow[subscription["Properties"]["TopicArn"]["Ref"], subscription_id].label == "email"
    topic_edges = [key for key in flow if key[0] == "AlarmTopic"]
    assert len(topic_edges) == len(subscriptions)


def test_processors_record_into_the_table_as_their_role_allows(template: Template) -> None:
    flow = edges(build_graph(template, "flow"), FLOW)
    for name in PROCESSORS:
        edge = flow[f"{name}Function", "MetadataTable"]
        assert edge.actions == ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem")
        assert edge.label == "read / write"


# (role, target) → actions: written out from the role statements, so the picture is checked independently.
PROCESSOR_ACCESS = {
    "UploadsBucket": ("s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"),
    "MetadataTable": ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"),
    "DeadLetterQueue": ("sqs:SendMessage",),
    "StackKey": ("kms:Decrypt", "kms:GenerateDataKey"),
    "*": ("xray:PutTelemetryRecords", "xray:PutTraceSegments"),
}
API_ACCESS = {
    "UploadsBucket": ("s3:GetObject", "s3:PutObject"),
    "MetadataTable": ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"),
    "AppSecret": ("secretsmanager:GetSecretValue",),
    "StackKey": ("kms:Decrypt", "kms:GenerateDataKey"),
    "*": ("xray:PutTelemetryRecords", "xray:PutTraceSegments"),
}
LOG_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")


def expected_role_access() -> dict[tuple[str, str], tuple[str, ...]]:
    expected = {}
    for name in FUNCTIONS:
        grants = API_ACCESS if name == "Api" else PROCESSOR_ACCESS
        expected.update({(f"{name}Role", target): actions for target, actions in grants.items()})
        expected[f"{name}Role", f"{name}LogGroup"] = LOG_ACTIONS
    return expected


def test_every_role_permission_is_an_edge_and_no_other(template: Template) -> None:
    access = edges(build_graph(template, "access"), ACCESS)
    roles = {key: edge.actions for key, edge in access.items() if key[0].endswith("Role")}
    assert roles == expected_role_access()
    assert access["ImageRole", "UploadsBucket"].label == "read"
    assert access["ApiRole", "UploadsBucket"].label == "read / write"
    assert access["ApiRole", "StackKey"].label == "encrypt-decrypt"
    for name in FUNCTIONS:
        assert access[f"{name}Function", f"{name}Role"].label == "runs as"


def test_key_policy_and_invoke_permissions_are_grants(template: Template) -> None:
    access = edges(build_graph(template, "access"), ACCESS)
    root = "AWS: arn:${AWS::Partition}:iam::${AWS::AccountId}:root"
    assert access[root, "StackKey"].label == "all actions"
    assert access["Service: logs.${AWS::Region}.amazonaws.com", "StackKey"].label == "read / encrypt-decrypt"
    assert access["Service: cloudwatch.amazonaws.com", "StackKey"].actions == ("kms:Decrypt", "kms:GenerateDataKey")
    assert access["Service: cloudwatch.amazonaws.com", "AlarmTopic"].actions == ("sns:Publish",)
    assert access["Service: logging.s3.amazonaws.com", "AccessLogBucket"].actions == ("s3:PutObject",)
    for name in PROCESSORS:  # the permission's SourceArn is the uploads bucket, so the bucket is the caller
        assert access["UploadsBucket", f"{name}Function"].actions == ("lambda:InvokeFunction",)
    api = "RestApi" if resources_of_type(template, "AWS::ApiGateway::RestApi") else "HttpApi"
    assert access[api, "ApiFunction"].label == "invoke"


def test_a_broadened_permission_is_a_new_edge() -> None:
    template = rendered_template("prod")
    before = edges(build_graph(template, "access"), ACCESS)
    statements = template["Resources"]["ImageRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    statements.append(
        {
            "Sid": "Broadened",
            "Effect": "Allow",
            "Action": "secretsmanager:GetSecretValue",
            "Resource": {"Ref": "AppSecret"},
        }
    )
    statements.append({"Effect": "Allow", "Action": ["s3:DeleteObject"], "Resource": [statements[2]["Resource"][0]]})
    after = edges(build_graph(template, "access"), ACCESS)
    assert ("ImageRole", "AppSecret") not in before
    assert after["ImageRole", "AppSecret"].label == "read"
    assert after["ImageRole", "UploadsBucket"].label == "read / write"
    assert "s3:DeleteObject" in after["ImageRole", "UploadsBucket"].actions
    assert set(after) - set(before) == {("ImageRole", "AppSecret")}


def test_nothing_that_is_not_in_the_template(template: Template) -> None:
    graph = build_graph(template, "all")
    text = json.dumps(template)
    for node in graph.nodes:
        if node.type == EXTERNAL_TYPE:
            literal = node.id.split(": ", 1)[-1]
            assert json.dumps(literal)[1:-1] in text, node
        else:
            assert template["Resources"][node.id]["Type"] == node.type
    assert {n.id for n in graph.nodes} == {e.source for e in graph.edges} | {e.target for e in graph.edges}


def test_views_split_the_edges_and_output_is_deterministic(template: Template) -> None:
    flow, access, both = (build_graph(template, view) for view in ("flow", "access", "all"))
    assert {e.kind for e in flow.edges} == {FLOW}
    assert {e.kind for e in access.edges} == {ACCESS}
    assert set(both.edges) == set(flow.edges) | set(access.edges)
    assert build_graph(rendered_template("prod")) == build_graph(rendered_template("prod"))


@pytest.mark.parametrize(
    "document",
    [
        pytest.param({}, id="no-resources"),
        pytest.param({"Resources": []}, id="resources-not-a-map"),
        pytest.param({"Resources": {"A": "x"}}, id="resource-not-a-map"),
    ],
)
def test_not_a_template(document: dict[str, Any]) -> None:
    with pytest.raises(NotATemplateError):
        build_graph(document)


def test_foreign_templates_draw_what_they_declare() -> None:
    """Shapes tapgen does not emit: a REST API method, a managed policy, a queue notification, a DLQ."""
    queue_arn = {"Fn::GetAtt": ["Queue", "Arn"]}
    uri = "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations"
    notification = {"QueueConfigurations": [{"Event": "s3:ObjectCreated:*", "Queue": queue_arn}]}
    policy = {
        "Statement": [
            {"Effect": "Allow", "Action": "sqs:ReceiveMessage", "Resource": queue_arn},
            {"Effect": "Deny", "Action": "sqs:*", "Resource": "*"},
        ]
    }
    function = {"Role": {"Fn::GetAtt": ["Role", "Arn"]}, "DeadLetterConfig": {"TargetArn": queue_arn}}
    method = {"RestApiId": {"Ref": "Rest"}, "HttpMethod": "GET", "Integration": {"Uri": {"Fn::Sub": uri}}}
    template = {
        "Resources": {
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"NotificationConfiguration": notification}},
            "Queue": {"Type": "AWS::SQS::Queue"},
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"ManagedPolicyArns": ["arn:aws:iam::aws:policy/X"]}},
            "Policy": {
                "Type": "AWS::IAM::Policy",
                "Properties": {"Roles": [{"Ref": "Role"}], "PolicyDocument": policy},
            },
            "Fn": {"Type": "AWS::Lambda::Function", "Properties": function},
            "Rest": {"Type": "AWS::ApiGateway::RestApi"},
            "Method": {"Type": "AWS::ApiGateway::Method", "Properties": method},
        }
    }
    graph = build_graph(template)
    flow, access = edges(graph, FLOW), edges(graph, ACCESS)
    assert flow["Bucket", "Queue"].label == "*"
    assert flow["Fn", "Queue"].label == "dead letters"
    assert flow["Rest", "Method"].label == "GET"
    assert ("Method", "Fn") in flow
    assert access["Role", "Queue"].label == "read"
    assert access["Role", "arn:aws:iam::aws:policy/X"].label == "attached"
    assert ("Role", "*") not in access  # Deny statements grant nothing


@pytest.mark.parametrize(
    ("resource_id", "patch"),
    [
        pytest.param("UploadsBucket", {"NotificationConfiguration": "x"}, id="notification-not-object"),
        pytest.param(
            "UploadsBucket",
            {"NotificationConfiguration": {"LambdaConfigurations": ["x", {"Filter": 1}]}},
            id="rules-not-objects",
        ),
        pytest.param("ImageRole", {"Policies": ["x", {"PolicyDocument": "y"}]}, id="policies-not-objects"),
        pytest.param("ImageEventInvokeConfig", {"DestinationConfig": {"OnFailure": "x"}}, id="destination-not-object"),
        pytest.param("ImageFunction", {"LoggingConfig": "x", "DeadLetterConfig": 3}, id="configs-not-objects"),
        pytest.param("HttpApi", None, id="properties-missing"),
    ],
)
def test_malformed_parts_of_a_template_are_skipped_not_fatal(resource_id: str, patch: dict[str, Any] | None) -> None:
    template = rendered_template("prod")
    resource = template["Resources"][resource_id]
    if patch is None:
        del resource["Properties"]
    else:
        resource["Properties"].update(patch)
    graph = build_graph(template)
    assert ("ImageFunction", "ImageRole") in edges(graph, ACCESS)
