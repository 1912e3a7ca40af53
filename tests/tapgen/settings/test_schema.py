"""The schema: every setting's range named precisely, and the rules across settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tapgen.settings import ConfigError, ProcessingSettings, Settings, load_settings
from tests.conftest import CONFIG, CONTRACT, settings_for
from tests.tapgen.settings.helpers import (
    BASE,
    FUNCTION_NAMES,
    allowed_keys,
    dev_problems,
    problems_for,
    tags_table,
    write_config,
)


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
