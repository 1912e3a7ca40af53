"""Flow edges: where events and data go, read from notifications, routes, destinations and alarm actions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from tapgen.cfn.shapes import as_dict, as_list, mappings, properties
from tapgen.graph.actions import summary
from tapgen.graph.model import FLOW, Edge
from tapgen.graph.permissions import Grant, Resources, target_id
from tapgen.graph.references import Resolver, describe

NOTIFICATION_KINDS = (
    ("LambdaConfigurations", "Function"),
    ("QueueConfigurations", "Queue"),
    ("TopicConfigurations", "Topic"),
)
ALARM_ACTIONS = (("AlarmActions", "ALARM"), ("OKActions", "OK"), ("InsufficientDataActions", "INSUFFICIENT_DATA"))
DATA_STORES = ("AWS::DynamoDB::Table",)


def flow_edges(resources: Resources, resolver: Resolver, role_grants: list[Grant]) -> list[Edge]:
    """Every flow the template declares, one edge per (source, target) with the labels merged."""
    found = [
        *_notifications(resources, resolver),
        *_destinations(resources, resolver),
        *_api(resources, resolver),
        *_alarms(resources, resolver),
        *_logs(resources, resolver),
    ]
    labels: dict[tuple[str, str], set[str]] = defaultdict(set)
    details: dict[tuple[str, str], set[str]] = defaultdict(set)
    for source, target, label, detail in found:
        labels[source, target].add(label)
        details[source, target].add(detail)
    edges = [
        Edge(
            FLOW, source, target, ", ".join(sorted(labels[source, target])), (), tuple(sorted(details[source, target]))
        )
        for source, target in sorted(labels)
    ]
    return edges + _data_writes(resources, resolver, role_grants)


Flow = tuple[str, str, str, str]  # source, target, label, detail


def _of_type(resources: Resources, *types: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for logical_id, resource in sorted(resources.items()):
        if resource.get("Type") in types:
            yield logical_id, properties(resource)


def _notifications(resources: Resources, resolver: Resolver) -> Iterator[Flow]:
    """Bucket → function, queue or topic, labelled with the key filter (`uploads/*.csv`)."""
    for bucket, props in _of_type(resources, "AWS::S3::Bucket"):
        configuration = as_dict(props.get("NotificationConfiguration"))
        for list_property, target_property in NOTIFICATION_KINDS:
            for rule in mappings(configuration.get(list_property)):
                key_filter = _key_filter(rule.get("Filter"))
                event = describe(rule.get("Event"))
                yield bucket, target_id(resolver, rule.get(target_property)), key_filter, f"{event} {key_filter}"
        if "EventBridgeConfiguration" in configuration:
            yield bucket, "EventBridge", "all events", "EventBridgeConfiguration"


def _key_filter(value: Any) -> str:
    rules = {
        str(r.get("Name")).lower(): describe(r.get("Value"))
        for r in mappings(as_dict(as_dict(value).get("S3Key")).get("Rules"))
    }
    return f"{rules.get('prefix', '')}*{rules.get('suffix', '')}"


def _destinations(resources: Resources, resolver: Resolver) -> Iterator[Flow]:
    """Asynchronous invocation destinations and dead-letter targets of functions."""
    for logical_id, props in _of_type(resources, "AWS::Lambda::EventInvokeConfig"):
        function = target_id(resolver, props.get("FunctionName"))
        destinations = as_dict(props.get("DestinationConfig"))
        retries = f"after {props['MaximumRetryAttempts']} retries" if "MaximumRetryAttempts" in props else ""
        for outcome, label in (("OnFailure", "on failure"), ("OnSuccess", "on success")):
            if outcome in destinations:
                target = target_id(resolver, as_dict(destinations[outcome]).get("Destination"))
                yield function, target, label, f"{logical_id}: {label} {retries}".rstrip()
    for logical_id, props in _of_type(resources, "AWS::Lambda::Function"):
        dead_letters = as_dict(props.get("DeadLetterConfig"))
        if "TargetArn" in dead_letters:
            target = target_id(resolver, dead_letters["TargetArn"])
            yield logical_id, target, "dead letters", f"{logical_id}: DeadLetterConfig"


def _api(resources: Resources, resolver: Resolver) -> Iterator[Flow]:
    """API → route → integration → function (HTTP APIs), and API → method → backend (REST APIs)."""
    for route, props in _of_type(resources, "AWS::ApiGatewayV2::Route"):
        key = describe(props.get("RouteKey"))
        yield target_id(resolver, props.get("ApiId")), route, key, f"{route}: {key}"
        if "Target" in props:
            target = describe(props["Target"]).removeprefix("integrations/")
            yield route, target_id(resolver, target), "target", f"{route}: {describe(props['Target'])}"
    for integration, props in _of_type(resources, "AWS::ApiGatewayV2::Integration"):
        kind = describe(props.get("IntegrationType"))
        yield integration, resolver.mentioned(props.get("IntegrationUri")), kind, f"{integration}: {kind}"
    for method, props in _of_type(resources, "AWS::ApiGateway::Method"):
        verb = describe(props.get("HttpMethod"))
        yield target_id(resolver, props.get("RestApiId")), method, verb, f"{method}: {verb}"
        uri = as_dict(props.get("Integration")).get("Uri")
        if uri is not None:
            yield method, resolver.mentioned(uri), "integration", f"{method}: {describe(uri)}"


def _alarms(resources: Resources, resolver: Resolver) -> Iterator[Flow]:
    """Alarm → topic for each state it notifies, and topic → each subscription."""
    for alarm, props in _of_type(resources, "AWS::CloudWatch::Alarm"):
        for action_property, state in ALARM_ACTIONS:
            for action in as_list(props.get(action_property)):
                yield alarm, target_id(resolver, action), state, f"{alarm}: {action_property}"
    for subscription, props in _of_type(resources, "AWS::SNS::Subscription"):
        protocol = describe(props.get("Protocol"))
        yield target_id(resolver, props.get("TopicArn")), subscription, protocol, f"{subscription}: {protocol}"
    for topic, props in _of_type(resources, "AWS::SNS::Topic"):
        for inline in mappings(props.get("Subscription")):
            protocol = describe(inline.get("Protocol"))
            yield topic, target_id(resolver, inline.get("Endpoint")), protocol, f"{topic}: inline {protocol}"


def _logs(resources: Resources, resolver: Resolver) -> Iterator[Flow]:
    """Where functions, stages and buckets write their logs."""
    for function, props in _of_type(resources, "AWS::Lambda::Function"):
        logging = as_dict(props.get("LoggingConfig"))
        if "LogGroup" in logging:
            yield function, target_id(resolver, logging["LogGroup"]), "logs", f"{function}: LoggingConfig"
    for stage, props in _of_type(resources, "AWS::ApiGatewayV2::Stage", "AWS::ApiGateway::Stage"):
        for settings in mappings(props.get("AccessLogSettings") or props.get("AccessLogSetting")):
            target = target_id(resolver, settings.get("DestinationArn"))
            yield target_id(resolver, props.get("ApiId") or props.get("RestApiId")), target, "access logs", f"{stage}"
    for bucket, props in _of_type(resources, "AWS::S3::Bucket"):
        logging = as_dict(props.get("LoggingConfiguration"))
        if "DestinationBucketName" in logging:
            target = target_id(resolver, logging["DestinationBucketName"])
            yield bucket, target, "access logs", f"{bucket}: LoggingConfiguration"


def _data_writes(resources: Resources, resolver: Resolver, role_grants: list[Grant]) -> list[Edge]:
    """Function → table, labelled with what its role may do there (the data a processor records)."""
    roles: dict[str, list[str]] = defaultdict(list)
    for function, props in _of_type(resources, "AWS::Lambda::Function"):
        roles[target_id(resolver, props.get("Role"))].append(function)
    actions: dict[tuple[str, str], set[str]] = defaultdict(set)
    for grant in role_grants:
        if as_dict(resources.get(grant.target)).get("Type") in DATA_STORES:
            for function in roles.get(grant.principal, []):
                actions[function, grant.target].update(grant.actions)
    return [
        Edge(FLOW, function, table, summary(found), tuple(sorted(found)), (f"actions of its role on {table}",))
        for (function, table), found in sorted(actions.items())
    ]
