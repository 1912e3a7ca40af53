"""Loading: environments merged over [defaults], read against the Lambda contract, each problem told once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tapgen.settings import ConfigError, load_all, load_settings
from tests.conftest import CONFIG, ENVIRONMENTS
from tests.tapgen.settings.helpers import BASE, problems_for, write_config


def test_all_environments_load() -> None:
    assert [s.name for s in load_all(CONFIG)] == sorted(ENVIRONMENTS)


def test_environment_overrides_merge_over_defaults() -> None:
    prod = load_settings("prod", CONFIG)
    assert prod.functions["image"].memory_mb == 1024
    assert prod.functions["image"].reserved_concurrency == 100
    assert prod.project == "tap"  # from [defaults]
    assert prod.api.auth == "jwt"


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
    # The first of each only: a function added later with the same values (the guide's recipe) is not broken too.
    text = BASE.replace("memory_mb = 256", "memory_mb = 1", 1).replace("timeout_seconds = 10", "timeout_seconds = 0", 1)
    problems = problems_for(tmp_path, text)
    assert len(problems) == 2
    assert any("memory_mb" in p for p in problems) and any("timeout_seconds" in p for p in problems)


def test_all_environments_problems_are_reported_together(tmp_path: Path) -> None:
    text = BASE.replace("[env.staging]\n", "[env.staging]\nretain_data = 1\n").replace(
        "[env.prod]\n", "[env.prod]\nruntime = 3\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_all(write_config(tmp_path, text))
    assert [p.split("]")[0] for p in caught.value.problems] == ["[env.prod", "[env.staging"]


def test_a_defaults_problem_is_reported_once_against_defaults(tmp_path: Path) -> None:
    text = BASE.replace("memory_mb = 256", "memory_mb = 1", 1)  # [defaults]' api, inherited by dev and staging
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


def test_name_in_defaults_is_reported_once_for_all_environments(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_all(write_config(tmp_path, BASE.replace("[defaults]\n", '[defaults]\nname = "prod"\n', 1)))
    assert caught.value.problems == [
        "[defaults] name cannot be set: an environment's name is the name of its table, [env.NAME]"
    ]


def test_unknown_environment_lists_the_defined_ones() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings("qa", CONFIG)
    assert caught.value.problems == [f"unknown environment 'qa'; defined: {', '.join(sorted(ENVIRONMENTS))}"]


def test_lambdas_dir_sits_beside_the_config(tmp_path: Path) -> None:
    assert load_settings("dev", write_config(tmp_path, BASE)).lambdas_dir == tmp_path / "lambdas"


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
