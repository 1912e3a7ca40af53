"""tapgen.toml for the settings tests: dev reduced to the defaults, written beside the project's lambdas/."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from tapgen.settings import ConfigError, load_settings
from tests.conftest import CONFIG, CONTRACT, ROOT

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


def dev_problems(tmp_path: Path, *lines: str, base: str = BASE) -> list[str]:
    """The problems of dev with `lines` added to its own table."""
    text = base.replace("[env.dev]\n", "[env.dev]\n" + "".join(f"{line}\n" for line in lines), 1)
    try:
        load_settings("dev", write_config(tmp_path, text))
    except ConfigError as error:
        return error.problems
    return []


def tags_table(count: int) -> str:
    return "tags = {" + ", ".join(f'T{i} = "v"' for i in range(count)) + "}"
