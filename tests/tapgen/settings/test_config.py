"""Settings: loading, merging, and precise errors for every kind of bad input."""

from __future__ import annotations

import dataclasses
import errno
import json
import re
from pathlib import Path

import pytest

from tapgen.settings import (
    LOG_RETENTION_DAYS,
    ConfigError,
    ProcessingSettings,
    Settings,
    load_all,
    load_settings,
)
from tests.conftest import CONFIG, CONTRACT, ENVIRONMENTS, HTTP_ENVIRONMENTS, REST_ENVIRONMENTS, ROOT, settings_for

TABLE_HEADER = re.compile(r"^\[\s*([A-Za-z0-9_.-]+)\s*\]")


def dev_as_defaults(config_text: str) -> str:
    """The file with dev's own tables dropped and an empty `[env.dev]` last: dev is the defaults alone, and a test
    adds keys or sub-tables to it by writing them right after that header, whatever tapgen.toml sets for dev."""
    kept, in_dev = [], False
    for line in config_text.splitlines(keepends=True):
        header = TABLE_HEADER.match(line)
        if header:
            in_dev = header[1] == "env.dev" or header[1].startswith("env.dev.")
        if not in_dev:
            kept.append(line)
    return "".join(kept).rstrip("\n") + "\n\n[env.dev]\n"


BASE = dev_as_defaults(CONFIG.read_text(encoding="utf-8"))
FUNCTION_NAMES = ", ".join(function.name for function in CONTRACT.FUNCTIONS)


def allowed_keys(table: type) -> str:
    """The keys a table of tapgen.toml takes, as an unknown key's problem lists them: every setting, sorted."""
    return ", ".join(sorted(f.name for f in dataclasses.fields(table) if f.metadata.get("toml", True)))


