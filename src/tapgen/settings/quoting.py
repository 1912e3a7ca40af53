"""Keys and values as problems quote them: as TOML writes them, every character visible, shortened to fit one line."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time

from tapgen.settings.limits import SHOWN_VALUE_CHARACTERS

_BARE_KEY = r"[A-Za-z0-9_-]+"


def toml_key(key: str) -> str:
    """A key as TOML writes it: bare when it can be, else quoted."""
    return key if re.fullmatch(_BARE_KEY, key) else _quoted(key)


def _quoted(text: str) -> str:
    """A TOML basic string whose every character is visible: line breaks of any script stay escaped."""
    return "".join(
        c if c.isprintable() else f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"
        for c in json.dumps(text, ensure_ascii=False)
    )


def show_value(value: object) -> str:
    """A value as it would be written in TOML, so the message quotes what the user wrote; shortened if long."""
    if isinstance(value, str) and len(value) > SHOWN_VALUE_CHARACTERS:
        return f"{_toml(value[:SHOWN_VALUE_CHARACTERS])}… ({len(value):,} characters)"
    return shortened(_toml(value))


def _toml(value: object) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return _quoted(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {_toml(v)}" for k, v in value.items()) + "}"
    return value.isoformat() if isinstance(value, datetime | date | time) else repr(value)


def shortened(text: str) -> str:
    """`text`, or its start and its length when it is too long to quote whole in a one-line error."""
    if len(text) <= SHOWN_VALUE_CHARACTERS + 20:
        return text
    return f"{text[:SHOWN_VALUE_CHARACTERS]}… ({len(text):,} characters)"
