"""The web ACL in front of a REST API's stage, and its log."""

from __future__ import annotations

import pytest

from tapgen.settings import Settings
from tests.conftest import REST_ENVIRONMENTS, Template, only_resource
from tests.tapgen.synth.builders.helpers import STACK_KEY_ARN, render_variant

pytestmark = pytest.mark.parametrize("env", REST_ENVIRONMENTS)


def test_waf_guards_the_stage_with_managed_rules_and_a_per_ip_rate(template: Template, settings: Settings) -> None:
    acl = only_resource(template, "AWS::WAFv2::WebACL")["Properties"]
    assert acl["Scope"] == "REGIONAL" and acl["DefaultAction"] == {"Allow": {}}
    rules = {rule["Name"]: rule for rule in acl["Rules"]}
    for group in ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"):
        statement = rules[group]["Statement"]["ManagedRuleGroupStatement"]
        assert (statement["VendorName"], statement["Name"]) == ("AWS", group)
        assert rules[group]["OverrideAction"] == {"None": {}}
    rate = rules["RateLimitPerClientIp"]
    assert rate["Action"] == {"Block": {}}
    assert rate["Statement"]["RateBasedStatement"] == {"Limit": settings.api.waf_rate_limit, "AggregateKeyType": "IP"}
    assert len({rule["Priority"] for rule in acl["Rules"]}) == len(acl["Rules"])
    association = only_resource(template, "AWS::WAFv2::WebACLAssociation")["Properties"]
    assert association["WebACLArn"] == {"Fn::GetAtt": ["ApiWebAcl", "Arn"]}
    assert association["ResourceArn"]["Fn::Sub"].endswith("::/restapis/${RestApi}/stages/${RestApiStage}")


def test_waf_logs_to_an_encrypted_group_whose_name_waf_accepts(template: Template, settings: Settings) -> None:
    logging = only_resource(template, "AWS::WAFv2::LoggingConfiguration")
    (destination,) = logging["Properties"]["LogDestinationConfigs"]
    assert destination["Fn::Sub"].endswith(":log-group:aws-waf-logs-tap-${EnvironmentSuffix}")
    assert logging["DependsOn"] == ["ApiWafLogGroup"]
    redacted = {f["SingleHeader"]["Name"] for f in logging["Properties"]["RedactedFields"]}
    assert {"authorization", "x-api-key"} <= redacted
    group = template["Resources"]["ApiWafLogGroup"]["Properties"]
    assert group["LogGroupName"] == {"Fn::Sub": "aws-waf-logs-tap-${EnvironmentSuffix}"}
    assert group["KmsKeyId"] == STACK_KEY_ARN and group["RetentionInDays"] == settings.log_retention_days


def test_without_waf_there_is_no_web_acl(settings: Settings) -> None:
    template = render_variant(settings, waf=False, waf_rate_limit=None)
    assert not [r for r in template["Resources"].values() if r["Type"].startswith("AWS::WAFv2::")]
    assert "ApiWafLogGroup" not in template["Resources"]
