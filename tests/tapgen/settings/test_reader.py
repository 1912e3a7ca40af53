"""The reader: unknown, fixed and mistyped keys, each problem one short line against the table that set it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tapgen.settings.helpers import BASE, dev_problems, problems_for


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
