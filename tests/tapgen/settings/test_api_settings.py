"""The [api] table: the HTTP and REST flavours and the settings only one of them has."""

from __future__ import annotations

from pathlib import Path

import pytest

from tapgen.settings import load_all, load_settings
from tests.conftest import CONFIG, HTTP_ENVIRONMENTS, REST_ENVIRONMENTS
from tests.tapgen.settings.helpers import BASE, problems_for, write_config


def test_api_kind_defaults_to_http_and_partner_is_rest() -> None:
    kinds = {s.name: s.api.kind for s in load_all(CONFIG)}
    assert kinds == {**dict.fromkeys(HTTP_ENVIRONMENTS, "http"), **dict.fromkeys(REST_ENVIRONMENTS, "rest")}
    assert kinds["partner"] == "rest"


PARTNER_API = 'kind = "rest"\nauth = "iam"'


POOL = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Abc123"


@pytest.mark.parametrize(
    ("old", "new", "env", "expected"),
    [
        pytest.param(
            "[env.dev]",
            "[env.dev]\n[env.dev.api]\nwaf = true",
            "dev",
            "[env.dev] api.waf = true: must be left out: it applies only where api.kind = 'rest' (here 'http')",
            id="waf-on-http",
        ),
        pytest.param(
            "[env.dev]",
            "[env.dev]\n[env.dev.api]\napi_keys = true",
            "dev",
            "[env.dev] api.api_keys = true: must be left out: it applies only where api.kind = 'rest'",
            id="api-keys-on-http",
        ),
        pytest.param(
            "[env.dev]",
            '[env.dev]\n[env.dev.api]\nexecution_logging = "INFO"',
            "dev",
            "[env.dev] api.execution_logging = \"INFO\": must be left out: it applies only where api.kind = 'rest'",
            id="execution-logging-on-http",
        ),
        pytest.param(
            "[env.dev]",
            "[env.dev]\n[env.dev.api]\nusage_plan_quota = 5",
            "dev",
            "[env.dev] api.usage_plan_quota = 5: must be left out: it applies only where api.kind = 'rest'",
            id="usage-plan-on-http",
        ),
        pytest.param(
            "[env.dev]",
            "[env.dev]\n[env.dev.alarms]\napi_4xx_rate_percent = 5",
            "dev",
            "[env.dev] alarms.api_4xx_rate_percent = 5: must be left out: it applies only where api.kind = 'rest'",
            id="4xx-alarm-on-http",
        ),
        pytest.param(
            "[env.dev]",
            f'[env.dev]\n[env.dev.api]\nauth = "cognito"\ncognito_user_pool_arns = ["{POOL}"]',
            "dev",
            "[env.dev] api.auth = \"cognito\": must be 'iam' or 'jwt' for an HTTP API",
            id="cognito-on-http",
        ),
        pytest.param(
            PARTNER_API,
            'kind = "rest"\nauth = "jwt"\njwt_issuer = "https://auth.example.com/"\njwt_audience = ["tap"]',
            "partner",
            "[env.partner] api.auth = \"jwt\": must be 'iam' or 'cognito' for a REST API: "
            "REST APIs have no native JWT authorizer (use 'cognito' with cognito_user_pool_arns)",
            id="jwt-on-rest",
        ),
        pytest.param(
            PARTNER_API,
            'kind = "rest"\nauth = "iam"\njwt_audience = ["tap"]',
            "partner",
            "[env.partner] api.jwt_audience = [\"tap\"]: must be left out: it applies only where api.kind = 'http'",
            id="jwt-setting-on-rest",
        ),
        pytest.param(
            PARTNER_API,
            'kind = "rest"\nauth = "cognito"',
            "partner",
            "[env.partner] api.cognito_user_pool_arns = []: must be at least one user pool ARN when auth = 'cognito'",
            id="cognito-without-pools",
        ),
        pytest.param(
            PARTNER_API,
            'kind = "rest"\nauth = "cognito"\ncognito_user_pool_arns = ["us-east-1_Abc123"]',
            "partner",
            '[env.partner] api.cognito_user_pool_arns = ["us-east-1_Abc123"]: must be a list of a Cognito',
            id="cognito-pool-not-an-arn",
        ),
        pytest.param(
            PARTNER_API,
            f'kind = "rest"\nauth = "iam"\ncognito_user_pool_arns = ["{POOL}"]',
            "partner",
            f"[env.partner] api.cognito_user_pool_arns = [\"{POOL}\"]: must be left out unless auth = 'cognito'",
            id="pools-without-cognito",
        ),
        pytest.param(
            'usage_plan_quota_period = "DAY"',
            'usage_plan_quota_period = "WEEK"',
            "partner",
            '[env.partner] api.usage_plan_quota_period = "WEEK": must be one of DAY, MONTH',
            id="quota-period",
        ),
        pytest.param(
            "usage_plan_quota = 10000",
            "",
            "partner",
            "[env.partner] api.usage_plan_quota = (not set): must be set when api_keys = true",
            id="keys-without-quota",
        ),
        pytest.param(
            "api_keys = true",
            "api_keys = false",
            "partner",
            "[env.partner] api.usage_plan_rate = 10: must be left out unless api_keys = true",
            id="usage-plan-without-keys",
        ),
        pytest.param(
            "usage_plan_burst = 20",
            "usage_plan_burst = 5",
            "partner",
            "[env.partner] api.usage_plan_burst = 5: must be at least usage_plan_rate (10)",
            id="usage-plan-burst-below-rate",
        ),
        pytest.param(
            "waf_rate_limit = 1000",
            "",
            "partner",
            "[env.partner] api.waf_rate_limit = (not set): must be requests per client IP per 5 minutes when waf",
            id="waf-without-rate",
        ),
        pytest.param(
            "waf_rate_limit = 1000",
            "waf_rate_limit = 5",
            "partner",
            "[env.partner] api.waf_rate_limit = 5: must be an integer from 10 to 2000000000",
            id="waf-rate-too-low",
        ),
        pytest.param(
            "waf = true",
            "waf = false",
            "partner",
            "[env.partner] api.waf_rate_limit = 1000: must be left out unless waf = true",
            id="waf-rate-without-waf",
        ),
        pytest.param(
            'execution_logging = "ERROR"',
            'execution_logging = "DEBUG"',
            "partner",
            '[env.partner] api.execution_logging = "DEBUG": must be one of OFF, ERROR, INFO',
            id="execution-logging-level",
        ),
        pytest.param(
            "api_4xx_rate_percent = 10",
            "",
            "partner",
            "[env.partner] alarms.api_4xx_rate_percent = (not set): must be the 4XX share (%)",
            id="rest-without-4xx-alarm",
        ),
        pytest.param(
            'kind = "rest"',
            'kind = "websocket"',
            "partner",
            '[env.partner] api.kind = "websocket": must be one of http, rest',
            id="unknown-kind",
        ),
    ],
)
def test_settings_of_the_other_api_flavour_are_refused(
    tmp_path: Path, old: str, new: str, env: str, expected: str
) -> None:
    assert old in BASE, "the test's anchor must exist in tapgen.toml"
    problems = problems_for(tmp_path, BASE.replace(old, new, 1), env)
    assert any(p.startswith(expected) for p in problems), problems


def test_cognito_rest_environment_loads(tmp_path: Path) -> None:
    text = BASE.replace(PARTNER_API, f'kind = "rest"\nauth = "cognito"\ncognito_user_pool_arns = ["{POOL}"]')
    settings = load_settings("partner", write_config(tmp_path, text))
    assert settings.api.auth == "cognito"
    assert settings.api.cognito_user_pool_arns == (POOL,)
