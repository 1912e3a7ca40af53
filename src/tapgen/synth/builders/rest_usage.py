"""The REST API's usage plan and its API key (`api.kind = "rest"` with a usage plan): rate, burst and quota per key."""

from __future__ import annotations

from troposphere import Ref, apigateway

from tapgen.settings import Settings
from tapgen.synth.builders.rest_api import API_KEY, USAGE_PLAN, USAGE_PLAN_KEY
from tapgen.synth.naming import physical_name, standard_tags


def usage_plan(settings: Settings, api: apigateway.RestApi, staged: apigateway.Stage) -> apigateway.UsagePlan:
    """Each key's rate, burst and quota; the plan covers the API's one stage."""
    config = settings.api
    if config.usage_plan_rate is None or config.usage_plan_burst is None or config.usage_plan_quota is None:
        raise ValueError("a usage plan needs usage_plan_rate, usage_plan_burst and usage_plan_quota")
    return apigateway.UsagePlan(
        USAGE_PLAN,
        UsagePlanName=physical_name(settings, "usage-plan"),
        Description="Rate, burst and quota of each API key",
        ApiStages=[apigateway.ApiStage(ApiId=Ref(api), Stage=Ref(staged))],
        Throttle=apigateway.ThrottleSettings(
            RateLimit=float(config.usage_plan_rate), BurstLimit=config.usage_plan_burst
        ),
        Quota=apigateway.QuotaSettings(Limit=config.usage_plan_quota, Period=config.usage_plan_quota_period),
        Tags=standard_tags(settings),
    )


def api_key(settings: Settings) -> apigateway.ApiKey:
    """No Value: API Gateway generates the secret, so it is in no template, output or log."""
    return apigateway.ApiKey(
        API_KEY,
        Name=physical_name(settings, "api-key"),
        Description="Key of the API's usage plan; read its value with apigateway get-api-key --include-value",
        Enabled=True,
        Tags=standard_tags(settings),
    )


def usage_plan_key(plan: apigateway.UsagePlan, key: apigateway.ApiKey) -> apigateway.UsagePlanKey:
    return apigateway.UsagePlanKey(USAGE_PLAN_KEY, KeyId=Ref(key), KeyType="API_KEY", UsagePlanId=Ref(plan))
