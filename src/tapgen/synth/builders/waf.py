"""AWS WAF in front of the REST API stage: managed rule groups, a per-IP rate limit, and logging."""

from __future__ import annotations

from troposphere import AWSHelperFn, GetAtt, logs, wafv2

from tapgen.settings import Settings
from tapgen.synth.builders.log_groups import encrypted_log_group
from tapgen.synth.naming import log_group_arn, physical_name, standard_tags, waf_log_group_name_sub

WEB_ACL = "ApiWebAcl"
WEB_ACL_ASSOCIATION = "ApiWebAclAssociation"
WAF_LOG_GROUP = "ApiWafLogGroup"
WAF_LOGGING = "ApiWafLogging"
MANAGED_RULE_GROUPS = ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet")
RATE_RULE = "RateLimitPerClientIp"
# Credentials and keys in request headers must not be copied into WAF's logs.
REDACTED_HEADERS = ("authorization", "x-api-key", "x-amz-security-token")


def _visibility(settings: Settings, metric: str) -> wafv2.VisibilityConfig:
    return wafv2.VisibilityConfig(
        CloudWatchMetricsEnabled=True,
        MetricName=f"{settings.project}-{settings.name}-{metric}",
        SampledRequestsEnabled=True,
    )


def _managed_rule(settings: Settings, name: str, priority: int) -> wafv2.WebACLRule:
    return wafv2.WebACLRule(
        Name=name,
        Priority=priority,
        OverrideAction=wafv2.OverrideAction(**{"None": {}}),
        Statement=wafv2.Statement(
            ManagedRuleGroupStatement=wafv2.ManagedRuleGroupStatement(VendorName="AWS", Name=name)
        ),
        VisibilityConfig=_visibility(settings, name),
    )


def _rate_rule(settings: Settings, limit: int, priority: int) -> wafv2.WebACLRule:
    return wafv2.WebACLRule(
        Name=RATE_RULE,
        Priority=priority,
        Action=wafv2.RuleAction(Block=wafv2.BlockAction()),
        Statement=wafv2.Statement(RateBasedStatement=wafv2.RateBasedStatement(Limit=limit, AggregateKeyType="IP")),
        VisibilityConfig=_visibility(settings, RATE_RULE),
    )


def web_acl(settings: Settings) -> wafv2.WebACL:
    """Allow by default; AWS's common and known-bad-inputs rule groups, then a per-IP rate limit, may block."""
    if settings.api.waf_rate_limit is None:
        raise ValueError("a web ACL needs api.waf_rate_limit")
    rules = [_managed_rule(settings, name, priority) for priority, name in enumerate(MANAGED_RULE_GROUPS)]
    rules.append(_rate_rule(settings, settings.api.waf_rate_limit, len(rules)))
    return wafv2.WebACL(
        WEB_ACL,
        Name=physical_name(settings, "api-waf"),
        Description="Protects the TAP REST API",
        Scope="REGIONAL",
        DefaultAction=wafv2.DefaultAction(Allow=wafv2.AllowAction()),
        Rules=rules,
        VisibilityConfig=_visibility(settings, "api-waf"),
        Tags=standard_tags(settings),
    )


def association(acl: wafv2.WebACL, stage_arn: AWSHelperFn) -> wafv2.WebACLAssociation:
    return wafv2.WebACLAssociation(WEB_ACL_ASSOCIATION, ResourceArn=stage_arn, WebACLArn=GetAtt(acl, "Arn"))


def log_group(settings: Settings, key_arn: AWSHelperFn) -> logs.LogGroup:
    return encrypted_log_group(settings, WAF_LOG_GROUP, waf_log_group_name_sub(settings), key_arn)


def logging(settings: Settings, acl: wafv2.WebACL, group: logs.LogGroup) -> wafv2.LoggingConfiguration:
    """WAF wants the log group's ARN without the `:*` that `GetAtt Arn` ends with."""
    config = wafv2.LoggingConfiguration(
        WAF_LOGGING,
        ResourceArn=GetAtt(acl, "Arn"),
        LogDestinationConfigs=[log_group_arn(waf_log_group_name_sub(settings))],
        RedactedFields=[
            wafv2.LoggingConfigurationFieldToMatch(SingleHeader=wafv2.SingleHeader(Name=name))
            for name in REDACTED_HEADERS
        ],
    )
    config.DependsOn = [group.title]
    return config
