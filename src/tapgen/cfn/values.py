"""Where two JSON values differ, path by path, and how a value reads in one short line."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from tapgen.cfn.replacement import same_value
from tapgen.cfn.shapes import is_intrinsic

SHORT_LIMIT = 80


class _Absent:
    """The value of something not in the template (distinct from a JSON null)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


@dataclass(frozen=True)
class ValueChange:
    """One place that differs: its path (keys and list indexes) and the value before and after."""

    path: tuple[str, ...]
    before: Any
    after: Any

    @property
    def kind(self) -> str:
        if self.before is ABSENT:
            return "added"
        return "removed" if self.after is ABSENT else "modified"

    @property
    def joined(self) -> str:
        return "/".join(self.path)


def value_changes(before: Any, after: Any, path: tuple[str, ...] = ()) -> tuple[ValueChange, ...]:
    """Each innermost place where `after` differs from `before` (ABSENT: not there), in document order."""
    return tuple(_changes(before, after, path))


def _changes(before: Any, after: Any, path: tuple[str, ...]) -> Iterator[ValueChange]:
    if before is ABSENT or after is ABSENT:
        if before is not after:
            yield ValueChange(path, before, after)
        return
    if same_value(before, after):
        return
    if _is_object(before) and _is_object(after):
        for key in _ordered_keys(before, after):
            yield from _changes(before.get(key, ABSENT), after.get(key, ABSENT), (*path, str(key)))
    elif isinstance(before, list) and isinstance(after, list):
        yield from _list_changes(before, after, path)
    elif _embedded_json(before) is not None and _embedded_json(after) is not None:
        # A JSON document inside a string (an event pattern, a state machine): diff inside it.
        yield from _changes(_embedded_json(before), _embedded_json(after), path)
    else:
        yield ValueChange(path, before, after)


def _list_changes(before: list[Any], after: list[Any], path: tuple[str, ...]) -> Iterator[ValueChange]:
    """Same-length lists compare item by item; otherwise inserted and removed items are found as such."""
    if len(before) == len(after):
        for index, (old, new) in enumerate(zip(before, after, strict=True)):
            yield from _changes(old, new, (*path, str(index)))
        return
    matcher = SequenceMatcher(a=[canonical(x) for x in before], b=[canonical(x) for x in after], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for offset in range(i2 - i1):
                yield from _changes(before[i1 + offset], after[j1 + offset], (*path, str(j1 + offset)))
            continue
        for index in range(i1, i2):
            yield ValueChange((*path, str(index)), before[index], ABSENT)
        for index in range(j1, j2):
            yield ValueChange((*path, str(index)), ABSENT, after[index])


def _is_object(value: Any) -> bool:
    return isinstance(value, Mapping) and not is_intrinsic(value)


def _ordered_keys(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    return sorted(set(before) | set(after), key=str)


def _embedded_json(value: Any) -> Any:
    if not isinstance(value, str) or not value.lstrip().startswith(("{", "[")):
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict | list) else None


def canonical(value: Any) -> str:
    """One compact, key-sorted JSON text per value: for identity and for display."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


def shown(value: Any, limit: int = SHORT_LIMIT) -> str:
    """A value as one line: strings as they are, everything else as compact JSON (intrinsics as written)."""
    if value is ABSENT:
        return "(absent)"
    text = value if isinstance(value, str) else canonical(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else f"{text[: limit - 1]}…"
