"""Reading tapgen.toml: bounded in bytes and nesting, every failure (encoding, syntax, shape) one precise line."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from tapgen.files import FileTooLarge, os_error_reason, read_bounded
from tapgen.settings.checks import ConfigError
from tapgen.settings.limits import CONFIG_BYTES_LIMIT, CONFIG_DEPTH_LIMIT
from tapgen.settings.quoting import shortened, toml_key


def read_config(path: Path) -> dict[str, Any]:
    """Parse the TOML file and check its top-level shape."""
    source = str(path)
    try:
        data = read_bounded(path, CONFIG_BYTES_LIMIT)
    except FileNotFoundError:
        raise ConfigError(source, ["file not found"]) from None
    except FileTooLarge as error:
        raise ConfigError(source, [f"is {error.strerror} (a settings file is a few kilobytes)"]) from None
    except OSError as error:
        raise ConfigError(source, [f"cannot be read: {os_error_reason(error)}"]) from None
    document = _parse(source, data)
    problems = [
        f"unknown top-level table [{toml_key(k)}]; allowed: [defaults], [env.NAME]"
        for k in document
        if k not in ("defaults", "env")
    ]
    for table in ("defaults", "env"):
        if not isinstance(document.get(table, {}), dict):
            problems.append(f"[{table}] must be a table")
    if not document.get("env"):
        problems.append("no environments: add at least one [env.NAME] table")
    if problems:
        raise ConfigError(source, problems)
    return document


def _parse(source: str, data: bytes) -> dict[str, Any]:
    """TOML text to a document no deeper than CONFIG_DEPTH_LIMIT; every failure is one ConfigError line."""
    if data.startswith(b"\xef\xbb\xbf"):
        bom = "starts with a UTF-8 byte-order mark (BOM), which TOML does not allow: save the file as UTF-8 "
        raise ConfigError(source, [bom + f"without BOM, e.g. `sed -i '1s/^\\xEF\\xBB\\xBF//' {source}`"])
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ConfigError(source, ["is UTF-16 (it starts with a UTF-16 byte-order mark): save it as UTF-8"])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(
            source, [f"is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}): save it as UTF-8"]
        ) from None
    long_key_line = _line_with_long_dotted_key(text)
    if long_key_line is not None:  # tomllib's cost grows with the square of a dotted key's parts
        raise ConfigError(source, [f"line {long_key_line} has a key of more than {CONFIG_DEPTH_LIMIT} dotted parts"])
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(source, [f"is not valid TOML: {error}"]) from None
    except RecursionError:  # tomllib recurses once per level of nesting
        raise ConfigError(source, [f"an array or table nests deeper than {CONFIG_DEPTH_LIMIT} levels"]) from None
    too_deep = _too_deep(document)
    if too_deep is not None:
        raise ConfigError(source, [f"{shortened(too_deep)} nests deeper than {CONFIG_DEPTH_LIMIT} levels"])
    return document


# Strings and comments (whose dots are not key separators), and floats (whose one dot is not either).
_NOT_KEY_DOTS = re.compile(
    r'"""(?:[^\\]|\\[\s\S])*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*'
    r"|(?<![\w.])[+-]?[0-9][0-9_]*\.[0-9][0-9_]*(?:[eE][+-]?[0-9_]+)?(?![\w.])"
)


def _line_with_long_dotted_key(text: str) -> int | None:
    """The first line with more dots outside strings, comments and floats than a key of CONFIG_DEPTH_LIMIT parts
    has; a key cannot span lines, so this bounds every key before tomllib sees it."""
    stripped = _NOT_KEY_DOTS.sub(lambda match: "\n" * match.group().count("\n"), text)
    return next(
        (number for number, line in enumerate(stripped.split("\n"), 1) if line.count(".") >= CONFIG_DEPTH_LIMIT), None
    )


def _too_deep(document: dict[str, Any]) -> str | None:
    """The first key whose value nests deeper than CONFIG_DEPTH_LIMIT, found without recursion."""
    pending: list[tuple[str, object, int]] = [(toml_key(k), v, 1) for k, v in document.items()]
    while pending:
        key, value, depth = pending.pop()
        if depth > CONFIG_DEPTH_LIMIT:
            return key
        if isinstance(value, dict):
            pending.extend((f"{key}.{toml_key(k)}", v, depth + 1) for k, v in value.items())
        elif isinstance(value, list):
            pending.extend((key, v, depth + 1) for v in value)
    return None
