"""The alarm topic (KMS-encrypted, e-mail optional) and every alarm that publishes to it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from troposphere import AWSHelperFn, GetAtt, Ref, cloudwatch, sns

from tapgen.settings import ALARM_PERIOD_SECONDS, Settings
from tapgen.synth.naming import arn, name_prefix, physical_name, standard_tags
from tapgen.synth.statements import allow_service_on_behalf_of, deny_insecure_transport, document

ALARM_TOPIC = "AlarmTopic"
ALARM_TOPIC_POLICY = "AlarmTopicPolicy"
ALARM_EMAIL_SUBSCRIPTION = "AlarmEmailSubscription"
PERIOD_SECONDS = ALARM_PERIOD_SECONDS
DURATION_ALARM_SHARE_OF_TIMEOUT = 0.8


def alarm_topic(settings: Settings, key_arn: AWSHelperFn) -> sns.Topic:
    """Encrypted with the stack key: CloudWatch alarms cannot publish to the AWS-managed SNS key."""
    return sns.Topic(
        ALARM_TOPIC,
        TopicName=physical_name(settings, "alarms"),
        DisplayName="TAP alarms",
        KmsMasterKeyId=key_arn,
        Tags=standard_tags(settings),
    )


def alarm_topic_policy(settings: Settings, topic: sns.Topic) -> sns.TopicPolicy:
    """Only this stack's alarms may publish, and only over TLS."""
    return sns.TopicPolicy(
        ALARM_TOPIC_POLICY,
        Topics=[Ref(topic)],
        PolicyDocument=document(
            allow_service_on_behalf_of(
                "CloudWatchAlarmsOfThisStackPublish",
                ["sns:Publish"],
                [Ref(topic)],
                service="cloudwatch.amazonaws.com",
                source_arn=arn("cloudwatch", f"alarm:{name_prefix(settings)}-*"),
            ),
            deny_insecure_transport("sns:Publish", [Ref(topic)]),
        ),
    )


def email_subscription(settings: Settings, topic: sns.Topic) -> list[sns.SubscriptionResource]:
    """An e-mail subscription when the environment names an address; none otherwise."""
    if not settings.alarms.email:
        return []
    return [
        sns.SubscriptionResource(
            ALARM_EMAIL_SUBSCRIPTION, Protocol="email", Endpoint=settings.alarms.email, TopicArn=Ref(topic)
        )
    ]


class AlarmSpec(NamedTuple):
    """One alarm: a single metric statistic, or metric math over several."""

    logical_id: str
    name: str
    description: str
    threshold: float
    namespace: str = ""
    metric: str = ""
    dimensions: tuple[tuple[str, AWSHelperFn | str], ...] = ()
    statistic: str = "Sum"
    math: tuple[cloudwatch.MetricDataQuery, ...] = ()
    evaluation_periods: int = 1


def alarm(settings: Settings, spec: AlarmSpec, topic: sns.Topic) -> cloudwatch.Alarm:
    """`≥ threshold` in each of the spec's five-minute periods (one unless sustained); missing data is not a breach."""
    if spec.math:
        source: dict[str, object] = {"Metrics": list(spec.math)}
    else:
        source = {
            "Namespace": spec.namespace,
            "MetricName": spec.metric,
            "Dimensions": [cloudwatch.MetricDimension(Name=n, Value=v) for n, v in spec.dimensions],
            "Period": PERIOD_SECONDS,
            **(
                {"ExtendedStatistic": spec.statistic}
                if spec.statistic.startswith("p")
                else {"Statistic": spec.statistic}
            ),
        }
    return cloudwatch.Alarm(
        spec.logical_id,
        AlarmName=physical_name(settings, spec.name),
        AlarmDescription=spec.description,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        EvaluationPeriods=spec.evaluation_periods,
        Threshold=spec.threshold,
        TreatMissingData="notBreaching",
        AlarmActions=[Ref(topic)],
        OKActions=[Ref(topic)],
        Tags=standard_tags(settings),
        **source,
    )


