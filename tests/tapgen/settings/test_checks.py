"""The checks: what the combinators say is allowed, and the value validators (e-mail addresses as SNS takes them,
CORS origins as browsers send them, AWS tags)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tapgen.settings.checks import SettingCheck, between, each, matches, one_of
from tests.tapgen.settings.helpers import dev_problems, tags_table


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


@pytest.mark.parametrize(
    ("check", "value", "allowed"),
    [
        pytest.param(between(1, 5), 5, None, id="between-edge"),
        pytest.param(between(1, 5), 6, "an integer from 1 to 5", id="between-above"),
        pytest.param(one_of("a", 3), 3, None, id="one-of"),
        pytest.param(one_of("a", 3), "b", "one of a, 3", id="one-of-other"),
        pytest.param(matches(r"[a-z]+", "letters"), "A", "letters (pattern [a-z]+)", id="matches-whole-value"),
        pytest.param(each(between(1, 2)), (1, 2), None, id="each"),
        pytest.param(each(between(1, 2)), (1, 3), "a list of an integer from 1 to 2", id="each-names-the-item"),
        pytest.param(each(between(1, 2), at_most=2), (1, 2, 1), "a list of at most 2 items", id="each-at-most"),
    ],
)
def test_checks_say_what_is_allowed(check: SettingCheck, value: object, allowed: str | None) -> None:
    assert check(value) == allowed
