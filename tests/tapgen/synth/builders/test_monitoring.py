"""The alarm topic, its policy and subscription, and every alarm."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tap_shared import contract
from tapgen.settings import Settings
from tests.conftest import CONTRACT, HTTP_ENVIRONMENTS, REST_ENVIRONMENTS, Template, only_resource, resources_of_type
from tests.tapgen.synth.builders.helpers import STACK_KEY_ARN, statements, tls_deny_resources

FUNCTIONS = tuple(fn.name.capitalize() for fn in CONTRACT.FUNCTIONS)  # as their alarms' logical ids start


def alarms(template: Template) -> dict[str, dict]:
    return {lid: r["Properties"] for lid, r in resources_of_type(template, "AWS::CloudWatch::Alarm").items()}


def test_topic_is_encrypted_with_stack_key(template: Template) -> None:
    assert only_resource(template, "AWS::SNS::Topic")["Properties"]["KmsMasterKeyId"] == STACK_KEY_ARN


def test_topic_policy_denies_insecure_publish_and_admits_only_this_stacks_alarms(template: Template) -> None:
    document = only_resource(template, "AWS::SNS::TopicPolicy")["Properties"]["PolicyDocument"]
    assert tls_deny_resources(document) == [{"Ref": "AlarmTopic"}]
    (allow,) = [s for s in statements(document) if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert "alarm:tap-${EnvironmentSuffix}-*" in allow["Condition"]["ArnLike"]["aws:SourceArn"]["Fn::Sub"]


def test_email_subscription_only_when_configured(template: Template, settings: Settings) -> None:
    subscriptions = resources_of_type(template, "AWS::SNS::Subscription")
    if settings.alarms.email is None:
        assert subscriptions == {}
    else:
        (subscription,) = subscriptions.values()
        assert subscription["Properties"] == {
            "Protocol": "email",
            "Endpoint": settings.alarms.email,
            "TopicArn": {"Ref": "AlarmTopic"},
        }


def test_every_alarm_notifies_the_topic_and_ignores_missing_data(template: Template) -> None:
    assert alarms(template)
    for alarm in alarms(template).values():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]
        assert alarm["TreatMissingData"] == "notBreaching"
        assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("metric", ["Errors", "Throttles"])
def test_function_errors_and_throttles_alarm_at_one(template: Template, function: str, metric: str) -> None:
    alarm = alarms(template)[f"{function}{metric}Alarm"]
    assert alarm["MetricName"] == metric
    assert alarm["Threshold"] == 1
    assert alarm["Period"] == 300
    assert alarm["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": f"{function}Function"}}]


@pytest.mark.parametrize("function", FUNCTIONS)
def test_function_duration_alarm_at_eighty_percent_of_timeout(
    template: Template, settings: Settings, function: str
) -> None:
    alarm = alarms(template)[f"{function}DurationAlarm"]
    assert alarm["ExtendedStatistic"] == "p99"
    timeout = settings.functions[function.lower()].timeout_seconds
    assert alarm["Threshold"] == pytest.approx(timeout * 1000 * 0.8)


def test_dead_letter_queue_alarm_on_any_visible_message(template: Template) -> None:
    alarm = alarms(template)["DeadLetterQueueAlarm"]
    assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert alarm["Threshold"] == 1
    assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": ["DeadLetterQueue", "QueueName"]}}]


@pytest.mark.parametrize("env", HTTP_ENVIRONMENTS)
def test_api_alarms_use_configured_thresholds(template: Template, settings: Settings) -> None:
    found = alarms(template)
    assert found["Api5xxAlarm"]["MetricName"] == "5xx"
    assert found["Api5xxAlarm"]["Threshold"] == settings.alarms.api_5xx_threshold
    assert found["ApiLatencyAlarm"]["ExtendedStatistic"] == "p99"
    assert found["ApiLatencyAlarm"]["Threshold"] == settings.alarms.api_latency_p99_ms
    assert {"Name": "ApiId", "Value": {"Ref": "HttpApi"}} in found["ApiLatencyAlarm"]["Dimensions"]


@pytest.mark.parametrize("env", REST_ENVIRONMENTS)
def test_rest_api_alarms_on_api_name_and_stage(template: Template, settings: Settings) -> None:
    found = alarms(template)
    dimensions = [
        {"Name": "ApiName", "Value": {"Fn::Sub": "tap-${EnvironmentSuffix}-rest-api"}},
        {"Name": "Stage", "Value": "v1"},
    ]
    assert template["Resources"]["RestApi"]["Properties"]["Name"] == dimensions[0]["Value"]
    assert template["Resources"]["RestApiStage"]["Properties"]["StageName"] == dimensions[1]["Value"]
    rate, errors, latency = found["Api4xxRateAlarm"], found["Api5xxAlarm"], found["ApiLatencyAlarm"]
    assert (rate["MetricName"], rate["Statistic"]) == ("4XXError", "Average")
    assert rate["Threshold"] == pytest.approx(settings.alarms.api_4xx_rate_percent / 100)
    assert (errors["MetricName"], errors["Statistic"]) == ("5XXError", "Sum")
    assert errors["Threshold"] == settings.alarms.api_5xx_threshold
    assert (latency["MetricName"], latency["ExtendedStatistic"]) == ("Latency", "p99")
    assert latency["Threshold"] == settings.alarms.api_latency_p99_ms
    for alarm in (rate, errors, latency):
        assert alarm["Namespace"] == "AWS/ApiGateway"
        assert alarm["Dimensions"] == dimensions


def test_table_throttle_alarm_sums_throttled_requests_of_every_operation(template: Template) -> None:
    metrics = alarms(template)["MetadataTableThrottlesAlarm"]["Metrics"]
    stats = [m["MetricStat"]["Metric"] for m in metrics if "MetricStat" in m]
    assert {m["MetricName"] for m in stats} == {"ThrottledRequests"}
    operations = {d["Value"] for m in stats for d in m["Dimensions"] if d["Name"] == "Operation"}
    assert operations == {"GetItem", "PutItem", "UpdateItem", "Query"}
    assert all({"Name": "TableName", "Value": {"Ref": "MetadataTable"}} in m["Dimensions"] for m in stats)
    (total,) = [m for m in metrics if "Expression" in m]
    assert total["ReturnData"] is True
    assert all(f"FILL({m['Id']}, 0)" in total["Expression"] for m in metrics if "MetricStat" in m)


def test_processing_problem_alarm_is_a_sustained_rate_over_the_processors_own_metrics(
    template: Template, settings: Settings
) -> None:
    alarm = alarms(template)["ProcessingProblemsAlarm"]
    assert alarm["Threshold"] == settings.alarms.processing_problem_percent
    assert alarm["EvaluationPeriods"] == 3 and "DatapointsToAlarm" not in alarm  # every period must breach
    namespaces = {
        json.dumps(r["Properties"]["Environment"]["Variables"][contract.ENV_METRICS_NAMESPACE])
        for r in resources_of_type(template, "AWS::Lambda::Function").values()
        if contract.ENV_METRICS_NAMESPACE in r["Properties"]["Environment"]["Variables"]
    }
    assert len(namespaces) == 1  # the alarm watches the namespace the processors write to
    queries = {m["Id"]: m["MetricStat"]["Metric"] for m in alarm["Metrics"] if "MetricStat" in m}
    assert {json.dumps(m["Namespace"]) for m in queries.values()} == namespaces
    assert {m["MetricName"] for m in queries.values()} == set(contract.OUTCOME_METRICS.values())
    assert all("Dimensions" not in m for m in queries.values())  # all kinds together
    expressions = {m["Id"]: m for m in alarm["Metrics"] if "Expression" in m}
    assert [m["Id"] for m in expressions.values() if m["ReturnData"]] == ["problemrate"]
    by_name = {m["MetricName"]: query_id for query_id, m in queries.items()}
    minimum = settings.alarms.processing_min_files
    prefix, rest = expressions["problemrate"]["Expression"].split(", 100 * ", 1)
    assert prefix == f"IF(processed >= {minimum}"
    problems, total = rest.removesuffix(", 0)").split(" / ")
    assert problems == f"(FILL({by_name['Rejected']}, 0) + FILL({by_name['Failed']}, 0))" and total == "processed"
    assert all(f"FILL({query_id}, 0)" in expressions["processed"]["Expression"] for query_id in queries)


def problem_rate(alarm: dict[str, Any], counts: dict[str, float]) -> float:
    """The alarm's metric math evaluated for one period's sums by metric name (CloudWatch's IF and FILL)."""
    functions = {"IF": lambda condition, then, otherwise: then if condition else otherwise, "FILL": lambda v, d: v}
    values: dict[str, Any] = {}
    for metric in alarm["Metrics"]:
        if "MetricStat" in metric:
            values[metric["Id"]] = counts.get(metric["MetricStat"]["Metric"]["MetricName"], 0)
        else:
            values[metric["Id"]] = eval(metric["Expression"], {"__builtins__": {}}, {**functions, **values})
    return float(values["problemrate"])


def test_processing_problems_need_a_minimum_volume_to_alarm(template: Template, settings: Settings) -> None:
    alarm = alarms(template)["ProcessingProblemsAlarm"]
    assert settings.alarms.processing_min_files == 10
    # one failed file of one: 100%, but too few files to mean anything
    assert problem_rate(alarm, {"Failed": 1}) == 0
    # twenty problems of a hundred files: 20%, at the threshold
    rate = problem_rate(alarm, {"Processed": 80, "Rejected": 12, "Failed": 8})
    assert rate == 20 and rate >= alarm["Threshold"]
    assert problem_rate(alarm, {"Processed": 5, "Failed": 5}) == 50  # ten files: counted


def test_every_threshold_alarm_but_the_sustained_one_fires_in_one_period(template: Template) -> None:
    periods = {lid: a["EvaluationPeriods"] for lid, a in alarms(template).items()}
    assert {lid for lid, n in periods.items() if n != 1} == {"ProcessingProblemsAlarm"}
