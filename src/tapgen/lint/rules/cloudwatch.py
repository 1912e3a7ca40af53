"""CloudWatch: log groups expire (TAP008), alarms notify someone (TAP014)."""

from __future__ import annotations

from tapgen.cfn.shapes import as_list
from tapgen.cfn.view import TemplateView, is_false
from tapgen.lint.rules.registry import RuleFinding, RuleFindings, rule


@rule(
    "TAP008",
    "every log group has a retention period",
    "Logs kept forever cost money and keep personal data longer than anyone decided.",
    "Set RetentionInDays (tapgen.toml: log_retention_days).",
    docs="https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html",
)
def log_retention(view: TemplateView) -> RuleFindings:
    for group in view.of_type("AWS::Logs::LogGroup"):
        if not group.prop("RetentionInDays"):
            yield RuleFinding(
                group.logical_id, "has no RetentionInDays, so its logs never expire", ("Properties", "RetentionInDays")
            )


@rule(
    "TAP014",
    "every alarm notifies someone",
    "An alarm without an action changes state where nobody is looking.",
    "Set AlarmActions to the alarm topic.",
    docs="https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html",
)
def alarm_actions(view: TemplateView) -> RuleFindings:
    for alarm in view.of_type("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm"):
        if not as_list(alarm.prop("AlarmActions")) or is_false(alarm.prop("ActionsEnabled")):
            yield RuleFinding(alarm.logical_id, "has no enabled AlarmActions", ("Properties", "AlarmActions"))