def function_alarm_specs(name: str, function_ref: Ref, timeout_seconds: int) -> list[AlarmSpec]:
    """Errors, throttles and p99 duration near the timeout, for one function."""
    share = DURATION_ALARM_SHARE_OF_TIMEOUT
    return [
        _function_metric_spec(
            name, function_ref, metric="Errors", suffix="errors", description=f"The {name} function raised errors."
        ),
        _function_metric_spec(
            name,
            function_ref,
            metric="Throttles",
            suffix="throttles",
            description=f"The {name} function was throttled.",
        ),
        _function_metric_spec(
            name,
            function_ref,
            metric="Duration",
            suffix="duration-p99",
            description=f"The {name} function's p99 duration reached {share:.0%} of its timeout.",
            threshold=timeout_seconds * 1000 * share,
            statistic="p99",
        ),
    ]


def _function_metric_spec(
    name: str,
    function_ref: Ref,
    *,
    metric: str,
    suffix: str,
    description: str,
    threshold: float = 1,
    statistic: str = "Sum",
) -> AlarmSpec:
    """An alarm on one of the function's AWS/Lambda metrics: `<Name><Metric>Alarm`, named `<name>-<suffix>`."""
    return AlarmSpec(
        logical_id=f"{name.capitalize()}{metric}Alarm",
        name=f"{name}-{suffix}",
        description=description,
        threshold=threshold,
        namespace="AWS/Lambda",
        metric=metric,
        dimensions=(("FunctionName", function_ref),),
        statistic=statistic,
    )


def dead_letter_alarm_spec(queue_name: GetAtt) -> AlarmSpec:
    return AlarmSpec(
        logical_id="DeadLetterQueueAlarm",
        name="dead-letters",
        description="Events failed all retries and wait in the DLQ.",
        threshold=1,
        namespace="AWS/SQS",
        metric="ApproximateNumberOfMessagesVisible",
        dimensions=(("QueueName", queue_name),),
        statistic="Maximum",
    )


def api_alarm_specs(settings: Settings, api_id: Ref, stage: str) -> list[AlarmSpec]:
    return _server_error_and_latency_specs(settings, "HTTP API", "5xx", (("ApiId", api_id), ("Stage", stage)))


def rest_api_alarm_specs(settings: Settings, api_name: AWSHelperFn, stage: str) -> list[AlarmSpec]:
    """The REST API's metrics are per ApiName and Stage; 4XXError averaged is the share of 4XX answers."""
    dims = (("ApiName", api_name), ("Stage", stage))
    rate = settings.alarms.api_4xx_rate_percent
    if rate is None:
        raise ValueError("a REST API needs alarms.api_4xx_rate_percent")
    client_errors = AlarmSpec(
        logical_id="Api4xxRateAlarm",
        name="api-4xx-rate",
        description=f"At least {rate}% of the REST API's requests were refused (4XX).",
        threshold=rate / 100,
        namespace="AWS/ApiGateway",
        metric="4XXError",
        dimensions=dims,
        statistic="Average",
    )
    return [client_errors, *_server_error_and_latency_specs(settings, "REST API", "5XXError", dims)]


def _server_error_and_latency_specs(
    settings: Settings, flavour: str, server_error_metric: str, dims: tuple[tuple[str, AWSHelperFn | str], ...]
) -> list[AlarmSpec]:
    """Server errors and p99 latency of either API flavour, named by its own metric and dimensions."""
    return [
        AlarmSpec(
            logical_id="Api5xxAlarm",
            name="api-5xx",
            description=f"The {flavour} returned server errors.",
            threshold=settings.alarms.api_5xx_threshold,
            namespace="AWS/ApiGateway",
            metric=server_error_metric,
            dimensions=dims,
        ),
        AlarmSpec(
            logical_id="ApiLatencyAlarm",
            name="api-latency-p99",
            description=f"The {flavour}'s p99 latency is high.",
            threshold=settings.alarms.api_latency_p99_ms,
            namespace="AWS/ApiGateway",
            metric="Latency",
            dimensions=dims,
            statistic="p99",
        ),
    ]


