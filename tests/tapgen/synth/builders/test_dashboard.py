"""The dashboard: valid JSON, every metric one the stack emits, every alarm shown, a console URL output."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any

import pytest

from tap_shared import contract
from tapgen.synth.builders.dashboard import (
    GRID_WIDTH,
    ApiMetricNames,
    Widget,
    api_widgets,
    dashboard_body,
)
from tests.conftest import Template, only_resource, resources_of_type

REFERENCE = re.compile(r"\$\{([A-Za-z0-9:]+)(?:\.([A-Za-z]+))?\}")
PSEUDO_PARAMETERS = {"AWS::Region", "AWS::Partition", "AWS::AccountId"}


def body(template: Template) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        only_resource(template, "AWS::CloudWatch::Dashboard")["Properties"]["DashboardBody"]["Fn::Sub"]
    )
    return loaded


def metric_lines(template: Template) -> list[tuple[str, str, dict[str, str], str]]:
    """(namespace, metric, dimensions, stat) of every plotted line."""
    found = []
    for widget in body(template)["widgets"]:
        for line in widget["properties"].get("metrics", []):
            namespace, metric, *rest = line
            options = rest.pop() if rest and isinstance(rest[-1], dict) else {}
            found.append((namespace, metric, dict(zip(rest[::2], rest[1::2], strict=True)), options["stat"]))
    return found


def referenced(template: Template, text: str, resource_type: str, attribute: str | None = None) -> str:
    """The logical id `text` (`${Id}` or `${Id.Attribute}`) names, asserting its type."""
    match = REFERENCE.fullmatch(text)
    assert match, text
    assert template["Resources"][match.group(1)]["Type"] == resource_type
    assert match.group(2) == attribute
    return match.group(1)


def processors_namespace(template: Template) -> str:
    namespaces = {
        r["Properties"]["Environment"]["Variables"][contract.ENV_METRICS_NAMESPACE]["Fn::Sub"]
        for r in resources_of_type(template, "AWS::Lambda::Function").values()
        if contract.ENV_METRICS_NAMESPACE in r["Properties"]["Environment"]["Variables"]
    }
    (namespace,) = namespaces
    return namespace


def test_body_is_json_whose_references_all_resolve(template: Template) -> None:
    text = only_resource(template, "AWS::CloudWatch::Dashboard")["Properties"]["DashboardBody"]["Fn::Sub"]
    assert isinstance(json.loads(text), dict)
    for name, _ in REFERENCE.findall(text):
        assert name in template["Resources"] or name in PSEUDO_PARAMETERS | set(template["Parameters"]), name


def assert_api_dimensions(template: Template, dims: dict[str, str]) -> None:
    """HTTP APIs report per ApiId and Stage, REST APIs per ApiName (the API's Name) and Stage."""
    if resources_of_type(template, "AWS::ApiGateway::RestApi"):
        stage = only_resource(template, "AWS::ApiGateway::Stage")["Properties"]
        name = only_resource(template, "AWS::ApiGateway::RestApi")["Properties"]["Name"]
        assert set(dims) == {"ApiName", "Stage"}
        assert {"Fn::Sub": dims["ApiName"]} == name and dims["Stage"] == stage["StageName"]
        return
    stage = only_resource(template, "AWS::ApiGatewayV2::Stage")["Properties"]
    assert set(dims) == {"ApiId", "Stage"}
    api = referenced(template, dims["ApiId"], "AWS::ApiGatewayV2::Api")
    assert stage["ApiId"] == {"Ref": api} and dims["Stage"] == stage["StageName"]


def test_every_metric_is_one_the_stack_emits(template: Template) -> None:
    functions = set(resources_of_type(template, "AWS::Lambda::Function"))
    processors = {
        lid
        for lid, r in resources_of_type(template, "AWS::Lambda::Function").items()
        if contract.ENV_METRICS_NAMESPACE in r["Properties"]["Environment"]["Variables"]
    }
    kinds = {lid.removesuffix("Function").lower() for lid in processors}
    rest = bool(resources_of_type(template, "AWS::ApiGateway::RestApi"))
    table_actions = {
        action.removeprefix("dynamodb:")
        for role in resources_of_type(template, "AWS::IAM::Role").values()
        for statement in role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        for action in statement["Action"]
        if action.startswith("dynamodb:")
    }
    plotted: dict[str, set[str]] = defaultdict(set)
    for namespace, metric, dims, _ in metric_lines(template):
        if namespace == "AWS/Lambda":
            assert set(dims) == {"FunctionName"}
            plotted[metric].add(referenced(template, dims["FunctionName"], "AWS::Lambda::Function"))
        elif namespace == "AWS/ApiGateway":
            assert_api_dimensions(template, dims)
            plotted[namespace].add(metric)
        elif namespace == "AWS/SQS":
            assert set(dims) == {"QueueName"}
            referenced(template, dims["QueueName"], "AWS::SQS::Queue", "QueueName")
            plotted[namespace].add(metric)
        elif namespace == "AWS/DynamoDB":
            assert metric == "ThrottledRequests" and set(dims) == {"Operation", "TableName"}
            referenced(template, dims["TableName"], "AWS::DynamoDB::Table")
            assert dims["Operation"] in table_actions  # only operations some role may call
            plotted[namespace].add(dims["Operation"])
        else:
            assert namespace == processors_namespace(template)
            assert set(dims) <= {contract.METRIC_KIND_DIMENSION}
            if dims:
                assert dims[contract.METRIC_KIND_DIMENSION] in kinds
            plotted[namespace].add(metric)
    for metric in ("Invocations", "Errors", "Duration", "Throttles", "ConcurrentExecutions"):
        assert plotted[metric] == functions, metric
    assert plotted["AWS/ApiGateway"] == (
        {"Count", "4XXError", "5XXError", "Latency"} if rest else {"Count", "4xx", "5xx", "Latency"}
    )
    assert plotted["AWS/SQS"] == {"ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"}
    assert plotted["AWS/DynamoDB"] == table_actions
    assert plotted[processors_namespace(template)] == {
        *contract.OUTCOME_METRICS.values(),
        contract.METRIC_BYTES_READ,
        contract.METRIC_PROCESSING_DELAY,
    }


def test_percentiles_where_the_issue_asks_for_them(template: Template) -> None:
    stats = {(namespace, metric): stat for namespace, metric, _, stat in metric_lines(template)}
    assert stats["AWS/Lambda", "Duration"] == "p99"
    assert stats["AWS/ApiGateway", "Latency"] == "p99"
    assert stats["AWS/Lambda", "ConcurrentExecutions"] == "Maximum"


def test_every_alarm_appears_once(template: Template) -> None:
    (widget,) = [w for w in body(template)["widgets"] if w["type"] == "alarm"]
    prefix = "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:"
    arns = widget["properties"]["alarms"]
    assert all(arn.startswith(prefix) for arn in arns)
    shown = [referenced(template, arn.removeprefix(prefix), "AWS::CloudWatch::Alarm") for arn in arns]
    assert sorted(shown) == sorted(resources_of_type(template, "AWS::CloudWatch::Alarm"))


def test_widgets_tile_the_grid_without_overlap(template: Template) -> None:
    cells: set[tuple[int, int]] = set()
    assert body(template)["widgets"]
    for widget in body(template)["widgets"]:
        assert widget["x"] >= 0 and widget["x"] + widget["width"] <= GRID_WIDTH
        area = {
            (x, y)
            for x in range(widget["x"], widget["x"] + widget["width"])
            for y in range(widget["y"], widget["y"] + widget["height"])
        }
        assert not cells & area
        cells |= area
        if widget["type"] == "metric":
            assert widget["properties"]["region"] == "${AWS::Region}"


def test_console_url_output(template: Template) -> None:
    url = template["Outputs"]["DashboardUrl"]["Value"]["Fn::Sub"]
    assert url == (
        "https://${AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=${AWS::Region}"
        "#dashboards/dashboard/${Dashboard}"
    )
    # Dashboards are global to the account: the region in the name lets one template deploy to several regions.
    assert only_resource(template, "AWS::CloudWatch::Dashboard")["Properties"]["DashboardName"] == {
        "Fn::Sub": "tap-${EnvironmentSuffix}-${AWS::Region}"
    }


@pytest.mark.parametrize(
    ("names", "dimensions"),
    [
        pytest.param(ApiMetricNames("Count", "4xx", "5xx", "Latency"), (("ApiId", "${HttpApi}"),), id="http-api"),
        pytest.param(
            ApiMetricNames("Count", "4XXError", "5XXError", "Latency"),
            (("ApiName", "${RestApi}"), ("Stage", "prod")),
            id="rest-api",
        ),
    ],
)
def test_api_widgets_take_the_flavours_names_and_dimensions(
    names: ApiMetricNames, dimensions: tuple[tuple[str, str], ...]
) -> None:
    lines = [line for widget in api_widgets("API", dimensions, names) for line in widget.lines]
    assert {line.name for line in lines} == {names.requests, names.client_errors, names.server_errors, names.latency}
    assert all(line.dimensions == dimensions and line.namespace == "AWS/ApiGateway" for line in lines)


def test_body_wraps_rows_and_is_stable() -> None:
    widgets = [Widget(f"w{i}") for i in range(4)] + [Widget("wide", width=GRID_WIDTH)]
    placed = json.loads(dashboard_body(widgets))["widgets"]
    assert [(w["x"], w["y"]) for w in placed] == [(0, 0), (8, 0), (16, 0), (0, 6), (0, 12)]
    assert dashboard_body(widgets) == dashboard_body(list(widgets))
