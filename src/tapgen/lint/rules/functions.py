"""Lambda functions: traced (TAP009), bounded (TAP010), each logging into its own group (TAP012), and failed
asynchronous events kept (TAP013)."""

from __future__ import annotations

from tapgen.cfn.shapes import as_dict, as_list
from tapgen.cfn.view import Json, TemplateView, referenced_ids
from tapgen.lint.rules.registry import RuleFinding, RuleFindings, rule


@rule(
    "TAP009",
    "every function has active X-Ray tracing",
    "Without traces a slow or failing call across S3, DynamoDB and KMS cannot be located.",
    "Set TracingConfig.Mode to Active.",
    docs="https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html",
)
def function_tracing(view: TemplateView) -> RuleFindings:
    for function in view.of_type("AWS::Lambda::Function"):
        if function.prop("TracingConfig", "Mode") != "Active":
            yield RuleFinding(
                function.logical_id, "does not have TracingConfig.Mode: Active", ("Properties", "TracingConfig", "Mode")
            )


@rule(
    "TAP010",
    "every function has reserved concurrency",
    "A flood of uploads or requests must not exhaust the account's concurrency or run up unbounded cost.",
    "Set ReservedConcurrentExecutions (tapgen.toml: functions.NAME.reserved_concurrency).",
    docs="https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html",
)
def function_concurrency(view: TemplateView) -> RuleFindings:
    for function in view.of_type("AWS::Lambda::Function"):
        reserved = function.prop("ReservedConcurrentExecutions")
        if isinstance(reserved, bool) or not isinstance(reserved, int) or reserved < 1:
            yield RuleFinding(
                function.logical_id,
                "has no ReservedConcurrentExecutions of at least 1",
                ("Properties", "ReservedConcurrentExecutions"),
            )


def _log_groups_named(view: TemplateView, value: Json) -> set[str]:
    """Log groups that `value` names: by Ref, or by the same LogGroupName (literal or Fn::Sub)."""
    groups = view.of_type("AWS::Logs::LogGroup")
    named = {g.logical_id for g in groups if value is not None and g.prop("LogGroupName") == value}
    return (referenced_ids(value) & {g.logical_id for g in groups}) | named


@rule(
    "TAP012",
    "every function logs into its own log group",
    "A log group per function gives each its own retention, encryption and least-privilege write grant.",
    "Point LoggingConfig.LogGroup at an AWS::Logs::LogGroup of this template used by no other function.",
    docs="https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html",
)
def own_log_group(view: TemplateView) -> RuleFindings:
    owners: dict[str, list[str]] = {}
    for function in view.of_type("AWS::Lambda::Function"):
        targets = _log_groups_named(view, function.prop("LoggingConfig", "LogGroup"))
        if not targets:
            message = "has no LoggingConfig.LogGroup pointing at a log group of this template"
            yield RuleFinding(function.logical_id, message, ("Properties", "LoggingConfig", "LogGroup"))
        for group in targets:
            owners.setdefault(group, []).append(function.logical_id)
    for group, functions in sorted(owners.items()):
        for function_id in functions if len(functions) > 1 else []:
            others = ", ".join(f for f in functions if f != function_id)
            message = f"shares log group {group} with {others}"
            yield RuleFinding(function_id, message, ("Properties", "LoggingConfig", "LogGroup"))


def _s3_invoked_functions(view: TemplateView) -> set[str]:
    """Functions that S3 invokes asynchronously: by a permission for s3.amazonaws.com or a bucket notification."""
    invoked = {
        target
        for permission in view.of_type("AWS::Lambda::Permission")
        if permission.prop("Principal") == "s3.amazonaws.com"
        for target in referenced_ids(permission.prop("FunctionName"))
    }
    for bucket in view.of_type("AWS::S3::Bucket"):
        for config in as_list(bucket.prop("NotificationConfiguration", "LambdaConfigurations")):
            invoked |= referenced_ids(as_dict(config).get("Function"))
    return invoked & {f.logical_id for f in view.of_type("AWS::Lambda::Function")}


@rule(
    "TAP013",
    "every asynchronously invoked function sends failed events to an on-failure destination",
    "Without one, an event that exhausts its retries is dropped and the upload is never recorded.",
    "Add an AWS::Lambda::EventInvokeConfig with DestinationConfig.OnFailure.Destination (the dead-letter queue).",
    docs="https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html",
)
def on_failure_destination(view: TemplateView) -> RuleFindings:
    routed = {
        target
        for config in view.of_type("AWS::Lambda::EventInvokeConfig")
        if config.prop("DestinationConfig", "OnFailure", "Destination")
        for target in referenced_ids(config.prop("FunctionName"))
    }
    for function_id in sorted(_s3_invoked_functions(view) - routed):
        yield function_id, "is invoked by S3 but has no EventInvokeConfig with an on-failure destination"
