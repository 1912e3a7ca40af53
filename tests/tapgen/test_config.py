"""Settings: loading, merging, and precise errors for every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from tapgen.config import LOG_RETENTION_DAYS, ConfigError, load_all, load_settings
from tests.conftest import CONFIG, ENVIRONMENTS

BASE = CONFIG.read_text(encoding="utf-8")


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tapgen.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_for(tmp_path: Path, text: str, env: str = "dev") -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_settings(env, write_config(tmp_path, text))
    return caught.value.problems


def test_all_environments_load() -> None:
    assert [s.name for s in load_all(CONFIG)] == sorted(ENVIRONMENTS)


def test_environment_overrides_merge_over_defaults() -> None:
    prod = load_settings("prod", CONFIG)
    assert prod.functions.image.memory_mb == 1024
    assert prod.functions.image.reserved_concurrency == 100
    assert prod.project == "tap"  # from [defaults]
    assert prod.api.auth == "jwt"


def test_settings_are_frozen() -> None:
    settings = load_settings("dev", CONFIG)
    with pytest.raises(AttributeError):
        settings.project = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("old", "new", "env", "expected"),
    [
        pytest.param(
            "memory_mb = 256",
            "memory_mb = 99999",
            "dev",
            "[env.dev] functions.api.memory_mb = 99999: must be an integer from 128 to 10240",
            id="out-of-range",
        ),
        pytest.param(
            "memory_mb = 256",
            'memory_mb = "256"',
            "dev",
            '[env.dev] functions.api.memory_mb = "256": must be of type integer',
            id="wrong-type",
        ),
        pytest.param(
            "retain_data = false",
            "retain_data = 0",
            "dev",
            "[env.dev] retain_data = 0: must be of type boolean",
            id="int-for-bool",
        ),
        pytest.param(
            "timeout_seconds = 10",
            "timeout_seconds = true",
            "dev",
            "[env.dev] functions.api.timeout_seconds = true: must be of type integer",
            id="bool-for-int",
        ),
        pytest.param(
            "log_retention_days = 7",
            "log_retention_days = 8",
            "dev",
            "[env.dev] log_retention_days = 8: must be one of 1, 3, 5, 7, 14",
            id="retention-cfn-values",
        ),
        pytest.param(
            'runtime = "python3.13"',
            'runtime = "python3.9"',
            "staging",
            '[env.staging] runtime = "python3.9": must be one of python3.13, python3.14',
            id="deprecated-runtime",
        ),
        pytest.param(
            'auth = "iam"',
            'auth = "basic"',
            "dev",
            '[env.dev] api.auth = "basic": must be one of iam, jwt, cognito',
            id="unknown-auth",
        ),
        pytest.param(
            "[env.dev]",
            "[env.dev]\nmemory = 5",
            "dev",
            "[env.dev] unknown key memory; allowed: access_log_expiry_days",
            id="unknown-key",
        ),
        pytest.param(
            "[defaults.processing]",
            "[defaults.processing]\nretries = 3",
            "prod",
            "[env.prod] unknown key processing.retries; allowed: max_event_age_seconds",
            id="unknown-nested-key",
        ),
        pytest.param(
            'jwt_issuer = "https://auth.tap.example.com/"\n',
            "",
            "prod",
            "[env.prod] api.jwt_issuer = (not set): must be an issuer and at least one jwt_audience",
            id="jwt-without-issuer",
        ),
        pytest.param(
            'cors_origins = ["https://tap.example.com"]',
            'cors_origins = ["*"]',
            "prod",
            '[env.prod] api.cors_origins = ["*"]: must be explicit origins',
            id="wildcard-cors-retained",
        ),
        pytest.param(
            'cors_origins = ["http://localhost:3000"]',
            'cors_origins = ["localhost"]',
            "dev",
            '[env.dev] api.cors_origins = ["localhost"]: must be a list of',
            id="bad-origin",
        ),
        pytest.param(
            'account = "123456789012"',
            "",
            "prod",
            "[env.prod] account = (not set): must be the environment's 12-digit AWS account id where retain_data",
            id="retained-without-account",
        ),
        pytest.param(
            'account = "123456789012"',
            "account = 123456789012",
            "prod",
            "[env.prod] account = 123456789012: must be of type string",
            id="account-as-integer",
        ),
        pytest.param(
            'account = "123456789012"',
            'account = "12345"',
            "prod",
            '[env.prod] account = "12345": must be a 12-digit AWS account id',
            id="account-too-short",
        ),
        pytest.param(
            "throttling_burst = 40",
            "throttling_burst = 10",
            "dev",
            "[env.dev] api.throttling_burst = 10: must be at least throttling_rate (20)",
            id="burst-below-rate",
        ),
        pytest.param(
            'CostCenter = "tap"',
            'Project = "other"',
            "dev",
            '[env.dev] tags.Project = "other": must be a tag key',
            id="reserved-tag",
        ),
        pytest.param(
            'project = "tap"',
            'project = "Tapestry-Service"',
            "dev",
            '[env.dev] project = "Tapestry-Service": must be 2-6 lower-case',
            id="long-project",
        ),
        pytest.param(
            "[defaults.functions.data]\nmemory_mb = 512\n",
            "[defaults.functions.data]\n",
            "dev",
            "[env.dev] missing key functions.data.memory_mb",
            id="missing-key",
        ),
        pytest.param(
            "processing_problem_percent = 20",
            "processing_problem_percent = 0",
            "dev",
            "[env.dev] alarms.processing_problem_percent = 0: must be an integer from 1 to 100",
            id="problem-rate-out-of-range",
        ),
        pytest.param(
            "[env.dev]", "[env.Dev]", "Dev", "[env.Dev] environment name 'Dev': must match", id="bad-env-name"
        ),
    ],
)
def test_bad_values_are_named_precisely(tmp_path: Path, old: str, new: str, env: str, expected: str) -> None:
    assert old in BASE, "the test's anchor must exist in tapgen.toml"
    problems = problems_for(tmp_path, BASE.replace(old, new, 1), env)
    assert any(p.startswith(expected) for p in problems), problems


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = BASE.replace("memory_mb = 256", "memory_mb = 1").replace("timeout_seconds = 10", "timeout_seconds = 0")
    assert len(problems_for(tmp_path, text)) == 2


def test_all_environments_problems_are_reported_together(tmp_path: Path) -> None:
    text = BASE.replace("memory_mb = 256", "memory_mb = 1")  # inherited by dev, partner and staging, not prod
    with pytest.raises(ConfigError) as caught:
        load_all(write_config(tmp_path, text))
    assert [p.split("]")[0] for p in caught.value.problems] == ["[env.dev", "[env.partner", "[env.staging"]


def test_unknown_environment_lists_the_defined_ones() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings("qa", CONFIG)
    assert caught.value.problems == ["unknown environment 'qa'; defined: dev, partner, prod, staging"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("[defaults\nproject = 1", "is not valid TOML: ", id="malformed"),
        pytest.param("[env]\n", "no environments", id="no-environments"),
        pytest.param("[envs.dev]\n", "unknown top-level table [envs]", id="unknown-table"),
        pytest.param('env = "dev"', "[env] must be a table", id="env-not-table"),
    ],
)
def test_malformed_files_are_rejected(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_all(write_config(tmp_path, text))
    assert any(expected in p for p in caught.value.problems), caught.value.problems


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_all(tmp_path / "absent.toml")


def test_lambdas_dir_sits_beside_the_config(tmp_path: Path) -> None:
    assert load_settings("dev", write_config(tmp_path, BASE)).lambdas_dir == tmp_path / "lambdas"


def test_log_retention_values_match_troposphere_validator() -> None:
    """config keeps its own copy so that loading settings never imports troposphere; the copy must not drift."""
    from troposphere.validators.logs import RETENTION_DAYS

    assert tuple(LOG_RETENTION_DAYS) == tuple(RETENTION_DAYS)


def test_api_kind_defaults_to_http_and_partner_is_rest() -> None:
    assert {s.name: s.api.kind for s in load_all(CONFIG)} == {
        "dev": "http",
        "partner": "rest",
        "prod": "http",
        "staging": "http",
    }


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
