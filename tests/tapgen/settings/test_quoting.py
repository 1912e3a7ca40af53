"""Quoting: keys and values appear in problems as TOML writes them, on one line, shortened when long."""

from __future__ import annotations

import pytest

from tapgen.settings.quoting import shortened, show_value, toml_key


@pytest.mark.parametrize(
    ("key", "shown"),
    [("ok_-1", "ok_-1"), ("a.b", '"a.b"'), ("a\u2028b", '"a\\u2028b"'), ("a\nb", '"a\\nb"')],
)
def test_keys_are_bare_when_they_can_be(key: str, shown: str) -> None:
    assert toml_key(key) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "(not set)"),
        (True, "true"),
        ((1, "x"), '[1, "x"]'),
        ({"k": 1, "a b": False}, '{k = 1, "a b" = false}'),
        ("x" * 61, '"' + "x" * 60 + '"… (61 characters)'),
    ],
)
def test_values_are_shown_as_toml(value: object, shown: str) -> None:
    assert show_value(value) == shown


def test_long_text_is_shortened_to_its_start_and_length() -> None:
    assert shortened("y" * 80) == "y" * 80
    assert shortened("y" * 81) == "y" * 60 + "… (81 characters)"
