"""The CloudWatch dashboard: functions, API, dead-letter queue, table, processing outcomes and every alarm.

The body is JSON text inside `Fn::Sub`: resource names enter as `${LogicalId}` references, so the
dashboard follows the stack's physical names and the body stays byte-identical between renders.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from troposphere import Sub, cloudwatch

from tapgen.settings import Settings
from tapgen.synth.naming import dashboard_name_sub, standard_tags

DASHBOARD = "Dashboard"
GRID_WIDTH = 24
WIDGET_WIDTH = 8
WIDGET_HEIGHT = 6
PERIOD_SECONDS = 300
REGION = "${AWS::Region}"
ALARM_ARN_PREFIX = "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:"
# (metric, statistic) of every function, one widget each, one line per function.
FUNCTION_METRICS = (
    ("Invocations", "Sum"),
    ("Errors", "Sum"),
    ("Duration", "p99"),
    ("Throttles", "Sum"),
    ("ConcurrentExecutions", "Maximum"),
)
QUEUE_METRICS = (("ApproximateNumberOfMessagesVisible", "Maximum"), ("ApproximateAgeOfOldestMessage", "Maximum"))


class MetricLine(NamedTuple):
    """One plotted metric; dimension values are `Fn::Sub` text such as `${ImageFunction}`."""

    namespace: str
    name: str
    dimensions: tuple[tuple[str, str], ...]
    stat: str
    label: str

    def as_json(self) -> list[object]:
        flat = [part for dimension in self.dimensions for part in dimension]
        return [self.namespace, self.name, *flat, {"label": self.label, "stat": self.stat}]


class Widget(NamedTuple):
    """A graph of metric lines, or (with `alarms`) the state of those alarms."""

    title: str
    lines: tuple[MetricLine, ...] = ()
    alarms: tuple[str, ...] = ()
    width: int = WIDGET_WIDTH
    height: int = WIDGET_HEIGHT

    def properties(self) -> dict[str, object]:
        if self.alarms:
            return {"alarms": list(self.alarms), "title": self.title}
        lines = [line.as_json() for line in self.lines]
        return {"metrics": lines, "period": PERIOD_SECONDS, "region": REGION, "title": self.title, "view": "timeSeries"}


class ApiMetricNames(NamedTuple):
    """What an API flavour calls its request, error and latency metrics."""

    requests: str
    client_errors: str
    server_errors: str
    latency: str


HTTP_API_METRICS = ApiMetricNames(requests="Count", client_errors="4xx", server_errors="5xx", latency="Latency")
REST_API_METRICS = ApiMetricNames(
    requests="Count", client_errors="4XXError", server_errors="5XXError", latency="Latency"
)


def reference(logical_id: str, attribute: str = "") -> str:
    """`${Id}` or `${Id.Attribute}`: a reference inside the body's Sub text."""
    return f"${{{logical_id}{'.' + attribute if attribute else ''}}}"


def function_widgets(functions: Mapping[str, str]) -> list[Widget]:
    """`functions` maps each function's label to the Sub text of its name."""
    return [
        Widget(
            f"Functions: {metric}" + (f" {stat}" if stat.startswith("p") else ""),
            tuple(
                MetricLine("AWS/Lambda", metric, (("FunctionName", name),), stat, label)
                for label, name in sorted(functions.items())
            ),
        )
        for metric, stat in FUNCTION_METRICS
    ]


def api_widgets(title: str, dimensions: Sequence[tuple[str, str]], names: ApiMetricNames) -> list[Widget]:
    """Requests, client and server errors, and p99 latency of one API, given its metric dimensions."""

    def line(metric: str, stat: str, label: str) -> MetricLine:
        return MetricLine("AWS/ApiGateway", metric, tuple(dimensions), stat, label)

    return [
        Widget(f"{title}: requests", (line(names.requests, "Sum", "requests"),)),
        Widget(
            f"{title}: errors",
            (line(names.client_errors, "Sum", "client errors"), line(names.server_errors, "Sum", "server errors")),
        ),
        Widget(f"{title}: latency p99", (line(names.latency, "p99", "p99 latency"),)),
    ]


def queue_widgets(queue_name: str) -> list[Widget]:
    return [
        Widget(
            f"Dead-letter queue: {metric}",
            (MetricLine("AWS/SQS", metric, (("QueueName", queue_name),), stat, "dead letters"),),
        )
        for metric, stat in QUEUE_METRICS
    ]


def table_widgets(table_name: str, operations: Sequence[str]) -> list[Widget]:
    """ThrottledRequests is published per operation: one line for each operation the functions use."""
    lines = tuple(
        MetricLine("AWS/DynamoDB", "ThrottledRequests", (("Operation", op), ("TableName", table_name)), "Sum", op)
        for op in operations
    )
    return [Widget("Metadata table: throttled requests", lines)]


def processing_widgets(
    namespace: str, kinds: Sequence[str], kind_dimension: str, outcomes: Sequence[str], bytes_read: str, delay: str
) -> list[Widget]:
    """The processors' own metrics: outcomes overall and by kind, bytes read, upload-to-result delay."""

    def by_kind(metric: str, stat: str) -> tuple[MetricLine, ...]:
        return tuple(MetricLine(namespace, metric, ((kind_dimension, k),), stat, f"{k} {metric}") for k in kinds)

    return [
        Widget("Processing: outcomes", tuple(MetricLine(namespace, m, (), "Sum", m) for m in outcomes)),
        Widget("Processing: outcomes by kind", tuple(line for m in outcomes for line in by_kind(m, "Sum"))),
        Widget("Processing: bytes read", by_kind(bytes_read, "Sum")),
        Widget("Processing: delay from upload to result p99", by_kind(delay, "p99")),
    ]


def alarm_arn(alarm_id: str) -> str:
    """Built from the alarm's name (its Ref), which every CloudFormation implementation resolves."""
    return f"{ALARM_ARN_PREFIX}{reference(alarm_id)}"


def alarm_widget(alarm_ids: Sequence[str]) -> Widget:
    return Widget("Alarms", alarms=tuple(alarm_arn(a) for a in sorted(alarm_ids)), width=GRID_WIDTH)


def dashboard_body(widgets: Sequence[Widget]) -> str:
    """Widgets laid out left to right in rows of the 24-column grid; compact JSON with sorted keys."""
    placed: list[dict[str, object]] = []
    x = y = row_height = 0
    for widget in widgets:
        if x + widget.width > GRID_WIDTH:
            x, y, row_height = 0, y + row_height, 0
        placed.append(
            {
                "height": widget.height,
                "properties": widget.properties(),
                "type": "alarm" if widget.alarms else "metric",
                "width": widget.width,
                "x": x,
                "y": y,
            }
        )
        x, row_height = x + widget.width, max(row_height, widget.height)
    return json.dumps({"widgets": placed}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def dashboard(settings: Settings, widgets: Sequence[Widget]) -> cloudwatch.Dashboard:
    board = cloudwatch.Dashboard(
        DASHBOARD, DashboardName=Sub(dashboard_name_sub(settings)), DashboardBody=Sub(dashboard_body(widgets))
    )
    # troposphere's Dashboard predates the Tags property CloudFormation accepts, so it is set past validation.
    board.properties["Tags"] = standard_tags(settings)
    return board


def dashboard_url(board: cloudwatch.Dashboard) -> Sub:
    """The console page of the dashboard in the stack's region (commercial partition's console domain)."""
    return Sub(
        "https://${AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=${AWS::Region}"
        f"#dashboards/dashboard/${{{board.title}}}"
    )
