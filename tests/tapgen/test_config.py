"""Settings: loading, merging, and precise errors for every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from tapgen.config import ConfigError, load_all, load_settings
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
            '[defaults] api.auth = "basic": must be one of iam, jwt',
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
            "[defaults] unknown key processing.retries; allowed: max_event_age_seconds",
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
    assert caught.value.problems == ["unknown environment 'qa'; defined: dev, prod, staging"]


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