def write_config(tmp_path: Path, text: str) -> Path:
    """`text` as tapgen.toml beside the project's lambdas/, whose contract names the functions."""
    if not (tmp_path / "lambdas").exists():
        (tmp_path / "lambdas").symlink_to(ROOT / "lambdas")
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
    assert prod.functions["image"].memory_mb == 1024
    assert prod.functions["image"].reserved_concurrency == 100
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
            "[defaults] functions.api.memory_mb = 99999: must be an integer from 128 to 10240",
            id="out-of-range",
        ),
        pytest.param(
            "memory_mb = 256",
            'memory_mb = "256"',
            "dev",
            '[defaults] functions.api.memory_mb = "256": must be of type integer',
            id="wrong-type",
        ),
        pytest.param(
            "retain_data = false",
            "retain_data = 0",
            "dev",
            "[defaults] retain_data = 0: must be of type boolean",
            id="int-for-bool",
        ),
        pytest.param(
            "timeout_seconds = 10",
            "timeout_seconds = true",
            "dev",
            "[defaults] functions.api.timeout_seconds = true: must be of type integer",
            id="bool-for-int",
        ),
        pytest.param(
            "log_retention_days = 7",
            "log_retention_days = 8",
            "dev",
            "[defaults] log_retention_days = 8: must be one of 1, 3, 5, 7, 14",
            id="retention-cfn-values",
        ),
        pytest.param(
            'runtime = "python3.13"',
            'runtime = "python3.9"',
            "staging",
            '[defaults] runtime = "python3.9": must be one of python3.13, python3.14',
            id="deprecated-runtime",
        ),
        pytest.param(
            'auth = "iam"',
            'auth = "basic"',
            "dev",
            '[defaults] api.auth = "basic": must be one of iam, jwt, cognito',
            id="unknown-auth",
        ),
        pytest.param(
            "[env.dev]",
            "[env.dev]\nmemory = 5",
            "dev",
            f"[env.dev] unknown key memory; allowed: {allowed_keys(Settings)}",
            id="unknown-key",
        ),
        pytest.param(
            "[defaults.processing]",
            "[defaults.processing]\nretries = 3",
            "prod",
            f"[defaults] unknown key processing.retries; allowed: {allowed_keys(ProcessingSettings)}",
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
            '[defaults] api.cors_origins = ["localhost"]: must be a list of',
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
            "[defaults] api.throttling_burst = 10: must be at least throttling_rate (20)",
            id="burst-below-rate",
        ),
        pytest.param(
            'CostCenter = "tap"',
            'Project = "other"',
            "dev",
            '[defaults] tags.Project = "other": must be a tag key',
            id="reserved-tag",
        ),
        pytest.param(
            'project = "tap"',
            'project = "Tapestry-Service"',
            "dev",
            '[defaults] project = "Tapestry-Service": must be 2-6 lower-case',
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
            "[env.prod.functions.image]",
            "[env.prod.functions.imgae]",
            "prod",
            f"[env.prod] unknown key functions.imgae; the Lambda contract's functions: {FUNCTION_NAMES}",
            id="function-not-in-the-contract",
        ),
        pytest.param(
            "[defaults.functions.data]\nmemory_mb = 512\ntimeout_seconds = 60\nreserved_concurrency = 5\n",
            "",
            "dev",
            "[env.dev] missing key functions.data (one of the Lambda contract's functions)",
            id="contract-function-without-settings",
        ),
        pytest.param(
            "processing_problem_percent = 20",
            "processing_problem_percent = 0",
            "dev",
            "[defaults] alarms.processing_problem_percent = 0: must be an integer from 1 to 100",
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


def test_functions_cannot_be_checked_without_the_lambda_contract(tmp_path: Path) -> None:
    (tmp_path / "tapgen.toml").write_text(BASE, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings("dev", tmp_path / "tapgen.toml")
    contract = tmp_path / "lambdas" / "tap_shared" / "contract.py"
    expected = (
        f"its functions must be the Lambda contract's, which cannot be read: Lambda contract not found at {contract}"
    )
    assert caught.value.problems == [expected]


def test_a_broken_lambda_contract_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    contract = tmp_path / "lambdas" / "tap_shared" / "contract.py"
    contract.parent.mkdir(parents=True)
    contract.write_text("API = undefined_name\n", encoding="utf-8")
    (tmp_path / "tapgen.toml").write_text(BASE, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings("dev", tmp_path / "tapgen.toml")
    assert caught.value.problems == [
        f"its functions must be the Lambda contract's, but {contract} fails: "
        "NameError: name 'undefined_name' is not defined"
    ]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = BASE.replace("memory_mb = 256", "memory_mb = 1").replace("timeout_seconds = 10", "timeout_seconds = 0")
    assert len(problems_for(tmp_path, text)) == 2


def test_all_environments_problems_are_reported_together(tmp_path: Path) -> None:
    text = BASE.replace("[env.staging]\n", "[env.staging]\nretain_data = 1\n").replace(
        "[env.prod]\n", "[env.prod]\nruntime = 3\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_all(write_config(tmp_path, text))
    assert [p.split("]")[0] for p in caught.value.problems] == ["[env.prod", "[env.staging"]


def test_a_defaults_problem_is_reported_once_against_defaults(tmp_path: Path) -> None:
    text = BASE.replace("memory_mb = 256", "memory_mb = 1")  # inherited by dev and staging, not prod
    with pytest.raises(ConfigError) as caught:
        load_all(write_config(tmp_path, text))
    assert caught.value.problems == ["[defaults] functions.api.memory_mb = 1: must be an integer from 128 to 10240"]


def test_a_defaults_problem_every_environment_overrides_is_still_reported(tmp_path: Path) -> None:
    text = (
        BASE.replace("[defaults.alarms]\n", '[defaults.alarms]\nemail = "nobody"\n')
        .replace("[env.dev]\n", '[env.dev]\nalarms.email = "a@example.com"\n')
        .replace("[env.staging]\n", '[env.staging]\nalarms.email = "a@example.com"\n')
    )
    with pytest.raises(ConfigError) as caught:
        load_all(write_config(tmp_path, text))
    assert caught.value.problems == [
        '[defaults] alarms.email = "nobody": must be an e-mail address such as ops@example.com'
    ]


def test_a_rule_across_keys_is_told_against_the_table_that_broke_it(tmp_path: Path) -> None:
    text = BASE.replace("throttling_burst = 200", "throttling_burst = 50", 1)
    problems = problems_for(tmp_path, text, "staging")
    assert problems == ["[env.staging] api.throttling_burst = 50: must be at least throttling_rate (100)"]


@pytest.mark.parametrize("table", ["[defaults]", "[env.dev]"])
def test_name_cannot_be_set_anywhere(tmp_path: Path, table: str) -> None:
    text = BASE.replace(f"{table}\n", f'{table}\nname = "prod"\n', 1)
    problems = problems_for(tmp_path, text)
    assert problems == [f"{table} name cannot be set: an environment's name is the name of its table, [env.NAME]"]


def test_name_in_defaults_is_reported_once_for_all_environments(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_all(write_config(tmp_path, BASE.replace("[defaults]\n", '[defaults]\nname = "prod"\n', 1)))
    assert caught.value.problems == [
        "[defaults] name cannot be set: an environment's name is the name of its table, [env.NAME]"
    ]


def test_a_fixed_field_is_not_a_key(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, BASE.replace("[env.dev]\n", '[env.dev]\nlambdas_dir = "x"\n'))
    assert problems == ["[env.dev] lambdas_dir cannot be set: the Lambda code is always lambdas/ beside tapgen.toml"]


def test_unknown_keys_do_not_list_fixed_fields_as_allowed(tmp_path: Path) -> None:
    (problem,) = problems_for(tmp_path, BASE.replace("[env.dev]\n", "[env.dev]\nmemory = 5\n"))
    assert "name" not in problem.split("allowed: ")[1].split(", ")
    assert "lambdas_dir" not in problem


def test_unknown_environment_lists_the_defined_ones() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings("qa", CONFIG)
    assert caught.value.problems == [f"unknown environment 'qa'; defined: {', '.join(sorted(ENVIRONMENTS))}"]


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


def dev_problems(tmp_path: Path, *lines: str, base: str = BASE) -> list[str]:
    """The problems of dev with `lines` added to its own table."""
    text = base.replace("[env.dev]\n", "[env.dev]\n" + "".join(f"{line}\n" for line in lines), 1)
    try:
        load_settings("dev", write_config(tmp_path, text))
    except ConfigError as error:
        return error.problems
    return []


@pytest.mark.parametrize(
    ("email", "valid"),
    [
        ("Ops@Example.COM", True),
        ("tap-oncall@example.com", True),
        ("first.last+alarms@mail.example.co.uk", True),
        ("o'brien@example.ie", True),
        ("ops@xn--bcher-kva.example", True),
        ("ops@example.xn--p1ai", True),
        ("a" * 64 + "@example.com", True),
        ("a" * 65 + "@example.com", False),
        ("ops@" + "a" * 63 + ".com", True),
        ("ops@" + "a" * 64 + ".com", False),
        ("ops@" + ".".join(["a" * 60] * 5) + ".com", False),  # a domain over 253 characters
        ("nobody", False),
        ("ops@localhost", False),
        ("ops@example.c", False),
        ("ops@example.c0m", False),
        ("ops@-example.com", False),
        ("ops@example-.com", False),
        ("ops@example..com", False),
        (".ops@example.com", False),
        ("ops.@example.com", False),
        ("o..ps@example.com", False),
        ("o ps@example.com", False),
        ("ops@exa mple.com", False),
        ("ops@@example.com", False),
        ("ops@example.com\n", False),
        ("", False),
    ],
)
def test_email_addresses_as_sns_accepts_them(tmp_path: Path, email: str, valid: bool) -> None:
    problems = dev_problems(tmp_path, f"alarms.email = {json.dumps(email)}")
    if valid:
        assert problems == []
    else:
        assert len(problems) == 1 and problems[0].startswith("[env.dev] alarms.email = ")
        assert problems[0].endswith("must be an e-mail address such as ops@example.com")


@pytest.mark.parametrize(
    ("origin", "valid"),
    [
        ("*", True),
        ("https://app.example.com", True),
        ("http://localhost:3000", True),
        ("https://app.example.com:1", True),
        ("https://app.example.com:65535", True),
        ("http://127.0.0.1:8080", True),
        ("https://app.example.com:99999", False),
        ("https://app.example.com:65536", False),
        ("https://app.example.com:0", False),
        ("https://app.example.com:080", False),
        ("https://app.example.com:", False),
        ("https://App.Example.com", False),
        ("https://app.example.com/", False),
        ("https://app.example.com/path", False),
        ("https://-app.example.com", False),
        ("https://app..example.com", False),
        ("https://" + "a" * 64 + ".com", False),
        ("ftp://app.example.com", False),
        ("app.example.com", False),
        ("https://*.example.com", False),
    ],
)
def test_cors_origins_as_browsers_send_them(tmp_path: Path, origin: str, valid: bool) -> None:
    problems = dev_problems(tmp_path, f"api.cors_origins = [{json.dumps(origin)}]")
    if valid:
        assert problems == []
    else:
        assert len(problems) == 1 and "port 1-65535" in problems[0]
        assert problems[0].startswith(f"[env.dev] api.cors_origins = [{json.dumps(origin)}]: must be a list of")


def tags_table(count: int) -> str:
    return "tags = {" + ", ".join(f'T{i} = "v"' for i in range(count)) + "}"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param(tags_table(46), None, id="46-plus-CostCenter-fits"),
        pytest.param(tags_table(47), '[env.dev] tags = "48 tags": must be at most 47 tags', id="48-too-many"),
        pytest.param('tags = {"aws:owner" = "x"}', '[env.dev] tags."aws:owner" = "x": must be a tag key', id="aws-key"),
        pytest.param('tags = {"AWS:Owner" = "x"}', '[env.dev] tags."AWS:Owner" = "x": must be a tag key', id="AWS-key"),
        pytest.param(
            'tags = {Owner = "aws:team"}', '[env.dev] tags.Owner = "aws:team": must be a tag value', id="aws-value"
        ),
        pytest.param('tags = {Owner = "a<b"}', '[env.dev] tags.Owner = "a<b": must be a tag value', id="value-charset"),
        pytest.param(
            'tags = {Owner = "a\\nb"}', '[env.dev] tags.Owner = "a\\nb": must be a tag value', id="value-newline"
        ),
        pytest.param('tags = {"a!b" = "x"}', '[env.dev] tags."a!b" = "x": must be a tag key', id="key-charset"),
        pytest.param(f'tags = {{{"K" * 129} = "x"}}', "[env.dev] tags.KKKK", id="key-129"),
        pytest.param(f'tags = {{Owner = "{"v" * 257}"}}', "[env.dev] tags.Owner = ", id="value-257"),
        pytest.param(f'tags = {{{"K" * 128} = "{"v" * 256}"}}', None, id="longest-fit"),
        pytest.param('tags = {"Équipe" = "données 2024", Owner = ""}', None, id="unicode-and-empty"),
        pytest.param("tags = {Owner = 5}", "[env.dev] tags.Owner = 5: must be of type string", id="not-a-string"),
        pytest.param(
            'tags = {Environment = "x"}', '[env.dev] tags.Environment = "x": must be a tag key other', id="reserved"
        ),
    ],
)
def test_tags_every_resource_can_carry(tmp_path: Path, line: str, expected: str | None) -> None:
    problems = dev_problems(tmp_path, line)
    if expected is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problems[0].startswith(expected), problems


def test_tags_count_what_defaults_and_environment_add_together(tmp_path: Path) -> None:
    base = BASE.replace('CostCenter = "tap"', "\n".join(f'D{i} = "v"' for i in range(40)))
    assert dev_problems(tmp_path, tags_table(7), base=base) == []
    (problem,) = dev_problems(tmp_path, tags_table(8), base=base)
    assert problem.startswith('[env.dev] tags = "48 tags": must be at most 47 tags: AWS allows 50 per resource')


PROD_RESERVED = "reserved_concurrency = 100\n"  # the first in [env.prod]: the api function's
PROD_API = settings_for("prod").functions[CONTRACT.API.name].reserved_concurrency
PROD_OTHERS = sum(settings_for("prod").reserved_concurrency.values()) - PROD_API  # what the processors reserve


def prod_reserving(api: int) -> str:
    """How the problem lists prod's reservations when its api function reserves `api`."""
    counts = {**settings_for("prod").reserved_concurrency, CONTRACT.API.name: api}
    return " + ".join(f"{name} {count}" for name, count in counts.items())


@pytest.mark.parametrize(
    ("replacements", "expected"),
    [
        pytest.param({}, None, id="as-set-fits-1000"),
        pytest.param({"100\n": "300\n"}, None, id="api-300-fits"),
        pytest.param({"100\n": f"{900 - PROD_OTHERS}\n"}, None, id="900-reserved-leaves-100"),
        pytest.param(
            {"100\n": f"{901 - PROD_OTHERS}\n"},
            "[env.prod] account_concurrency_limit = 1000: must be at least 1001: the functions reserve "
            f"{prod_reserving(901 - PROD_OTHERS)} and Lambda keeps 100 unreserved",
            id="901-reserved",
        ),
        pytest.param(
            {"100\n": f"{1000 - PROD_OTHERS}\n", "[env.prod]\n": "[env.prod]\naccount_concurrency_limit = 1100\n"},
            None,
            id="raised-quota",
        ),
        pytest.param(
            {"[env.prod]\n": "[env.prod]\naccount_concurrency_limit = 99\n"},
            "[env.prod] account_concurrency_limit = 99: must be an integer from 100 to 1000000",
            id="limit-too-low",
        ),
        pytest.param(
            {"[env.prod]\n": '[env.prod]\naccount_concurrency_limit = "1000"\n'},
            '[env.prod] account_concurrency_limit = "1000": must be of type integer',
            id="limit-string",
        ),
    ],
)
def test_reserved_concurrency_leaves_100_unreserved(
    tmp_path: Path, replacements: dict[str, str], expected: str | None
) -> None:
    text = BASE
    for old, new in replacements.items():
        anchor = PROD_RESERVED if old == "100\n" else old
        text = text.replace(anchor, anchor.replace(old, new), 1)
    try:
        load_settings("prod", write_config(tmp_path, text))
        problems: list[str] = []
    except ConfigError as error:
        problems = error.problems
    if expected is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problems[0].startswith(expected), problems


@pytest.mark.parametrize(("staging_account", "fits"), [("123456789012", False), ("210987654321", True)])
def test_environments_in_one_account_share_its_concurrency(tmp_path: Path, staging_account: str, fits: bool) -> None:
    """With 126 for each of staging's functions, prod and staging in one account reserve more than 900."""
    text = BASE.replace("reserved_concurrency = 20", "reserved_concurrency = 126").replace(
        "[env.staging]\n", f'[env.staging]\naccount = "{staging_account}"\n'
    )
    config = write_config(tmp_path, text)
    load_settings("staging", config)  # fine alone: 504 + 100 <= 1000
    if fits:
        assert [s.name for s in load_all(config)] == sorted(ENVIRONMENTS)
        return
    with pytest.raises(ConfigError) as caught:
        load_all(config)
    total = sum(sum(load_settings(env, config).reserved_concurrency.values()) for env in ("prod", "staging"))
    assert total > 900
    assert caught.value.problems == [
        "[env.prod], [env.staging] share account 123456789012 in us-east-1: their reserved_concurrency adds up to "
        f"{total}, but account_concurrency_limit (1000) less the 100 Lambda keeps unreserved allows 900"
    ]


def test_reservations_inherited_from_defaults_are_told_against_defaults(tmp_path: Path) -> None:
    text = BASE.replace("reserved_concurrency = 5", "reserved_concurrency = 300")
    with pytest.raises(ConfigError) as caught:
        load_all(write_config(tmp_path, text))
    assert [p.split(" ")[0] for p in caught.value.problems] == ["[defaults]"]  # dev; staging and prod set their own


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(["processing.max_event_age_seconds = 360"], None, id="3x60+60+120-fits"),
        pytest.param(
            ["processing.max_event_age_seconds = 359"],
            "[env.dev] processing.max_event_age_seconds = 359: must be at least 360, so 3 attempt(s) of a 60 s",
            id="retries-expire",
        ),
        pytest.param(
            ["processing.max_event_age_seconds = 60", "processing.retry_attempts = 0"], None, id="one-attempt-fits"
        ),
        pytest.param(
            [
                "processing.max_event_age_seconds = 200",
                "processing.retry_attempts = 1",
                "functions.data.timeout_seconds = 71",
            ],
            "[env.dev] processing.max_event_age_seconds = 200: must be at least 202",
            id="longest-processor-counts",
        ),
        pytest.param(["alarms.api_latency_p99_ms = 10999"], None, id="latency-below-gateway"),
        pytest.param(["alarms.api_5xx_threshold = 6040"], None, id="5xx-reachable"),
        pytest.param(
            ["alarms.api_5xx_threshold = 6041"],
            "[env.dev] alarms.api_5xx_threshold = 6041: must be at most 6040, the most requests throttling lets "
            "through in one 300 s alarm period",
            id="5xx-unreachable",
        ),
        pytest.param(
            ["alarms.api_latency_p99_ms = 11000"],
            "[env.dev] alarms.api_latency_p99_ms = 11000: must be below 11000",
            id="latency-alarm-never-fires",
        ),
        pytest.param(
            ["functions.api.timeout_seconds = 29", "alarms.api_latency_p99_ms = 30000"],
            "[env.dev] alarms.api_latency_p99_ms = 30000: must be below 30000",
            id="gateway-cap",
        ),
        pytest.param(
            [
                'api.auth = "jwt"',
                'api.jwt_issuer = "https://id.example.com/"',
                f"api.jwt_audience = {json.dumps([f'a{i}' for i in range(50)])}",
            ],
            None,
            id="50-audiences",
        ),
        pytest.param(
            [
                'api.auth = "jwt"',
                'api.jwt_issuer = "https://id.example.com/"',
                f"api.jwt_audience = {json.dumps([f'a{i}' for i in range(51)])}",
            ],
            '[env.dev] api.jwt_audience = ["a0", "a1"',
            id="51-audiences",
        ),
    ],
)
def test_limits_between_settings(tmp_path: Path, lines: list[str], expected: str | None) -> None:
    problems = dev_problems(tmp_path, *lines)
    if expected is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problems[0].startswith(expected), problems


@pytest.mark.parametrize(
    ("project", "region", "expected"),
    [
        pytest.param("tapgen", "ap-southeast-4", None, id="longest-real-region-fits-63"),
        pytest.param(
            "tapgen",
            "ap-southeastt-4",
            '[env.dev] region = "ap-southeastt-4": must be short enough for the uploads bucket name: '
            "tapgen-xxxxxxxxxxxxxxxxxxxx-uploads-000000000000-ap-southeastt-4 (the longest suffix) is 64 characters",
            id="bucket-64",
        ),
        pytest.param("tap", "ap-southeastt-4", None, id="shorter-project-fits"),
        pytest.param(
            "tap",
            "us-verylongregion-1",
            '[env.dev] region = "us-verylongregion-1": must be an AWS region',
            id="region-pattern",
        ),
    ],
)
def test_names_fit_aws_limits_for_every_suffix(tmp_path: Path, project: str, region: str, expected: str | None) -> None:
    problems = dev_problems(tmp_path, f'project = "{project}"', f'region = "{region}"')
    if expected is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problems[0].startswith(expected), problems


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param(
            f'project = "{"x" * 1_000_000}"',
            '[env.dev] project = "' + "x" * 60 + '"… (1,000,000 characters)',
            id="huge-string",
        ),
        pytest.param(
            f"api.cors_origins = [{', '.join(['1'] * 100_000)}]",
            "[env.dev] api.cors_origins = 1: must be of type string",
            id="huge-list-wrong-items",
        ),
        pytest.param(
            "api.cors_origins = [" + ", ".join(['"x"'] * 100_000) + "]",
            '[env.dev] api.cors_origins = ["x", "x", "x", ',
            id="huge-list",
        ),
        pytest.param(
            f"{'k' * 100_000} = 1", "[env.dev] unknown key " + "k" * 60 + "… (100,000 characters)", id="huge-key"
        ),
        pytest.param('"a\\nb" = 1', '[env.dev] unknown key "a\\nb"; allowed:', id="newline-in-key"),
        pytest.param(
            "project = 1979-05-27T07:32:00Z", "[env.dev] project = 1979-05-27T07:32:00+00:00: must be of", id="date"
        ),
        pytest.param("max_upload_bytes = nan", "[env.dev] max_upload_bytes = nan: must be of type integer", id="nan"),
        pytest.param('project = "a\\nb"', '[env.dev] project = "a\\nb": must be', id="newline-in-value"),
    ],
)
def test_messages_are_one_short_line(tmp_path: Path, line: str, expected: str) -> None:
    problems = dev_problems(tmp_path, line)
    assert problems[0].startswith(expected), problems[0][:300]
    assert all("\n" not in p and len(p) < 600 for p in problems)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            b"\xef\xbb\xbf" + BASE.encode(),
            "starts with a UTF-8 byte-order mark (BOM), which TOML does not allow: save the file as UTF-8 without BOM",
            id="utf8-bom",
        ),
        pytest.param(BASE.encode("utf-16"), "is UTF-16 (it starts with a UTF-16 byte-order mark)", id="utf16"),
        pytest.param(b"[env.dev]\nproject = '\xff'\n", "is not UTF-8 text (byte 0xff at offset 21)", id="latin1"),
        pytest.param(b"a = " + b"[" * 100_000, "an array or table nests deeper than 16 levels", id="deep-array"),
        pytest.param(b"a = " + b"{b = " * 100_000, "an array or table nests deeper than 16 levels", id="deep-inline"),
        pytest.param(b"a = " + b"[" * 30 + b"]" * 30, "a nests deeper than 16 levels", id="array-30"),
        pytest.param(b"[env.dev]\na" + b".b" * 100_000 + b" = 1", "line 2 has a key of more than 16", id="dotted"),
        pytest.param(b"[env" + b".b" * 100_000 + b"]", "line 1 has a key of more than 16", id="dotted-table"),
        pytest.param(
            b"[env.dev]\na" + b".b" * 15 + b" = 1", "env.dev.a.b.b.b.b.b.b.b.b.b.b.b.b.b.b nests deeper", id="17-levels"
        ),
        pytest.param(b"x" * (1024 * 1024 + 1), "is larger than 1,048,576 bytes", id="too-large"),
    ],
)
def test_hostile_files_get_one_line(tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "tapgen.toml"
    path.write_bytes(data)
    with pytest.raises(ConfigError) as caught:
        load_all(path)
    (problem,) = caught.value.problems
    assert expected in problem


def test_dots_in_strings_comments_and_floats_are_not_key_parts(tmp_path: Path) -> None:
    many = ".".join(["a"] * 40)
    text = BASE.replace(
        "[env.dev]\n",
        f'[env.dev]  # {many}\napi.cors_origins = ["https://{many}.com"]  # {many}\nx = [{", ".join(["1.5"] * 40)}]\n',
    )
    problems = problems_for(tmp_path, text)
    assert [p.split(";")[0] for p in problems] == ["[env.dev] unknown key x"]


def test_a_directory_as_settings_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_all(tmp_path)
    assert caught.value.problems == [
        "cannot be read: is a directory, where a file is needed: remove or rename the directory"
    ]


def test_an_unreadable_settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_config(tmp_path, BASE)

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(ConfigError) as caught:
        load_all(path)
    assert caught.value.problems == [
        "cannot be read: permission denied: give your user access to it or choose another path"
    ]
