"""Reading tapgen.toml: malformed, missing, unreadable and hostile files are one precise line each."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from tapgen.settings import ConfigError, load_all
from tests.tapgen.settings.helpers import BASE, problems_for, write_config


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
