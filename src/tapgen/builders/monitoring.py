"""The alarm topic (KMS-encrypted, e-mail optional) and every alarm that publishes to it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from awacs.aws import ArnLike, Condition, StringEquals
from troposphere import AWSHelperFn, GetAtt, Ref, cloudwatch, sns

from tapgen.config import ALARM_PERIOD_SECONDS, Settings
from tapgen.naming import arn, name_prefix, physical_name, standard_tags
from tapgen.policies import allow, deny_insecure_transport, document, service_principal

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
            allow(
                "CloudWatchAlarmsOfThisStackPublish",
                ["sns:Publish"],
                [Ref(topic)],
                Principal=service_principal("cloudwatch.amazonaws.com"),
                Condition=Condition(
                    [
                        ArnLike("aws:SourceArn", arn("cloudwatch", f"alarm:{name_prefix(settings)}-*")),
                        StringEquals("aws:SourceAccount", Ref("AWS::AccountId")),
                    ]
                ),
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


@dataclass(frozen=True)
class AlarmSpec:
    """One alarm: a single metric statistic, or metric math over several."""

    logical_id: str
    name: str
    description: str
    threshold: float
    namespace: str = ""
    metric: str = ""
    dimensions: tuple[tuple[str, AWSHelperFn | str], ...] = ()
    statistic: str = "Sum"
    math: tuple[cloudwatch.MetricDataQuery, ...] = field(default=())


def alarm(settings: Settings, spec: AlarmSpec, topic: sns.Topic) -> cloudwatch.Alarm:
    """`≥ threshold` over one five-minute period; missing data is not a breach."""
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
        EvaluationPeriods=1,
        Threshold=spec.threshold,
        TreatMissingData="notBreaching",
        AlarmActions=[Ref(topic)],
        OKActions=[Ref(topic)],
        Tags=standard_tags(settings),
        **source,
    )


def function_alarm_specs(name: str, function_ref: Ref, timeout_seconds: int) -> list[AlarmSpec]:
    """Errors, throttles and p99 duration near the timeout, for one function."""
    title = name.capitalize()
    dims = (("FunctionName", function_ref),)
    return [
        AlarmSpec(
            f"{title}ErrorsAlarm",
            f"{name}-errors",
            f"The {name} function raised errors.",
            1,
            "AWS/Lambda",
            "Errors",
            dims,
        ),
        AlarmSpec(
            f"{title}ThrottlesAlarm",
            f"{name}-throttles",
            f"The {name} function was throttled.",
            1,
            "AWS/Lambda",
            "Throttles",
            dims,
        ),
        AlarmSpec(
            f"{title}DurationAlarm",
            f"{name}-duration-p99",
            f"The {name} function's p99 duration reached {DURATION_ALARM_SHARE_OF_TIMEOUT:.0%} of its timeout.",
            timeout_seconds * 1000 * DURATION_ALARM_SHARE_OF_TIMEOUT,
            "AWS/Lambda",
            "Duration",
            dims,
            "p99",
        ),
    ]


def dead_letter_alarm_spec(queue_name: GetAtt) -> AlarmSpec:
    return AlarmSpec(
        "DeadLetterQueueAlarm",
        "dead-letters",
        "Events failed all retries and wait in the DLQ.",
        1,
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        (("QueueName", queue_name),),
        "Maximum",
    )


def api_alarm_specs(settings: Settings, api_id: Ref, stage: str) -> list[AlarmSpec]:
    dims = (("ApiId", api_id), ("Stage", stage))
    return [
        AlarmSpec(
            "Api5xxAlarm",
            "api-5xx",
            "The HTTP API returned server errors.",
            settings.alarms.api_5xx_threshold,
            "AWS/ApiGateway",
            "5xx",
            dims,
        ),
        AlarmSpec(
            "ApiLatencyAlarm",
            "api-latency-p99",
            "The HTTP API's p99 latency is high.",
            settings.alarms.api_latency_p99_ms,
            "AWS/ApiGateway",
            "Latency",
            dims,
            "p99",
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
        "MetadataTableThrottlesAlarm",
        "table-throttles",
        "The metadata table throttled requests.",
        1,
        math=(*queries, total),
    )


def _metric_query(
    query_id: str, namespace: str, metric: str, dimensions: Sequence[tuple[str, AWSHelperFn | str]]
) -> cloudwatch.MetricDataQuery:
    return cloudwatch.MetricDataQuery(
        Id=query_id,
        ReturnData=False,
        MetricStat=cloudwatch.MetricStat(
            Metric=cloudwatch.Metric(
                Namespace=namespace,
                MetricName=metric,
                Dimensions=[cloudwatch.MetricDimension(Name=n, Value=v) for n, v in dimensions],
            ),
            Period=PERIOD_SECONDS,
            Stat="Sum",
        ),
    )