TABLE_OPERATIONS = ("GetItem", "PutItem", "UpdateItem", "Query")


def table_throttle_alarm_spec(table_name: Ref) -> AlarmSpec:
    """ThrottledRequests, summed over every operation the functions use (the metric is per operation)."""
    queries = [
        _metric_query(
            f"op{index}",
            "AWS/DynamoDB",
            "ThrottledRequests",
            [("Operation", operation), ("TableName", table_name)],
        )
        for index, operation in enumerate(TABLE_OPERATIONS)
    ]
    total = cloudwatch.MetricDataQuery(
        Id="throttled",
        Expression=" + ".join(f"FILL(op{i}, 0)" for i in range(len(TABLE_OPERATIONS))),
        Label="Throttled requests",
        ReturnData=True,
    )
    return AlarmSpec(
        logical_id="MetadataTableThrottlesAlarm",
        name="table-throttles",
        description="The metadata table throttled requests.",
        threshold=1,
        math=(*queries, total),
    )


PROBLEM_RATE_PERIODS = 3  # fifteen minutes: one batch of bad uploads is not an incident, a quarter hour is


def processing_problem_alarm_spec(
    settings: Settings, namespace: AWSHelperFn, outcome_metrics: Mapping[str, str]
) -> AlarmSpec:
    """The share of recorded results that are REJECTED or FAILED, over all kinds (the processors' own metrics)."""
    queries = {status: f"q{status.lower()}" for status in outcome_metrics}
    problems = " + ".join(f"FILL({queries[s]}, 0)" for s in ("REJECTED", "FAILED"))
    total = cloudwatch.MetricDataQuery(
        Id="processed",
        Expression=" + ".join(f"FILL({query}, 0)" for query in queries.values()),
        Label="Files with a recorded result",
        ReturnData=False,
    )
    # Below the minimum volume the share says nothing (one failed file of one is 100%): no alarm then.
    minimum = settings.alarms.processing_min_files
    rate = cloudwatch.MetricDataQuery(
        Id="problemrate",
        Expression=f"IF(processed >= {minimum}, 100 * ({problems}) / processed, 0)",
        Label=f"Rejected or failed (%), when at least {minimum} files",
        ReturnData=True,
    )
    return AlarmSpec(
        logical_id="ProcessingProblemsAlarm",
        name="processing-problems",
        description=(
            f"At least {settings.alarms.processing_problem_percent}% of processed files were rejected or failed, "
            f"in each of {PROBLEM_RATE_PERIODS} consecutive periods of at least {minimum} files."
        ),
        threshold=settings.alarms.processing_problem_percent,
        math=(*(_metric_query(queries[s], namespace, m, []) for s, m in outcome_metrics.items()), total, rate),
        evaluation_periods=PROBLEM_RATE_PERIODS,
    )


def _metric_query(
    query_id: str,
    namespace: AWSHelperFn | str,
    metric: str,
    dimensions: Sequence[tuple[str, AWSHelperFn | str]],
) -> cloudwatch.MetricDataQuery:
    return cloudwatch.MetricDataQuery(
        Id=query_id,
        ReturnData=False,
        MetricStat=cloudwatch.MetricStat(
            Metric=cloudwatch.Metric(
                Namespace=namespace,
                MetricName=metric,
                # The processors' all-kinds metrics have no dimension; an empty list is left out.
                **(
                    {"Dimensions": [cloudwatch.MetricDimension(Name=n, Value=v) for n, v in dimensions]}
                    if dimensions
                    else {}
                ),
            ),
            Period=PERIOD_SECONDS,
            Stat="Sum",
        ),
    )
